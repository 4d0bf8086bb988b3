-- Airports dashboard: the movements of the time range, newest first.
-- A take-off is a kept position under 50 kt (on the ground, traffic/phase.ts) followed by a faster one,
-- timed at the faster one; a landing the reverse, timed at the slow one. The slow positions come from the
-- partial indexes of migration 0005. The database holds no airport positions, so a movement counts at
-- its flight plan's departure or arrival (GET /api/traffic/movements/{icao} places it by position).
with movements as (
  select n.at, 'departure' as movement, f.departure as airport, f.arrival as other_end, f.callsign, f.aircraft
  from positions g
  join lateral (
    select n.at, n.groundspeed from positions n
    where n.flight_id = g.flight_id and n.at > g.at
    order by n.at limit 1
  ) n on n.groundspeed >= 50
  join flights f on f.id = g.flight_id
  where g.groundspeed < 50
    and g.at >= $__timeFrom()::timestamptz - interval '3 hours' and g.at <= $__timeTo()::timestamptz
    and $__timeFilter(n.at)
  union all
  select g.at, 'arrival', f.arrival, f.departure, f.callsign, f.aircraft
  from positions g
  join lateral (
    select p.groundspeed from positions p
    where p.flight_id = g.flight_id and p.at < g.at and p.at >= g.at - interval '3 hours'
    order by p.at desc limit 1
  ) p on p.groundspeed >= 50
  join flights f on f.id = g.flight_id
  where g.groundspeed < 50 and $__timeFilter(g.at)
)
select at as time, movement, airport, other_end, callsign, aircraft
from movements
order by at desc, callsign
limit 500
