// Diffs the controllers and ATIS stations of one snapshot against the sessions carried from earlier
// snapshots: logon, logoff (after a grace period), frequency changes, and ATIS text and letter changes.

import type { ControllerKey, FeedEvent, Station } from "./diff_events.ts";
import type { Atis, Controller } from "./v3_schema.ts";

/** What is carried between snapshots for one controller or ATIS session. */
export interface TrackedController {
  key: ControllerKey;
  station: Station;
  lastSeen: string;
  lastSeenMs: number;
  frequency: string;
  /** The ATIS broadcast; null for a `controllers` entry, whose text_atis is controller info. */
  atis: { code: string | null; lines: string[] } | null;
}

/** Which controller sessions logged on, continued and logged off in the snapshot. */
export interface ControllerSessions {
  loggedOn: ControllerKey[];
  continued: ControllerKey[];
  loggedOff: ControllerKey[];
}

/** Input of {@link diffControllers}. */
export interface ControllerDiffInput {
  controllers: ReadonlyMap<string, TrackedController>;
  controllerRecords: readonly Controller[];
  atisRecords: readonly Atis[];
  at: string;
  atMs: number;
  graceMs: number;
}

/** Output of {@link diffControllers}; the map is new, the input map is left untouched. */
export interface ControllerDiff {
  controllers: Map<string, TrackedController>;
  events: FeedEvent[];
  sessions: ControllerSessions;
}

/** The map key of a controller session; the section is part of it so the two never collide. */
export function controllerKeyString(station: Station, key: ControllerKey): string {
  return `${station}|${key.cid}|${key.logon_time}|${key.callsign}`;
}

/** Diffs controllers, then ATIS stations; pure, and deterministic in the order of the input arrays. */
export function diffControllers(input: ControllerDiffInput): ControllerDiff {
  const { at, atMs, graceMs } = input;
  const controllers = new Map<string, TrackedController>();
  const events: FeedEvent[] = [];
  const sessions: ControllerSessions = { loggedOn: [], continued: [], loggedOff: [] };

  const visit = (station: Station, record: Controller, atisCode: string | null) => {
    const session: ControllerKey = {
      cid: record.cid,
      callsign: record.callsign,
      logon_time: record.logon_time,
    };
    const id = controllerKeyString(station, session);
    if (controllers.has(id)) return; // listed twice in one snapshot: the first entry wins
    const before = input.controllers.get(id);
    // The feed sends "" as well as null for "no letter"; both mean the same.
    const atis = station === "atis" ? { code: atisCode || null, lines: record.text_atis ?? [] } : null;
    if (before === undefined) {
      sessions.loggedOn.push(session);
      events.push({
        type: "CONTROLLER_LOGON",
        at,
        session,
        station,
        name: record.name,
        frequency: record.frequency,
        facility: record.facility,
        rating: record.rating,
        server: record.server,
        visual_range: record.visual_range,
      });
      if (atis !== null) {
        events.push({
          type: "ATIS_CHANGED",
          at,
          session,
          code: atis.code,
          previousCode: null,
          lines: atis.lines,
          previousLines: null,
          codeChanged: atis.code !== null,
          textChanged: atis.lines.length > 0,
        });
      }
    } else {
      sessions.continued.push(session);
      if (before.frequency !== record.frequency) {
        events.push({
          type: "FREQUENCY_CHANGE",
          at,
          session,
          station,
          from: before.frequency,
          to: record.frequency,
        });
      }
      if (atis !== null && before.atis !== null) {
        const codeChanged = atis.code !== before.atis.code;
        const textChanged = !sameLines(atis.lines, before.atis.lines);
        if (codeChanged || textChanged) {
          events.push({
            type: "ATIS_CHANGED",
            at,
            session,
            code: atis.code,
            previousCode: before.atis.code,
            lines: atis.lines,
            previousLines: before.atis.lines,
            codeChanged,
            textChanged,
          });
        }
      }
    }
    controllers.set(id, {
      key: session,
      station,
      lastSeen: at,
      lastSeenMs: atMs,
      frequency: record.frequency,
      atis,
    });
  };

  for (const record of input.controllerRecords) visit("controller", record, null);
  for (const record of input.atisRecords) visit("atis", record, record.atis_code);

  for (const [id, controller] of input.controllers) {
    if (controllers.has(id)) continue;
    if (atMs - controller.lastSeenMs > graceMs) {
      sessions.loggedOff.push(controller.key);
      events.push({
        type: "CONTROLLER_LOGOFF",
        at,
        session: controller.key,
        station: controller.station,
        lastSeen: controller.lastSeen,
      });
    } else {
      controllers.set(id, controller); // in its grace period: it may still come back
    }
  }

  return { controllers, events, sessions };
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}
