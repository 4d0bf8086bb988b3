/**
 * The bulk statements of db/network.ts. Each takes column arrays (`unnest`) and the snapshot time as its
 * last parameter; timestamps travel as ISO text so their microseconds survive. Inserts return one row per
 * row inserted, so the caller can count them.
 */

const KEY = "f.cid = u.cid and f.callsign = u.callsign and f.logon_time = u.logon_time";

/**
 * When session `f` (a flight_sessions row) was last seen: a session present in the newest snapshot
 * written was seen then (the clock), any other at its stored `last_seen` (migration 0006).
 */
const SEEN =
  `(case when f.present then greatest(f.last_seen, (select at from network_clock)) else f.last_seen end)`;

/**
 * New sessions, present from this snapshot on. A session already stored (a redelivery, or a restarted
 * processor re-creating it) only takes the newer values; one stored as completed comes back to life only
 * from a later snapshot.
 */
export const UPSERT_FLIGHTS = `
insert into flight_sessions as f (cid, callsign, logon_time, first_seen, last_seen, present, name, server,
  pilot_rating, military_rating, plan_revision, flight_rules, departure, arrival, aircraft)
select u.cid, u.callsign, u.logon_time, $13::timestamptz, $13::timestamptz, true, u.name, u.server,
  u.pilot_rating, u.military_rating, u.plan_revision, u.flight_rules, u.departure, u.arrival, u.aircraft
from unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::int[],
  $8::int[], $9::text[], $10::text[], $11::text[], $12::text[])
  as u(cid, callsign, logon_time, name, server, pilot_rating, military_rating, plan_revision,
    flight_rules, departure, arrival, aircraft)
on conflict (cid, callsign, logon_time) do update set
  first_seen = least(f.first_seen, excluded.first_seen),
  last_seen = excluded.last_seen,
  present = true,
  name = excluded.name,
  server = excluded.server,
  pilot_rating = excluded.pilot_rating,
  military_rating = excluded.military_rating,
  plan_revision = excluded.plan_revision,
  flight_rules = excluded.flight_rules,
  departure = excluded.departure,
  arrival = excluded.arrival,
  aircraft = excluded.aircraft,
  status = case when excluded.last_seen > f.last_seen then 'active' else f.status end,
  completed_at = case when excluded.last_seen > f.last_seen then null else f.completed_at end
where excluded.last_seen >= ${SEEN}
returning (xmax = 0) as inserted`;

export const FLIGHTS_UPDATED = `
update flight_sessions f set name = u.name, server = u.server, pilot_rating = u.pilot_rating,
  military_rating = u.military_rating
from unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::int[])
  as u(cid, callsign, logon_time, name, server, pilot_rating, military_rating)
where ${KEY} and ${SEEN} <= $8::timestamptz`;

/** The plan columns of a session follow its newest revision (null ones when the plan was removed). */
export const FLIGHTS_REVISED = `
update flight_sessions f set plan_revision = u.plan_revision, flight_rules = u.flight_rules,
  departure = u.departure, arrival = u.arrival, aircraft = u.aircraft
from unnest($1::int[], $2::text[], $3::timestamptz[], $4::int[], $5::text[], $6::text[], $7::text[],
  $8::text[]) as u(cid, callsign, logon_time, plan_revision, flight_rules, departure, arrival, aircraft)
where ${KEY} and ${SEEN} <= $9::timestamptz`;

export const FLIGHTS_COMPLETED = `
update flight_sessions f set status = 'completed', completed_at = $5::timestamptz, present = false,
  last_seen = greatest(${SEEN}, u.last_seen)
from unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[])
  as u(cid, callsign, logon_time, last_seen)
where ${KEY} and f.status = 'active'`;

export const INSERT_FLIGHT_PLANS = `
insert into flight_plans (cid, callsign, logon_time, revision_id, flight_rules, departure, arrival,
  aircraft, plan, filed_at)
select u.cid, u.callsign, u.logon_time, u.revision_id, u.flight_rules, u.departure, u.arrival,
  u.aircraft, u.plan::jsonb, $10::timestamptz
from unnest($1::int[], $2::text[], $3::timestamptz[], $4::int[], $5::text[], $6::text[], $7::text[],
  $8::text[], $9::text[])
  as u(cid, callsign, logon_time, revision_id, flight_rules, departure, arrival, aircraft, plan)
on conflict on constraint flight_plans_version_key do nothing
returning 1`;

