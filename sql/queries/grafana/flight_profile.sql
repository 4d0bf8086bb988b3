-- Flight track dashboard: the altitude and ground speed of the chosen callsign's kept positions in the
-- time range (every session of it), as time series.
select p.at as time, p.altitude, p.groundspeed
from flights f
join positions p on p.flight_id = f.id
where f.callsign = '$callsign'
  and f.first_seen <= $__timeTo()::timestamptz and f.last_seen >= $__timeFrom()::timestamptz
  and $__timeFilter(p.at)
order by p.at
