-- Flight track dashboard: the kept positions of the chosen callsign in the time range (every session of
-- it, so a pilot who reconnected keeps one track), for the map.
select p.at as time, p.latitude, p.longitude, p.altitude, p.groundspeed, p.heading, p.transponder
from flights f
join positions p on p.flight_id = f.id
where f.callsign = '$callsign'
  and f.first_seen <= $__timeTo()::timestamptz and f.last_seen >= $__timeFrom()::timestamptz
  and $__timeFilter(p.at)
order by p.at