export const PLANS_CANCELLED = `
update flight_plans p set cancelled_at = $4::timestamptz
from unnest($1::int[], $2::text[], $3::int[]) as u(cid, callsign, revision_id)
where p.cid = u.cid and p.callsign = u.callsign and p.logon_time is null
  and p.revision_id = u.revision_id and p.cancelled_at is null`;

/**
 * Whether a sighting's position is kept (FLIGHTS_SEEN): the diff sends one only when it moved, except on a
 * first sighting (a session the diff created, and every session after a processor restart), which is
 * compared with the session's newest stored position here. $12–$14 are the diff's thresholds (metres,
 * feet, knots); the distance is equirectangular, within centimetres of the diff's haversine at 100 m.
 */
const MOVED = `(u.latitude is not null and (not u.first_sighting or l.flight_id is null
  or l.transponder <> u.transponder
  or abs(l.altitude - u.altitude) >= $13 or abs(l.groundspeed - u.groundspeed) >= $14
  or 6371008.8 * sqrt(radians(u.latitude - l.latitude) ^ 2
    + (radians(u.longitude - l.longitude) * cos(radians(l.latitude))) ^ 2) >= $12))`;

/**
 * The sessions of the snapshot ($11): their kept positions become `positions` rows, and which sessions
 * are present follows the snapshot (migration 0006). Only a snapshot newer than the clock moves
 * presence: a session present before and missing now was last seen at the clock's time, one missing
 * before and here now is present again, and the clock moves to $11. An older one (a feed whose clock
 * was set back) only adds its positions. Present sessions are not rewritten, which is the point: a
 * snapshot updates the few that came or went. Answers the number of position rows written.
 *
 * A position row cannot meet its primary key: a snapshot already stored is not written again (the
 * store's snapshot row), so positions at $11 come only from this statement, one per session.
 */
export const FLIGHTS_SEEN = `
with u as (
  select f.id, f.present, f.first_seen, u.*
  from unnest($1::int[], $2::text[], $3::timestamptz[], $4::float8[], $5::float8[], $6::float8[],
    $7::float8[], $8::float8[], $9::text[], $10::bool[])
    as u(cid, callsign, logon_time, latitude, longitude, altitude, groundspeed, heading, transponder,
      first_sighting)
  join flight_sessions f on ${KEY}
),
clock as (select at, $11::timestamptz > at as newer from network_clock),
gone as (
  update flight_sessions f set present = false, last_seen = greatest(f.last_seen, clock.at)
  from clock
  where clock.newer and f.present and not exists (select 1 from u where u.id = f.id)
),
back as (
  update flight_sessions f set present = true
  from clock
  where clock.newer and f.id in (select id from u where not present)
),
ticked as (
  update network_clock c set at = $11::timestamptz from clock where clock.newer
),
written as (
  insert into positions (flight_id, at, latitude, longitude, altitude, groundspeed, heading, transponder)
  select u.id, $11::timestamptz, u.latitude, u.longitude, round(u.altitude), round(u.groundspeed),
    round(u.heading), u.transponder
  from u
  left join lateral (
    select * from positions p
    where u.first_sighting and p.flight_id = u.id and p.at >= u.first_seen
    order by p.at desc limit 1
  ) l on true
  where ${MOVED}
  returning 1
)
select count(*)::int as written from written`;

export const UPSERT_CONTROLLERS = `
insert into controller_sessions as f (cid, callsign, logon_time, station, name, frequency, facility, rating,
  server, visual_range, first_seen, last_seen)
select u.cid, u.callsign, u.logon_time, u.station, u.name, u.frequency, u.facility, u.rating, u.server,
  round(u.visual_range)::int, $11::timestamptz, $11::timestamptz
from unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::int[],
  $8::int[], $9::text[], $10::float8[])
  as u(cid, callsign, logon_time, station, name, frequency, facility, rating, server, visual_range)
on conflict (cid, callsign, logon_time) do update set
  first_seen = least(f.first_seen, excluded.first_seen),
  last_seen = excluded.last_seen,
  frequency = excluded.frequency,
  logoff_at = case when excluded.last_seen > f.last_seen then null else f.logoff_at end
where excluded.last_seen >= f.last_seen
returning (xmax = 0) as inserted`;

