/**
 * The statements behind db/traffic.ts. SQL only narrows the rows down (the crossings of the ground
 * speed of traffic/phase.ts, the flights of one moment); the phase rules themselves run in TypeScript.
 * Fixed text: request values arrive as `$n` parameters.
 */
import { PHASE_RULES } from "../traffic/phase.ts";
import { aliveAt, inBox, iso, newestPosition } from "./queries_sql.ts";

/**
 * A kept position stands until something changes, so the one on the ground before a take-off can be
 * old (a pilot who sat still at the gate): this is how far back from a window's start one is looked for.
 */
const GROUND_LOOKBACK_HOURS = 3;

// The literal, not a parameter: the partial indexes of 0005 hold exactly the positions below it.
const SLOW = PHASE_RULES.groundSpeedKt;
const LOOKBACK = `interval '${GROUND_LOOKBACK_HOURS} hours'`;
/** A position's columns under the alias: `${alias}_at` (ISO text), `_lat`, `_lon`, `_alt`, `_gs`. */
const sample = (alias: string) => {
  const column = (name: string, short: string) => `${alias}.${name} as ${alias}_${short}`;
  const columns = [column("latitude", "lat"), column("longitude", "lon"), column("altitude", "alt")];
  return [`${iso(`${alias}.at`)} as ${alias}_at`, ...columns, column("groundspeed", "gs")].join(", ");
};

/**
 * Crossings of the ground speed limit within $1..$2 whose slow position lies in the box $3–$6 (null:
 * anywhere): each slow position `g` with the kept position after it (`n`, when that one is fast: a
 * take-off at n.at) or before it (`p`, when fast: a landing at g.at). Either side is null when it is
 * slow, missing, or outside the window. The slow positions come from the partial indexes of 0005.
 */
export const GROUND_CROSSINGS = `
select f.callsign, f.cid, f.departure, f.arrival, f.aircraft, ${sample("g")}, ${sample("n")}, ${sample("p")}
from positions g
join flights f on f.id = g.flight_id
left join lateral (
  select * from positions n
  where n.flight_id = g.flight_id and n.at > g.at and n.at <= $2::timestamptz
  order by n.at limit 1
) n on n.groundspeed >= ${SLOW} and n.at >= $1::timestamptz
left join lateral (
  select * from positions p
  where p.flight_id = g.flight_id and p.at < g.at and p.at >= g.at - ${LOOKBACK}
  order by p.at desc limit 1
) p on p.groundspeed >= ${SLOW} and g.at >= $1::timestamptz
where g.groundspeed < ${SLOW}
  and g.at >= $1::timestamptz - ${LOOKBACK} and g.at <= $2::timestamptz
  and ${inBox("g.longitude", "g.latitude", ["$3", "$4", "$5", "$6"])}
  and (n.at is not null or p.at is not null)
order by g.at, f.id`;

/**
 * The flights alive at snapshot $1 with their newest kept position and the one before it (within the
 * phase rules' rate gap, for the vertical rate). Filters: arrival $2, position in the box $3–$6.
 */
export const FLIGHTS_NOW = `
select f.callsign, f.cid, f.departure, f.arrival, f.aircraft,
  ${iso("c.at")} as c_at, c.latitude as c_lat, c.longitude as c_lon, c.altitude as c_alt,
  c.groundspeed as c_gs, ${sample("p")}
from flights f
join lateral ${newestPosition("c", "f", "$1::timestamptz")} c on true
left join lateral (
  select * from positions p
  where p.flight_id = f.id and p.at < c.at
    and p.at >= c.at - make_interval(secs => ${PHASE_RULES.maxRateGapMs / 1000})
  order by p.at desc limit 1
) p on true
where ${aliveAt("f.completed_at", "$1")}
  and ($2::text is null or f.arrival = $2)
  and ${inBox("c.longitude", "c.latitude", ["$3", "$4", "$5", "$6"])}
order by f.callsign, f.logon_time`;

/** How many snapshots fall in each slot of $3 ms after $1 (each slot open at its start), up to $2. */
export const SNAPSHOT_SLOTS = `
select ceil((extract(epoch from update_timestamp - $1::timestamptz) * 1000) / $3::float8)::int - 1 as slot,
  count(*)::int as snapshots
from snapshots
where update_timestamp > $1::timestamptz and update_timestamp <= $2::timestamptz
group by slot`;

/**
 * Controller sessions (not ATIS) seen within $1..$2, callsign prefix $3, cut into UTC days: the time
 * between first and last sighting, as the collector saw it, clipped to the window.
 */
const COVERAGE_DAYS = `
with seen as (
  select c.callsign, c.facility, greatest(c.first_seen, $1::timestamptz) as since,
    least(c.last_seen, $2::timestamptz) as until
  from controller_sessions c
  where c.station = 'controller'
    and tstzrange(c.first_seen, coalesce(c.logoff_at, 'infinity'::timestamptz), '[]')
      && tstzrange($1::timestamptz, $2::timestamptz, '[]')
    and c.last_seen > $1::timestamptz and c.first_seen < $2::timestamptz
    and ($3::text is null or starts_with(c.callsign, $3))
), days as (
  select seen.callsign, seen.facility, d.day, greatest(seen.since, d.day) as since,
    least(seen.until, d.day + interval '24 hours') as until
  from seen
  cross join lateral generate_series(date_trunc('day', seen.since, 'UTC'), seen.until, interval '24 hours')
    as d(day)
)`;

/** Online time per UTC day, callsign and facility, a page of $4 rows from $5; `total` counts them all. */
export const COVERAGE_BY_POSITION = `${COVERAGE_DAYS}
select to_char(day at time zone 'UTC', 'YYYY-MM-DD') as day, callsign, facility,
  sum(extract(epoch from until - since))::float8 as seconds, count(*)::int as sessions,
  count(*) over ()::int as total
from days where until > since
group by day, callsign, facility
order by day, callsign, facility
limit $4 offset $5`;

/** Online time per UTC day and facility, and how many positions made it up. */
export const COVERAGE_BY_FACILITY = `${COVERAGE_DAYS}
select to_char(day at time zone 'UTC', 'YYYY-MM-DD') as day, facility,
  sum(extract(epoch from until - since))::float8 as seconds, count(distinct callsign)::int as positions
from days where until > since
group by day, facility
order by day, facility`;
