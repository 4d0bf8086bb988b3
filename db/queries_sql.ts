/**
 * The read statements of db/queries.ts. Every one is fixed text: filters arrive as `$n` parameters, and a
 * filter that is not set is a null parameter that its condition lets through. Timestamps leave as ISO
 * text with microseconds (a JS Date would drop them).
 */

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
export const iso = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO})`;

/** The newest stored snapshot at or before $1 (any when null). */
export const SNAPSHOT_AT = `
select ${iso("max(update_timestamp)")} as at from snapshots
where $1::timestamptz is null or update_timestamp <= $1::timestamptz`;

/** Whether a session's lifetime (first_seen until its end, open while it lasts) holds $1; uses the GiST indexes of 0003. */
export const aliveAt = (end: string, at: string) =>
  `tstzrange(first_seen, coalesce(${end}, 'infinity'::timestamptz), '[]') @> ${at}::timestamptz
  and last_seen >= ${at}::timestamptz`;

/**
 * The newest kept position of session `flight` (an alias of flights) as a subquery aliased `alias`, at or
 * before `upTo` when given. Since migration 0006 this is the session's latest position; positions begin at
 * its first sighting, which bounds the partitions searched.
 */
export const newestPosition = (alias: string, flight: string, upTo?: string) =>
  `(select * from positions ${alias} where ${alias}.flight_id = ${flight}.id and ${alias}.at >= ${flight}.first_seen
    ${upTo === undefined ? "" : `and ${alias}.at <= ${upTo}`} order by ${alias}.at desc limit 1)`;

/** A box given as [west, south, east, north] parameters; west > east means it crosses the antimeridian. */
export const inBox = (lon: string, lat: string, [west, south, east, north]: string[]) =>
  `(${west}::float8 is null or (${lat} between ${south} and ${north}
    and case when ${west} <= ${east} then ${lon} between ${west} and ${east}
      else ${lon} >= ${west} or ${lon} <= ${east} end))`;

/**
 * The flights alive at snapshot $1, with the position they had then (the newest kept one at or before
 * it). Filters: callsign prefix $2, departure $3, arrival $4, aircraft $5, box $6–$9; page $10 rows
 * from $11. `total` counts every match.
 */
export const FLIGHTS_AT = `
with alive as (
  select f.*, ${iso("p.at")} as position_iso, p.latitude as lat, p.longitude as lon, p.altitude as alt,
    p.groundspeed as gs, p.heading as hdg, p.transponder as squawk
  from flights f
  left join lateral ${newestPosition("p", "f", "$1::timestamptz")} p on true
  where ${aliveAt("completed_at", "$1")}
    and ($2::text is null or starts_with(f.callsign, $2))
    and ($3::text is null or f.departure = $3)
    and ($4::text is null or f.arrival = $4)
    and ($5::text is null or f.aircraft = $5)
)
select count(*) over ()::int as total, cid, callsign, name, server, pilot_rating, flight_rules, departure,
  arrival, aircraft, plan_revision, ${iso("logon_time")} as logon_time, ${iso("first_seen")} as first_seen,
  ${iso("last_seen")} as last_seen, position_iso, lat, lon, alt, gs, hdg, squawk
from alive
where ${inBox("lon", "lat", ["$6", "$7", "$8", "$9"])}
order by callsign, logon_time
limit $10 offset $11`;

const FLIGHT_COLUMNS =
  `f.id, f.cid, f.callsign, f.name, f.server, f.pilot_rating, f.military_rating, f.status,
  f.flight_rules, f.departure, f.arrival, f.aircraft, f.plan_revision, ${iso("f.logon_time")} as logon_time,
  ${iso("f.first_seen")} as first_seen, ${iso("f.last_seen")} as last_seen,
  ${iso("f.completed_at")} as completed_at, ${iso("p.at")} as position_iso, p.latitude as lat,
  p.longitude as lon, p.altitude as alt, p.groundspeed as gs, p.heading as hdg, p.transponder as squawk`;

/**
 * The newest session of callsign $1, its latest position (its newest kept one), its newest plan version
 * and how many versions it had.
 */
export const FLIGHT_BY_CALLSIGN = `
select ${FLIGHT_COLUMNS}, plan.plan, ${iso("plan.filed_at")} as plan_filed_at,
  (select count(*)::int from flight_plans v
    where v.cid = f.cid and v.callsign = f.callsign and v.logon_time = f.logon_time) as plan_versions