export const CONTROLLERS_SEEN = `
update controller_sessions f set last_seen = $4::timestamptz
from unnest($1::int[], $2::text[], $3::timestamptz[]) as u(cid, callsign, logon_time)
where ${KEY} and f.last_seen < $4::timestamptz`;

/** Each change, and the session's current frequency. */
export const INSERT_FREQUENCY_CHANGES = `
with u as (
  select * from unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::text[])
    as u(cid, callsign, logon_time, from_frequency, to_frequency)
),
current as (
  update controller_sessions f set frequency = u.to_frequency
  from u
  where ${KEY} and f.last_seen <= $6::timestamptz
)
insert into frequency_changes (cid, callsign, logon_time, at, from_frequency, to_frequency)
select cid, callsign, logon_time, $6::timestamptz, from_frequency, to_frequency from u
on conflict do nothing
returning 1`;

export const CONTROLLERS_LOGGED_OFF = `
update controller_sessions f set logoff_at = $5::timestamptz, last_seen = greatest(f.last_seen, u.last_seen)
from unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[])
  as u(cid, callsign, logon_time, last_seen)
where ${KEY} and f.logoff_at is null`;

export const INSERT_ATIS = `
insert into atis (cid, callsign, logon_time, revision, at, code, text, code_changed, text_changed)
select u.cid, u.callsign, u.logon_time, u.revision, $9::timestamptz, u.code, u.text, u.code_changed,
  u.text_changed
from unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bool[],
  $8::bool[]) as u(cid, callsign, logon_time, revision, code, text, code_changed, text_changed)
on conflict do nothing
returning 1`;

export const INSERT_EVENTS = `
insert into events (type, at, subject, event_key, payload)
select u.type, u.at, u.subject, u.event_key, u.payload::jsonb
from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[])
  as u(type, at, subject, event_key, payload)
on conflict do nothing
returning 1`;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
/** A timestamptz column as the normalised feed timestamp (ISO, UTC, 6 fractional digits). */
export const iso = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO})`;

/**
 * Sessions not seen for longer than the grace period ($3 ms before $1; $2 is $1 as the feed wrote it)
 * end here, with the event the diff would have sent: this catches what a restarted processor forgot.
 */
export const SWEEP_FLIGHTS = `
with ended as (
  update flight_sessions f set status = 'completed', completed_at = $1::timestamptz, present = false,
    last_seen = ${SEEN}
  where f.status = 'active' and ${SEEN} < $1::timestamptz - make_interval(secs => $3::float8 / 1000)
  returning f.cid, f.callsign, ${iso("f.logon_time")} as logon_time, ${iso("f.last_seen")} as last_seen
)
insert into events (type, at, subject, event_key, payload)
select 'FLIGHT_COMPLETED', $1::timestamptz, s.subject, 'FLIGHT_COMPLETED|' || s.subject || '|',
  jsonb_build_object('type', 'FLIGHT_COMPLETED', 'at', $2::text, 'session',
    jsonb_build_object('cid', cid, 'callsign', callsign, 'logon_time', logon_time), 'lastSeen', last_seen)
from (select *, cid || '|' || callsign || '|' || logon_time as subject from ended) as s
on conflict do nothing`;

export const SWEEP_CONTROLLERS = `
with ended as (
  update controller_sessions f set logoff_at = $1::timestamptz
  where f.logoff_at is null and f.last_seen < $1::timestamptz - make_interval(secs => $3::float8 / 1000)
  returning f.cid, f.callsign, f.station, ${iso("f.logon_time")} as logon_time,
    ${iso("f.last_seen")} as last_seen
)
insert into events (type, at, subject, event_key, payload)
select 'CONTROLLER_LOGOFF', $1::timestamptz, s.subject, 'CONTROLLER_LOGOFF|' || s.subject || '|',
  jsonb_build_object('type', 'CONTROLLER_LOGOFF', 'at', $2::text, 'session',
    jsonb_build_object('cid', cid, 'callsign', callsign, 'logon_time', logon_time), 'station', station,
    'lastSeen', last_seen)
from (select *, cid || '|' || callsign || '|' || logon_time as subject from ended) as s
on conflict do nothing`;
