// Fast JSON rendering of a snapshot. JSON.stringify of 10,000 pilots takes most of a tick; a session's
// fixed fields (member, plan, logon) are serialised once and only the moving values are written per tick.

import type { Flight } from "./flight.ts";
import type { PilotRecord, V3Feed } from "./model.ts";

/** The record of a pilot, in the feed's key order. */
export function pilotRecord(f: Flight, lastUpdated: string): PilotRecord {
  return {
    cid: f.cid,
    name: f.name,
    callsign: f.callsign,
    server: f.server,
    pilot_rating: f.pilotRating,
    military_rating: 0,
    latitude: round5(f.lat),
    longitude: round5(f.lon),
    altitude: f.altitude,
    groundspeed: f.groundspeed,
    transponder: f.transponder,
    heading: f.heading,
    qnh_i_hg: Math.round(f.qnhMb * 2.953) / 100,
    qnh_mb: f.qnhMb,
    flight_plan: f.plan,
    logon_time: f.logonTime,
    last_updated: lastUpdated,
  };
}

/** `JSON.stringify(pilotRecord(f, lastUpdated))`, with the fixed parts cached on the flight. */
export function renderPilot(f: Flight, lastUpdated: string): string {
  f.json ??= fixedParts(f);
  const [head, middle, tail] = f.json;
  return `${head}${round5(f.lat)},"longitude":${
    round5(f.lon)
  },"altitude":${f.altitude},"groundspeed":${f.groundspeed}` +
    `${middle}${f.heading}${tail}${JSON.stringify(lastUpdated)}}`;
}

/**
 * The whole snapshot as JSON text, byte for byte what `JSON.stringify` gives for `feed` with `flights` as
 * its pilots. `feed.pilots` is ignored (pass an empty array).
 */
export function renderFeed(
  feed: V3Feed,
  flights: readonly Flight[],
  lastUpdated: (f: Flight) => string,
): string {
  const pilots = flights.map((f) => renderPilot(f, lastUpdated(f))).join(",");
  const rest = JSON.stringify({ ...feed, pilots: [] });
  // `pilots` is the second key, right after `general`: splice the rendered records into its array.
  const at = rest.indexOf(`,"pilots":[]`) + `,"pilots":[`.length;
  return `${rest.slice(0, at)}${pilots}${rest.slice(at)}`;
}

function fixedParts(f: Flight): [string, string, string] {
  const record = JSON.stringify(pilotRecord(f, ""));
  const cut = (from: string, to: string) => record.slice(record.indexOf(from), record.indexOf(to));
  return [
    `${record.slice(0, record.indexOf(`"latitude":`))}"latitude":`,
    `${cut(`,"transponder":`, `,"heading":`)},"heading":`,
    `${cut(`,"qnh_i_hg":`, `,"last_updated":`)},"last_updated":`,
  ];
}

function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