from flights f
left join lateral ${newestPosition("p", "f")} p on true
left join lateral (
  select v.plan, v.filed_at from flight_plans v
  where v.cid = f.cid and v.callsign = f.callsign and v.logon_time = f.logon_time
  order by v.filed_at desc, v.revision_id desc limit 1
) plan on true
where f.callsign = $1
order by f.first_seen desc, f.id desc
limit 1`;

/**
 * Sessions of callsign $1 that overlap $2..$3 (either may be null), oldest first per pilot; at most $4.
 * A session lasts until its end, or its last sighting while it runs.
 */
export const TRACK_SESSIONS = `
select f.id, f.cid, ${iso("f.logon_time")} as logon_time, ${iso("f.first_seen")} as first_seen,
  ${iso("f.last_seen")} as last_seen
from flights f
where f.callsign = $1
  and ($2::timestamptz is null or f.last_seen >= $2::timestamptz)
  and ($3::timestamptz is null or f.first_seen <= $3::timestamptz)
order by f.first_seen desc, f.id desc
limit $4`;

/** Positions of sessions $1 (ids) within $2..$3 (null: unbounded), in time order, at most $4. */
export const TRACK_POSITIONS = `
select p.flight_id, ${iso("p.at")} as at, p.latitude as lat, p.longitude as lon, p.altitude as alt,
  p.groundspeed as gs, p.heading as hdg, p.transponder as squawk
from positions p
where p.flight_id = any($1::bigint[])
  and ($2::timestamptz is null or p.at >= $2::timestamptz)
  and ($3::timestamptz is null or p.at <= $3::timestamptz)
order by p.at, p.flight_id
limit $4`;

/** A controller session's frequency at $1: the change in force then, else the one it had before the first change. */
const frequencyAt = (at: string) =>
  `coalesce(
    (select fc.to_frequency from frequency_changes fc
      where fc.cid = c.cid and fc.callsign = c.callsign and fc.logon_time = c.logon_time
        and fc.at <= ${at}::timestamptz order by fc.at desc limit 1),
    (select fc.from_frequency from frequency_changes fc
      where fc.cid = c.cid and fc.callsign = c.callsign and fc.logon_time = c.logon_time
        and fc.at > ${at}::timestamptz order by fc.at limit 1),
    c.frequency)`;

const CONTROLLER_COLUMNS = `c.cid, c.callsign, c.station, c.name, c.facility, c.rating, c.server,
  c.visual_range, ${iso("c.logon_time")} as logon_time, ${iso("c.first_seen")} as first_seen,
  ${iso("c.last_seen")} as last_seen, ${iso("c.logoff_at")} as logoff_at`;

/** Controllers (not ATIS) online at snapshot $1; callsign prefix $2, facility $3. */
export const ATC_POSITIONS_AT = `
select ${CONTROLLER_COLUMNS}, ${frequencyAt("$1")} as frequency
from controller_sessions c
where c.station = 'controller' and ${aliveAt("logoff_at", "$1")}
  and ($2::text is null or starts_with(c.callsign, $2))
  and ($3::int is null or c.facility = $3)
order by c.callsign, c.logon_time`;

/**
 * Controller and ATIS sessions, newest first. Filters: callsign prefix $1, cid $2, facility $3, station
 * $4, overlapping $5..$6, online now ($7: true only those still on, false only ended ones); page $8
 * rows from $9.
 */
export const CONTROLLER_SESSIONS = `
select count(*) over ()::int as total, ${CONTROLLER_COLUMNS}, c.frequency
from controller_sessions c
where ($1::text is null or starts_with(c.callsign, $1))
  and ($2::int is null or c.cid = $2)
  and ($3::int is null or c.facility = $3)
  and ($4::text is null or c.station = $4)
  and ($5::timestamptz is null or c.last_seen >= $5::timestamptz)
  and ($6::timestamptz is null or c.first_seen <= $6::timestamptz)
  and ($7::bool is null or (c.logoff_at is null) = $7)
order by c.first_seen desc, c.callsign, c.id
limit $8 offset $9`;

/** ATIS stations on air at snapshot $1 with the broadcast in force then; callsign prefix $2. */
export const ATIS_AT = `
select ${CONTROLLER_COLUMNS}, ${frequencyAt("$1")} as frequency, a.code, a.text, ${iso("a.at")} as since
from controller_sessions c
left join lateral (
  select a.code, a.text, a.at from atis a
  where a.cid = c.cid and a.callsign = c.callsign and a.logon_time = c.logon_time and a.at <= $1::timestamptz
  order by a.at desc limit 1
) a on true
where c.station = 'atis' and ${aliveAt("logoff_at", "$1")}
  and ($2::text is null or starts_with(c.callsign, $2))
order by c.callsign, c.logon_time`;
