-- ATC coverage dashboard: the ATIS stations on air at the newest snapshot in the time range, with the
-- broadcast in force then.
with latest as (
  select max(update_timestamp) as at from snapshots where $__timeFilter(update_timestamp)
)
select c.callsign, a.code, a.at as since, c.frequency, a.text
from latest
cross join controller_sessions c
left join lateral (
  select a.code, a.at, a.text from atis a
  where a.cid = c.cid and a.callsign = c.callsign and a.logon_time = c.logon_time and a.at <= latest.at
  order by a.at desc limit 1
) a on true
where c.station = 'atis'
  and tstzrange(c.first_seen, coalesce(c.logoff_at, 'infinity'::timestamptz), '[]') @> latest.at
  and c.last_seen >= latest.at
order by c.callsign
