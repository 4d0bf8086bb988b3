-- ATC coverage dashboard: controllers online over time by facility, counted at the newest snapshot of
-- each interval (a session is online from its first to its last sighting; observers and ATIS stations,
-- which give no service, left out).
with moments as (
  select max(update_timestamp) as at
  from snapshots
  where $__timeFilter(update_timestamp)
  group by $__timeGroup(update_timestamp, $__interval)
)
select m.at as time,
  coalesce((array['OBS', 'FSS', 'DEL', 'GND', 'TWR', 'APP', 'CTR'])[c.facility + 1], c.facility::text)
    as metric,
  count(*) as controllers
from moments m
join controller_sessions c
  on tstzrange(c.first_seen, coalesce(c.logoff_at, 'infinity'::timestamptz), '[]') @> m.at
  and c.last_seen >= m.at
where c.station = 'controller' and c.facility > 0
group by 1, 2
order by 1, 2
