-- Flight track dashboard, the callsign variable: the callsigns of the sessions online at some point in
-- the time range.
select distinct f.callsign
from flights f
where tstzrange(f.first_seen, coalesce(f.completed_at, 'infinity'::timestamptz), '[]')
    && tstzrange($__timeFrom()::timestamptz, $__timeTo()::timestamptz, '[]')
  and f.last_seen >= $__timeFrom()::timestamptz
order by f.callsign
