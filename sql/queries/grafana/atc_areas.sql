-- ATC coverage dashboard: online time per area, the callsign before its first underscore (an airport
-- or a sector: EGLL, EGTT, KZNY), with the facilities that covered it; observers left out.
select split_part(c.callsign, '_', 1) as area,
  round(sum(extract(epoch from least(c.last_seen, $__timeTo()::timestamptz)
    - greatest(c.first_seen, $__timeFrom()::timestamptz))) / 3600, 2) as hours,
  count(distinct c.callsign) as positions,
  string_agg(distinct coalesce((array['OBS', 'FSS', 'DEL', 'GND', 'TWR', 'APP', 'CTR'])[c.facility + 1],
    c.facility::text), ' ') as facilities
from controller_sessions c
where c.station = 'controller' and c.facility > 0
  and tstzrange(c.first_seen, coalesce(c.logoff_at, 'infinity'::timestamptz), '[]')
    && tstzrange($__timeFrom()::timestamptz, $__timeTo()::timestamptz, '[]')
  and c.last_seen >= $__timeFrom()::timestamptz and c.first_seen <= $__timeTo()::timestamptz
group by 1
order by hours desc, area
limit 50
