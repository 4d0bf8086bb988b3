-- ATC coverage dashboard: the positions (callsigns) with the most online time in the time range,
-- observers left out.
select c.callsign,
  coalesce((array['OBS', 'FSS', 'DEL', 'GND', 'TWR', 'APP', 'CTR'])[c.facility + 1], c.facility::text)
    as facility,
  round(sum(extract(epoch from least(c.last_seen, $__timeTo()::timestamptz)
    - greatest(c.first_seen, $__timeFrom()::timestamptz))) / 3600, 2) as hours,
  count(*) as sessions, min(c.first_seen) as first_seen, max(c.last_seen) as last_seen
from controller_sessions c
where c.station = 'controller' and c.facility > 0
  and tstzrange(c.first_seen, coalesce(c.logoff_at, 'infinity'::timestamptz), '[]')
    && tstzrange($__timeFrom()::timestamptz, $__timeTo()::timestamptz, '[]')
  and c.last_seen >= $__timeFrom()::timestamptz and c.first_seen <= $__timeTo()::timestamptz
group by c.callsign, c.facility
order by hours desc, c.callsign
limit 50
