-- Network dashboard: the aircraft types most flown by the sessions online at some point in the range.
select f.aircraft, count(*) as flights
from flights f
where tstzrange(f.first_seen, coalesce(f.completed_at, 'infinity'::timestamptz), '[]')
    && tstzrange($__timeFrom()::timestamptz, $__timeTo()::timestamptz, '[]')
  and f.last_seen >= $__timeFrom()::timestamptz
  and f.aircraft <> ''
group by f.aircraft
order by flights desc, f.aircraft
limit 15
