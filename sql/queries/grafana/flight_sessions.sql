-- Flight track dashboard: the sessions of the chosen callsign in the time range, each with its newest
-- flight plan and how many versions that plan had.
select f.cid, f.logon_time, f.first_seen, f.last_seen, f.status, f.flight_rules, f.departure, f.arrival,
  f.aircraft, plan.plan ->> 'altitude' as planned_altitude, plan.plan ->> 'route' as route, plan.versions
from flights f
left join lateral (
  select v.plan, count(*) over () as versions
  from flight_plans v
  where v.cid = f.cid and v.callsign = f.callsign and v.logon_time = f.logon_time
  order by v.filed_at desc, v.revision_id desc
  limit 1
) plan on true
where f.callsign = '$callsign'
  and f.first_seen <= $__timeTo()::timestamptz and f.last_seen >= $__timeFrom()::timestamptz
order by f.first_seen desc
