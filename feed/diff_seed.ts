// The diff state as the store can give it back: the sessions that were open at the last stored snapshot,
// as plain lists. A processor that restarts (or a process that starts again) diffs its first snapshot
// against this instead of against nothing, so the changes between the two (plan revisions, attribute
// and frequency changes, ATIS updates, prefiles withdrawn) still become events.

import { z } from "zod";
import type { DiffState } from "./diff.ts";
import { controllerKeyString, type TrackedController } from "./diff_controllers.ts";
import {
  controllerKeySchema,
  flightAttributesSchema,
  flightKeySchema,
  prefileKeySchema,
  stationSchema,
} from "./diff_events.ts";
import {
  flightKeyString,
  prefileKeyString,
  type TrackedFlight,
  type TrackedPrefile,
} from "./diff_flights.ts";
import type { PositionSample } from "./diff_positions.ts";
import { normalTimestamp } from "./v3_schema.ts";

const positionSampleSchema: z.ZodType<PositionSample> = z.object({
  latitude: z.number(),
  longitude: z.number(),
  altitude: z.number(),
  groundspeed: z.number(),
  heading: z.number(),
  transponder: z.string(),
});

const seen = { lastSeen: normalTimestamp, lastSeenMs: z.number() };

const trackedFlightSchema: z.ZodType<TrackedFlight> = z.object({
  key: flightKeySchema,
  ...seen,
  attributes: flightAttributesSchema,
  planRevision: z.number().int().nullable(),
  keptPosition: positionSampleSchema,
  keptAtMs: z.number(),
});

const trackedPrefileSchema: z.ZodType<TrackedPrefile> = z.object({
  key: prefileKeySchema,
  ...seen,
  revision_id: z.number().int(),
  claimed: z.boolean(),
});

const trackedControllerSchema: z.ZodType<TrackedController> = z.object({
  key: controllerKeySchema,
  station: stationSchema,
  ...seen,
  frequency: z.string(),
  atis: z.object({ code: z.string().nullable(), lines: z.array(z.string()) }).nullable(),
});

/** At most this many sessions of each kind travel in a seed (the real network peaks near 3,000 pilots). */
export const MAX_SEED_SESSIONS = 50_000;

export const DiffSeedSchema = z.object({
  updateTimestamp: normalTimestamp,
  flights: z.array(trackedFlightSchema).max(MAX_SEED_SESSIONS),
  prefiles: z.array(trackedPrefileSchema).max(MAX_SEED_SESSIONS),
  controllers: z.array(trackedControllerSchema).max(MAX_SEED_SESSIONS),
});
export type DiffSeed = z.output<typeof DiffSeedSchema>;

/** The diff state a seed stands for, keyed as {@link diffSnapshots} keys its own. */
export function diffStateFromSeed(seed: DiffSeed): DiffState {
  return {
    updateTimestamp: seed.updateTimestamp,
    flights: new Map(seed.flights.map((f) => [flightKeyString(f.key), f])),
    prefiles: new Map(seed.prefiles.map((p) => [prefileKeyString(p.key), p])),
    controllers: new Map(seed.controllers.map((c) => [controllerKeyString(c.station, c.key), c])),
  };
}
