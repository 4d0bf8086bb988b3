-- Network dashboard: the typed events (sessions, plans, logons, ATIS changes) per interval, by type.
select $__timeGroupAlias(at, $__interval), type as metric, count(*) as events
from events
where $__timeFilter(at)
group by 1, 2
order by 1, 2
