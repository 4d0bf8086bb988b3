-- ATC coverage dashboard: controller hours per facility in the time range (first to last sighting of
-- each session, clipped to the range; observers left out), and how many positions gave them.
select coalesce((array['OBS', 'FSS', 'DEL', 'GND', 'TWR', 'APP', 'CTR'])[c.facility + 1], c.facility::text)
    as facility,
  round(sum(extract(epoch from least(c.last_seen, $__timeTo()::timestamptz)
    - greatest(c.first_seen, $__timeFrom()::timestamptz))) / 3600, 2) as hours,
  count(distinct c.callsign) as positions
from controller_sessions c
where c.station = 'controller' and c.facility > 0
  and tstzrange(c.first_seen, coalesce(c.logoff_at, 'infinity'::timestamptz), '[]')
    && tstzrange($__timeFrom()::timestamptz, $__timeTo()::timestamptz, '[]')
  and c.last_seen >= $__timeFrom()::timestamptz and c.first_seen <= $__timeTo()::timestamptz
group by c.facility
order by c.facility
