-- Network dashboard: the pilots online at the newest snapshot in the time range, each at the position
-- it had then (its newest kept one), for the map.
with latest as (
  select max(update_timestamp) as at from snapshots where $__timeFilter(update_timestamp)
)
select f.callsign, f.aircraft, f.departure, f.arrival, p.latitude, p.longitude, p.altitude, p.groundspeed,
  p.heading
from latest
cross join flights f
join lateral (
  select * from positions p where p.flight_id = f.id and p.at <= latest.at order by p.at desc limit 1
) p on true
where tstzrange(f.first_seen, coalesce(f.completed_at, 'infinity'::timestamptz), '[]') @> latest.at
  and f.last_seen >= latest.at
order by f.callsign
