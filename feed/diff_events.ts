// The typed events that diffing two feed snapshots produces. One zod schema is the source of truth for
// the bus, the `events` table and the routes; every event carries the snapshot's `update_timestamp` as `at`.

import { z } from "zod";
import { callsign, feedTimestamp, flightPlanSchema } from "./v3_schema.ts";

const cid = z.number().int().positive();

/** A pilot session: the idempotent key of a flight (guarantee G2). */
export const flightKeySchema = z.object({ cid, callsign, logon_time: feedTimestamp });
/** A prefile has no logon yet: it is known by cid and callsign only. */
export const prefileKeySchema = z.object({ cid, callsign });
/** A controller or ATIS session. */
export const controllerKeySchema = z.object({ cid, callsign, logon_time: feedTimestamp });

/** Whether a controller session comes from the feed's `controllers` or its `atis` section. */
export const stationSchema = z.enum(["controller", "atis"]);

/** Session attributes of a flight that are not its position (those go to position rows). */
export const flightAttributesSchema = z.object({
  name: z.string(),
  server: z.string(),
  pilot_rating: z.number().int(),
  military_rating: z.number().int().nullable(),
});

const base = { at: feedTimestamp };

/** A pilot session seen for the first time. */
export const flightCreatedSchema = z.object({
  type: z.literal("FLIGHT_CREATED"),
  ...base,
  session: flightKeySchema,
  attributes: flightAttributesSchema,
  plan: flightPlanSchema.nullable(),
  /** True when a prefile of the same cid and callsign was waiting for this session. */
  fromPrefile: z.boolean(),
});

/** Session attributes changed, or the session came back within its grace period (`resumed`). */
export const flightUpdatedSchema = z.object({
  type: z.literal("FLIGHT_UPDATED"),
  ...base,
  session: flightKeySchema,
  attributes: flightAttributesSchema,
  /** Names of the changed attributes, plus "resumed" when the session had been missing. */
  changes: z.array(z.string()).min(1),
});

/** A pilot session gone from the feed for longer than the grace period. */
export const flightCompletedSchema = z.object({
  type: z.literal("FLIGHT_COMPLETED"),
  ...base,
  session: flightKeySchema,
  /** The `update_timestamp` of the last snapshot that held the session. */
  lastSeen: feedTimestamp,
});

/** A prefile withdrawn (gone longer than the grace period) without a session of its cid and callsign. */
export const flightCancelledSchema = z.object({
  type: z.literal("FLIGHT_CANCELLED"),
  ...base,
  prefile: prefileKeySchema,
  revision_id: z.number().int(),
  lastSeen: feedTimestamp,
});

/**
 * A new version of a flight plan: its `revision_id` changed, or a plan was filed where there was none
 * (`filed`). `session.logon_time` is null for a prefile; `plan` is null when a pilot's plan was removed.
 */
export const flightPlanRevisedSchema = z.object({
  type: z.literal("FLIGHT_PLAN_REVISED"),
  ...base,
  session: z.object({ cid, callsign, logon_time: feedTimestamp.nullable() }),
  filed: z.boolean(),
  previousRevisionId: z.number().int().nullable(),
  plan: flightPlanSchema.nullable(),
});

/** A controller or ATIS session seen for the first time. */
export const controllerLogonSchema = z.object({
  type: z.literal("CONTROLLER_LOGON"),
  ...base,
  session: controllerKeySchema,
  station: stationSchema,
  name: z.string(),
  frequency: z.string(),
  facility: z.number().int(),
  rating: z.number().int(),
  server: z.string(),
  visual_range: z.number(),
});

/** A controller or ATIS session gone from the feed for longer than the grace period. */
export const controllerLogoffSchema = z.object({
  type: z.literal("CONTROLLER_LOGOFF"),
  ...base,
  session: controllerKeySchema,
  station: stationSchema,
  lastSeen: feedTimestamp,
});

/** A session's frequency changed. */
export const frequencyChangeSchema = z.object({
  type: z.literal("FREQUENCY_CHANGE"),
  ...base,
  session: controllerKeySchema,
  station: stationSchema,
  from: z.string(),
  to: z.string(),
});

/** An ATIS station's text lines or information letter changed; at logon `previous*` are null. */
export const atisChangedSchema = z.object({
  type: z.literal("ATIS_CHANGED"),
  ...base,
  session: controllerKeySchema,
  code: z.string().nullable(),
  previousCode: z.string().nullable(),
  lines: z.array(z.string()),
  previousLines: z.array(z.string()).nullable(),
  codeChanged: z.boolean(),
  textChanged: z.boolean(),
});

/** Every event the diff produces, discriminated by `type`. */
export const feedEventSchema = z.discriminatedUnion("type", [
  flightCreatedSchema,
  flightUpdatedSchema,
  flightCompletedSchema,
  flightCancelledSchema,
  flightPlanRevisedSchema,
  controllerLogonSchema,
  controllerLogoffSchema,
  frequencyChangeSchema,
  atisChangedSchema,
]);

/** A flight session key. */
export type FlightKey = z.output<typeof flightKeySchema>;
/** A prefile key. */
export type PrefileKey = z.output<typeof prefileKeySchema>;
/** A controller session key. */
export type ControllerKey = z.output<typeof controllerKeySchema>;
/** `controller` or `atis`. */
export type Station = z.output<typeof stationSchema>;
/** Non-positional flight attributes. */
export type FlightAttributes = z.output<typeof flightAttributesSchema>;
/** Any diff event. */
export type FeedEvent = z.output<typeof feedEventSchema>;
/** The `type` of a diff event. */
export type FeedEventType = FeedEvent["type"];
