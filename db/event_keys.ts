/**
 * How an event is stored: what it is about (`subject`), what makes it the same event when a snapshot is
 * written again (`event_key`, G2), and its JSON payload.
 */
import type { FeedEvent } from "../feed/diff_events.ts";

/** A flight, prefile (logon_time null) or controller session. */
export interface SessionKey {
  cid: number;
  callsign: string;
  logon_time: string | null;
}

/** A session as one string: cid|callsign|logon_time. */
export function sessionId(key: SessionKey): string {
  return `${key.cid}|${key.callsign}|${key.logon_time}`;
}

/** What an event is about: a session (cid|callsign|logon_time) or a prefile (cid|callsign). */
export function eventSubject(event: FeedEvent): string {
  const key: SessionKey = event.type === "FLIGHT_CANCELLED"
    ? { ...event.prefile, logon_time: null }
    : event.session;
  return key.logon_time === null
    ? `${key.cid}|${key.callsign}`
    : `${key.cid}|${key.callsign}|${key.logon_time}`;
}

/**
 * What makes two events the same one. A session starts and ends once, and a plan revision is its
 * revision_id, whichever snapshot reports them: so a restarted processor re-creating its sessions adds
 * no event. Changes (attributes, frequency, ATIS text) are one per snapshot; an ATIS's first broadcast
 * is one per session.
 */
export function eventKey(event: FeedEvent): string {
  const occurrence = (() => {
    switch (event.type) {
      case "FLIGHT_CREATED":
      case "FLIGHT_COMPLETED":
      case "CONTROLLER_LOGON":
      case "CONTROLLER_LOGOFF":
        return "";
      case "FLIGHT_CANCELLED":
        return `revision ${event.revision_id}`;
      case "FLIGHT_PLAN_REVISED":
        return event.plan === null ? `removed ${event.at}` : `revision ${event.plan.revision_id}`;
      case "ATIS_CHANGED":
        return event.previousLines === null ? "initial" : event.at;
      case "FLIGHT_UPDATED":
      case "FREQUENCY_CHANGE":
        return event.at;
    }
  })();
  return `${event.type}|${eventSubject(event)}|${occurrence}`;
}

/**
 * The event as JSON, except that a plan is named by its revision_id: the plan itself is stored once, in
 * flight_plans, under the same session and revision (it is most of an event's size otherwise).
 */
export function eventPayload(event: FeedEvent): string {
  if (event.type !== "FLIGHT_CREATED" && event.type !== "FLIGHT_PLAN_REVISED") return JSON.stringify(event);
  return JSON.stringify({
    ...event,
    plan: event.plan === null ? null : { revision_id: event.plan.revision_id },
  });
}
