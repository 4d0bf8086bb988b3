-- Airports dashboard: the airports most flown from or to by the sessions online at some point in the
-- range, by their flight plans.
with alive as (
  select f.departure, f.arrival
  from flights f
  where tstzrange(f.first_seen, coalesce(f.completed_at, 'infinity'::timestamptz), '[]')
      && tstzrange($__timeFrom()::timestamptz, $__timeTo()::timestamptz, '[]')
    and f.last_seen >= $__timeFrom()::timestamptz
),
ends as (
  select departure as airport, 1 as departures, 0 as arrivals from alive
  union all
  select arrival, 0, 1 from alive
)
select airport, sum(departures) as departures, sum(arrivals) as arrivals,
  sum(departures + arrivals) as flights
from ends
where airport <> ''
group by airport
order by flights desc, airport
limit 20
