/**
 * What looks wrong in a snapshot, found with plain rules rather than guesswork: values no aircraft has
 * (the processor's plausibility flags), teleports (a session whose implied speed since its last kept
 * position is beyond any aircraft's), and callsigns used by more than one session at once. Each anomaly
 * names the session and carries the values that gave it away; the store keeps it with its snapshot.
 */
import { z } from "zod";
import type { DiffState } from "./diff.ts";
import { flightKeyString } from "./diff_flights.ts";
import { distanceMetres } from "./diff_positions.ts";
import type { FeedSnapshot, FlaggedRecord } from "./parse_snapshot.ts";

export const ANOMALY_KINDS = ["implausible", "teleport", "duplicate_callsign"] as const;

/** Anomalies one snapshot may carry to the store (G4); the rest are counted only. */
export const MAX_ANOMALIES = 1_000;

/** Faster than the fastest aircraft ever flown (SR-71, about 1,910 kt). */
export const TELEPORT_KNOTS = 2_000;
/** Jumps shorter than this are left alone: over a few seconds they are rounding, not teleports. */
export const TELEPORT_MIN_METRES = 20_000;

export const anomalySchema = z.object({
  kind: z.enum(ANOMALY_KINDS),
  callsign: z.string(),
  cid: z.number().int().nullable(),
  /** One line for people, e.g. "qnh_mb_negative: qnh_mb -6741". */
  detail: z.string(),
  values: z.record(z.string(), z.union([z.number(), z.string()])),
});
export type Anomaly = z.infer<typeof anomalySchema>;

const METRES_PER_NM = 1_852;
const FLAG_FIELDS: Record<string, "qnh_mb" | "groundspeed" | "altitude" | "latitude" | "longitude"> = {
  qnh_mb_negative: "qnh_mb",
  groundspeed_over_1000kt: "groundspeed",
  "altitude_below_-1500ft": "altitude",
  latitude_out_of_range: "latitude",
  longitude_out_of_range: "longitude",
};

/**
 * The anomalies of `snapshot` (at `atMs`), given its plausibility flags and the diff state before it.
 * Pure; in the order implausible, teleport, duplicate callsign, each in feed order.
 */
export function findAnomalies(input: {
  snapshot: FeedSnapshot;
  flagged: readonly FlaggedRecord[];
  previous: DiffState | null;
  atMs: number;
}): Anomaly[] {
  const { snapshot, previous, atMs } = input;
  const anomalies: Anomaly[] = [];
  // Only flagged pilots are looked up by callsign, and most snapshots flag none.
  const byCallsign = new Map<string, FeedSnapshot["pilots"][number]>(
    input.flagged.length === 0 ? [] : snapshot.pilots.map((p) => [p.callsign, p]),
  );

  for (const record of input.flagged) {
    const pilot = byCallsign.get(record.callsign);
    if (pilot === undefined) continue;
    const values: Record<string, number> = {};
    for (const flag of record.flags) {
      const field = FLAG_FIELDS[flag];
      if (field !== undefined) values[field] = pilot[field];
    }
    anomalies.push({
      kind: "implausible",
      callsign: pilot.callsign,
      cid: pilot.cid,
      detail: record.flags.map((flag) => {
        const field = FLAG_FIELDS[flag];
        return field === undefined ? flag : `${flag}: ${field} ${pilot[field]}`;
      }).join("; "),
      values,
    });
  }

  if (previous !== null) {
    for (const pilot of snapshot.pilots) {
      const before = previous.flights.get(flightKeyString(pilot));
      if (before === undefined || atMs <= before.keptAtMs) continue;
      const metres = distanceMetres(before.keptPosition, pilot);
      const hours = (atMs - before.keptAtMs) / 3_600_000;
      const knots = metres / METRES_PER_NM / hours;
      if (metres < TELEPORT_MIN_METRES || knots <= TELEPORT_KNOTS) continue;
      anomalies.push({
        kind: "teleport",
        callsign: pilot.callsign,
        cid: pilot.cid,
        detail: `moved ${Math.round(metres / METRES_PER_NM)} nm in ${Math.round(hours * 3600)} s ` +
          `(${Math.round(knots)} kt)`,
        values: {
          from_latitude: before.keptPosition.latitude,
          from_longitude: before.keptPosition.longitude,
          to_latitude: pilot.latitude,
          to_longitude: pilot.longitude,
          distance_nm: Math.round(metres / METRES_PER_NM),
          seconds: Math.round(hours * 3600),
          implied_knots: Math.round(knots),
        },
      });
    }
  }

  // Callsigns used more than once are rare: count first, then look closer at those alone.
  const uses = new Map<string, number>();
  for (const { callsign } of snapshot.pilots) uses.set(callsign, (uses.get(callsign) ?? 0) + 1);
  const sessions = new Map<string, Set<string>>();
  const cids = new Map<string, number[]>();
  for (const pilot of snapshot.pilots) {
    if (uses.get(pilot.callsign) === 1) continue;
    const set = sessions.get(pilot.callsign) ?? new Set();
    set.add(flightKeyString(pilot));
    sessions.set(pilot.callsign, set);
    cids.set(pilot.callsign, [...(cids.get(pilot.callsign) ?? []), pilot.cid]);
  }
  for (const [callsign, set] of sessions) {
    if (set.size < 2) continue;
    const list = cids.get(callsign) ?? [];
    anomalies.push({
      kind: "duplicate_callsign",
      callsign,
      cid: null,
      detail: `${set.size} sessions use ${callsign} (cids ${list.join(", ")})`,
      values: { sessions: set.size, cids: list.join(",") },
    });
  }
  return anomalies;
}
