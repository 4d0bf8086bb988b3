/**
 * The baseline for the collector's write path: a bare script that writes the same kind of rows for the
 * same snapshots with no validation, no actors and no diff beyond the position thresholds. Per snapshot,
 * in one transaction: JSON.parse, then COPY of the snapshot row, of new flight and controller sessions
 * (ids assigned here) and of the position rows that moved past the thresholds; then which flight sessions
 * are present (those that left or came back, found here, with one UPDATE each way; migration 0006), the
 * clock, and every controller session's `last_seen` through a temporary table and one UPDATE. Plans,
 * ATIS and events are left out (a handful of rows per steady snapshot), which only makes the baseline
 * faster.
 */
import { connect } from "node:net";
import postgres from "postgres";
import { POSITION_THRESHOLDS } from "../feed/diff_positions.ts";

interface PilotJson {
  cid: number;
  callsign: string;
  logon_time: string;
  name: string;
  server: string;
  pilot_rating: number;
  latitude: number;
  longitude: number;
  altitude: number;
  groundspeed: number;
  heading: number;
  transponder: string;
}

interface ControllerJson {
  cid: number;
  callsign: string;
  logon_time: string;
  name: string;
  frequency: string;
  facility: number;
  rating: number;
  server: string;
  visual_range: number;
}

interface Kept {
  id: number;
  latitude: number;
  longitude: number;
  altitude: number;
  groundspeed: number;
  transponder: string;
}

const RADIANS = Math.PI / 180;

function moved(kept: Kept, p: PilotJson): boolean {
  const north = (p.latitude - kept.latitude) * RADIANS;
  const east = (p.longitude - kept.longitude) * RADIANS * Math.cos(kept.latitude * RADIANS);
  return p.transponder !== kept.transponder ||
    Math.abs(p.altitude - kept.altitude) >= POSITION_THRESHOLDS.climbedFeet ||
    Math.abs(p.groundspeed - kept.groundspeed) >= POSITION_THRESHOLDS.groundspeedKnots ||
    6_371_008.8 * Math.hypot(north, east) >= POSITION_THRESHOLDS.movedMetres;
}

/**
 * Nagle's algorithm would hold each COPY's final small message until the server's delayed ACK (about
 * 40 ms a COPY here). npm:postgres takes a socket factory, which its types leave out.
 */
const noDelay = {
  socket: (options: { host: string[]; port: number[] }) =>
    connect({ host: options.host[0], port: options.port[0], noDelay: true }),
};

/** COPY text: tab-separated, `\N` for null; the values written here hold no tabs, newlines or backslashes. */
function copyText(rows: unknown[][]): string {
  return rows.map((row) =>
    row.map((v) => v === null ? "\\N" : String(v).replace(/[\t\n\\]/g, " ")).join("\t")
  )
    .join("\n") + "\n";
}

async function copy(tx: postgres.TransactionSql, statement: string, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const writable = await tx.unsafe(statement).writable();
  await new Promise<void>((resolve, reject) => {
    writable.on("error", reject);
    writable.end(copyText(rows), () => resolve());
  });
}

/**
 * Writes `bodies` in order on a migrated database with day partitions for them; resolves with each
 * snapshot's milliseconds from its raw bytes to its commit.
 */
export async function bareWrite(url: string, bodies: Uint8Array[]): Promise<number[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, ...noDelay });
  const flights = new Map<string, Kept>();
  let present = new Set<number>();
  let previousAt: string | null = null;
  const controllers = new Map<string, number>();
  let nextFlight = 1;
  let nextController = 1;
  const timings: number[] = [];
  try {
    await sql.unsafe("create temp table seen_controllers (id bigint)");
    for (const body of bodies) {
      const startedAt = performance.now();
      const feed = JSON.parse(new TextDecoder().decode(body));
      const at: string = feed.general.update_timestamp;
      const newFlights: unknown[][] = [];
      const positions: unknown[][] = [];
      const seen = new Set<number>();
      for (const p of feed.pilots as PilotJson[]) {
        const key = `${p.cid}|${p.callsign}|${p.logon_time}`;
        let kept = flights.get(key);
        const position = [p.latitude, p.longitude, Math.round(p.altitude), Math.round(p.groundspeed)];
        const isNew = kept === undefined;
        if (kept === undefined) {
          kept = { id: nextFlight++, ...p };
          flights.set(key, kept);
          newFlights.push([
            kept.id,
            p.cid,
            p.callsign,
            p.logon_time,
            at,
            at,
            true,
            p.name,
            p.server,
            p.pilot_rating,
          ]);
        }
        const keep = isNew || moved(kept, p);
        if (keep) {
          Object.assign(kept, p);
          positions.push([kept.id, at, ...position, Math.round(p.heading), p.transponder]);
        }
        seen.add(kept.id);
      }
      const gone = [...present].filter((id) => !seen.has(id));
      const created = new Set(newFlights.map(([id]) => id as number));
      const back = [...seen].filter((id) => !present.has(id) && !created.has(id));
      const newControllers: unknown[][] = [];
      const seenControllers: unknown[][] = [];
      for (const [station, list] of [["controller", feed.controllers], ["atis", feed.atis]] as const) {
        for (const c of list as ControllerJson[]) {
          const key = `${c.cid}|${c.callsign}|${c.logon_time}`;
          let id = controllers.get(key);
          if (id === undefined) {
            id = nextController++;
            controllers.set(key, id);
            newControllers.push([
              id,
              c.cid,
              c.callsign,
              c.logon_time,
              station,
              c.name,
              c.frequency,
              c.facility,
              c.rating,
              c.server,
              Math.round(c.visual_range),
              at,
              at,
            ]);
          }
          seenControllers.push([id]);
        }
      }
      await sql.begin(async (tx) => {
        await copy(
          tx,
          "copy snapshots (update_timestamp, fetched_at, source, bytes, pilots, controllers, atis, prefiles, servers) from stdin",
          [[
            at,
            new Date().toISOString(),
            "bare",
            body.byteLength,
            feed.pilots.length,
            feed.controllers.length,
            feed.atis.length,
            feed.prefiles.length,
            feed.servers.length,
          ]],
        );
        await copy(
          tx,
          "copy flight_sessions (id, cid, callsign, logon_time, first_seen, last_seen, present, name, server, pilot_rating) from stdin",
          newFlights,
        );
        await copy(
          tx,
          "copy positions (flight_id, at, latitude, longitude, altitude, groundspeed, heading, transponder) from stdin",
          positions,
        );
        await copy(
          tx,
          "copy controller_sessions (id, cid, callsign, logon_time, station, name, frequency, facility, rating, server, visual_range, first_seen, last_seen) from stdin",
          newControllers,
        );
        if (gone.length > 0) {
          await tx.unsafe(
            "update flight_sessions set present = false, last_seen = $2::timestamptz where id = any($1::bigint[])",
            [gone, previousAt],
          );
        }
        if (back.length > 0) {
          await tx.unsafe("update flight_sessions set present = true where id = any($1::bigint[])", [back]);
        }
        await tx.unsafe("update network_clock set at = $1::timestamptz", [at]);
        await tx.unsafe("truncate seen_controllers");
        await copy(tx, "copy seen_controllers from stdin", seenControllers);
        await tx.unsafe(
          "update controller_sessions c set last_seen = $1::timestamptz from seen_controllers s where c.id = s.id",
          [at],
        );
      });
      timings.push(performance.now() - startedAt);
      present = seen;
      previousAt = at;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return timings;
}
