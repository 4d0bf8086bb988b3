/**
 * Reads back the processor's diff state from what the store wrote (feed/diff_seed.ts): the sessions open
 * at the newest stored snapshot, with the values the diff compares — attributes, plan revision, kept
 * position, frequency, the last ATIS. A processor that restarts diffs its next snapshot against this, so
 * what changed in between still becomes events; without it, each session looked new and those changes
 * were lost.
 *
 * What the tables cannot say exactly: when a prefile was last seen (taken as the newest snapshot, so one
 * withdrawn meanwhile is cancelled a grace period later, and a claimed one gone from the feed still marks
 * its callsign's next session `fromPrefile`), and an ATIS of a single empty line (stored as "", read
 * back as no lines).
 */
import { type DiffSeed, MAX_SEED_SESSIONS } from "../feed/diff_seed.ts";
import { feedTimestampMs } from "../feed/timestamp.ts";
import type { PositionSample } from "../feed/diff_positions.ts";
import type { Queryable } from "./database.ts";
import { iso } from "./network_sql.ts";
import { newestPosition } from "./queries_sql.ts";

const LATEST = `select ${iso("max(update_timestamp)")} as latest from snapshots`;

/**
 * Sessions the sweep has not ended, with their newest kept position; those without one yet are left to
 * be created again.
 */
const OPEN_FLIGHTS = `
select f.cid, f.callsign, ${iso("f.logon_time")} as logon_time, ${iso("f.last_seen")} as last_seen, f.name,
  f.server, f.pilot_rating, f.military_rating, f.plan_revision, p.latitude, p.longitude, p.altitude,
  p.groundspeed, p.heading, p.transponder, ${iso("p.at")} as position_at
from flights f
join lateral ${newestPosition("p", "f")} p on true
where f.status = 'active'
order by f.last_seen desc
limit $1`;

/**
 * Each prefile's newest version filed within a day of the newest snapshot and not cancelled; claimed
 * when a session of its cid and callsign has been seen since (its pilot connected, so its going is no
 * cancellation).
 */
const PREFILES = `
select distinct on (p.cid, p.callsign) p.cid, p.callsign, p.revision_id,
  exists (select 1 from flights f
    where f.cid = p.cid and f.callsign = p.callsign and f.last_seen >= p.filed_at) as claimed
from flight_plans p
where p.logon_time is null and p.cancelled_at is null and p.filed_at >= $2::timestamptz - interval '1 day'
order by p.cid, p.callsign, p.filed_at desc, p.id desc
limit $1`;

const OPEN_CONTROLLERS = `
select c.cid, c.callsign, ${iso("c.logon_time")} as logon_time, c.station,
  ${iso("c.last_seen")} as last_seen, c.frequency, a.code as atis_code, a.text as atis_text
from controller_sessions c
left join lateral (
  select code, text from atis
  where atis.cid = c.cid and atis.callsign = c.callsign and atis.logon_time = c.logon_time
  order by at desc, id desc limit 1
) a on c.station = 'atis'
where c.logoff_at is null
order by c.last_seen desc
limit $1`;

interface FlightRow extends Record<string, unknown>, PositionSample {
  cid: number;
  callsign: string;
  logon_time: string;
  last_seen: string;
  name: string;
  server: string;
  pilot_rating: number;
  military_rating: number | null;
  plan_revision: number | null;
  position_at: string;
}

interface PrefileRow extends Record<string, unknown> {
  cid: number;
  callsign: string;
  revision_id: number;
  claimed: boolean;
}

interface ControllerRow extends Record<string, unknown> {
  cid: number;
  callsign: string;
  logon_time: string;
  station: "controller" | "atis";
  last_seen: string;
  frequency: string;
  atis_code: string | null;
  atis_text: string | null;
}

/** The seed at the newest stored snapshot, or null when nothing is stored yet. */
export async function readDiffSeed(db: Queryable, limit = MAX_SEED_SESSIONS): Promise<DiffSeed | null> {
  const [{ latest }] = await db.query<{ latest: string | null }>(LATEST);
  if (latest === null) return null;
  const latestMs = feedTimestampMs(latest);
  const flights = await db.query<FlightRow>(OPEN_FLIGHTS, [limit]);
  const prefiles = await db.query<PrefileRow>(PREFILES, [limit, latest]);
  const controllers = await db.query<ControllerRow>(OPEN_CONTROLLERS, [limit]);
  return {
    updateTimestamp: latest,
    flights: flights.map((f) => ({
      key: { cid: f.cid, callsign: f.callsign, logon_time: f.logon_time },
      lastSeen: f.last_seen,
      lastSeenMs: feedTimestampMs(f.last_seen),
      attributes: {
        name: f.name,
        server: f.server,
        pilot_rating: f.pilot_rating,
        military_rating: f.military_rating,
      },
      planRevision: f.plan_revision,
      keptPosition: positionOf(f),
      keptAtMs: feedTimestampMs(f.position_at),
    })),
    prefiles: prefiles.map((p) => ({
      key: { cid: p.cid, callsign: p.callsign },
      lastSeen: latest,
      lastSeenMs: latestMs,
      revision_id: p.revision_id,
      claimed: p.claimed,
    })),
    controllers: controllers.map((c) => ({
      key: { cid: c.cid, callsign: c.callsign, logon_time: c.logon_time },
      station: c.station,
      lastSeen: c.last_seen,
      lastSeenMs: feedTimestampMs(c.last_seen),
      frequency: c.frequency,
      atis: c.station === "atis"
        ? { code: c.atis_code, lines: c.atis_text ? c.atis_text.split("\n") : [] }
        : null,
    })),
  };
}

function positionOf(
  { latitude, longitude, altitude, groundspeed, heading, transponder }: FlightRow,
): PositionSample {
  return { latitude, longitude, altitude, groundspeed, heading, transponder };
}
