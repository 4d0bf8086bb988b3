// Fast JSON rendering of a snapshot. JSON.stringify of 10,000 pilots takes most of a tick; a session's
// fixed fields (member, plan, logon) are serialised (and UTF-8 encoded) once, and only the moving values
// are written per tick.

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

const encoder = new TextEncoder();

/** {@link renderFeed} straight to UTF-8, without building the 8 MB string first. */
export function renderFeedBytes(
  feed: V3Feed,
  flights: readonly Flight[],
  lastUpdated: (f: Flight) => string,
): Uint8Array<ArrayBuffer> {
  const rest = JSON.stringify({ ...feed, pilots: [] });
  const at = rest.indexOf(`,"pilots":[]`) + `,"pilots":[`.length;
  const before = encoder.encode(rest.slice(0, at));
  const after = encoder.encode(rest.slice(at));
  // First the moving values (coordinates, altitude and speed; heading; timestamp), to size the buffer.
  const moving: string[] = new Array(flights.length * 3);
  let size = before.byteLength + after.byteLength + Math.max(0, flights.length - 1);
  for (let i = 0; i < flights.length; i++) {
    const f = flights[i];
    f.json ??= fixedParts(f);
    f.jsonBytes ??= f.json.map((part) => encoder.encode(part)) as [Uint8Array, Uint8Array, Uint8Array];
    const position = `${round5(f.lat)},"longitude":${
      round5(f.lon)
    },"altitude":${f.altitude},"groundspeed":${f.groundspeed}`;
    const heading = String(f.heading);
    const end = `"${lastUpdated(f)}"}`;
    moving[3 * i] = position;
    moving[3 * i + 1] = heading;
    moving[3 * i + 2] = end;
    size += f.jsonBytes[0].byteLength + f.jsonBytes[1].byteLength + f.jsonBytes[2].byteLength +
      position.length + heading.length + end.length;
  }
  const out = new Uint8Array(size);
  out.set(before, 0);
  let pos = before.byteLength;
  for (let i = 0; i < flights.length; i++) {
    const [head, middle, tail] = flights[i].jsonBytes as [Uint8Array, Uint8Array, Uint8Array];
    if (i > 0) out[pos++] = 44; // ","
    out.set(head, pos);
    pos += head.byteLength;
    pos += writeAscii(out, pos, moving[3 * i]);
    out.set(middle, pos);
    pos += middle.byteLength;
    pos += writeAscii(out, pos, moving[3 * i + 1]);
    out.set(tail, pos);
    pos += tail.byteLength;
    pos += writeAscii(out, pos, moving[3 * i + 2]);
  }
  out.set(after, pos);
  return out;
}

// Numbers and feed timestamps are ASCII, so one byte per character.
function writeAscii(out: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[pos + i] = s.charCodeAt(i);
  return s.length;
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
