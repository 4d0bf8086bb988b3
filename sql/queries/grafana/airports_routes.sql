-- Airports dashboard: the city pairs most flown by the sessions online at some point in the range.
select f.departure || ' → ' || f.arrival as route, count(*) as flights
from flights f
where tstzrange(f.first_seen, coalesce(f.completed_at, 'infinity'::timestamptz), '[]')
    && tstzrange($__timeFrom()::timestamptz, $__timeTo()::timestamptz, '[]')
  and f.last_seen >= $__timeFrom()::timestamptz
  and f.departure <> '' and f.arrival <> ''
group by f.departure, f.arrival
order by flights desc, route
limit 20
