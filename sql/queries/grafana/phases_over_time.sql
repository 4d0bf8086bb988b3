-- Flight phases dashboard: flights by phase over time, counted at the newest snapshot of each interval.
-- The phases are those of traffic/phase.ts by ground speed and vertical rate alone: the database holds
-- no airport elevations, so under 50 kt is on the ground and there is no approach phase (the traffic
-- summary of the API has the full rules). The rate is taken over the previous kept position within
-- 10 minutes, as there.
with moments as (
  select max(update_timestamp) as at
  from snapshots
  where $__timeFilter(update_timestamp)
  group by $__timeGroup(update_timestamp, $__interval)
),
readings as (
  select m.at, f.callsign, f.departure, f.arrival, f.aircraft, c.altitude, c.groundspeed,
    p.groundspeed as previous_groundspeed,
    round((c.altitude - p.altitude) / (extract(epoch from c.at - p.at) / 60)) as feet_per_minute
  from moments m
  join flights f
    on tstzrange(f.first_seen, coalesce(f.completed_at, 'infinity'::timestamptz), '[]') @> m.at
    and f.last_seen >= m.at
  join lateral (
    select * from positions c where c.flight_id = f.id and c.at <= m.at order by c.at desc limit 1
  ) c on true
  left join lateral (
    select * from positions p
    where p.flight_id = f.id and p.at < c.at and p.at >= c.at - interval '10 minutes'
    order by p.at desc limit 1
  ) p on true
),
phases as (
  select *, case
      when groundspeed < 50 and previous_groundspeed >= 50 then 'landed'
      when groundspeed < 5 then 'on_ground'
      when groundspeed < 50 then 'taxi'
      when previous_groundspeed < 50 then 'takeoff'
      when feet_per_minute >= 300 then 'climb'
      when feet_per_minute <= -300 then 'descent'
      else 'cruise'
    end as phase
  from readings
)
select at as time, phase as metric, count(*) as flights
from phases
group by 1, 2
order by 1, 2
