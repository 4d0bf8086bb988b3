/**
 * A steady stream of distinct snapshots made from one recorded peak: snapshot k is the recording with the
 * clock 15 s·k later, every pilot moved along its heading at its ground speed, and a few pilots logged on
 * again each time (new sessions; their old ones end after the grace period). Deterministic, so every run
 * writes the same rows. Writing the same snapshot again would be a duplicate and write nothing.
 */
import { normaliseFeedTimestamp } from "../feed/timestamp.ts";

const CADENCE_MS = 15_000;
/** One pilot in this many logs on again per snapshot: about 5 new sessions at 1,925 pilots. */
const RECONNECT_EVERY = 400;

interface PilotJson {
  latitude: number;
  longitude: number;
  groundspeed: number;
  heading: number;
  logon_time: string;
  last_updated: string;
}

interface FeedJson {
  general: { update: string; update_timestamp: string };
  pilots: PilotJson[];
  controllers: { last_updated: string }[];
  atis: { last_updated: string }[];
}

/** `iso` moved by `ms`, in the feed's own form (7 fractional digits, as .NET writes them). */
function shifted(iso: string, ms: number): string {
  const normal = normaliseFeedTimestamp(iso);
  if (normal === null) throw new Error(`not a feed timestamp: ${iso}`);
  const micros = normal.slice(20, 26);
  const moved = new Date(Date.parse(`${normal.slice(0, 19)}Z`) + ms).toISOString().slice(0, 19);
  return `${moved}.${micros}0Z`;
}

/** Where a pilot is after `hours` at its ground speed along its heading (flat-earth step, fine here). */
function moved(p: PilotJson, hours: number): { latitude: number; longitude: number } {
  const nm = p.groundspeed * hours;
  const rad = (p.heading * Math.PI) / 180;
  const latitude = Math.max(-89.9, Math.min(89.9, p.latitude + (nm * Math.cos(rad)) / 60));
  const cos = Math.max(0.05, Math.cos((p.latitude * Math.PI) / 180));
  let longitude = p.longitude + (nm * Math.sin(rad)) / (60 * cos);
  if (longitude > 180) longitude -= 360;
  if (longitude < -180) longitude += 360;
  return { latitude: Math.round(latitude * 1e5) / 1e5, longitude: Math.round(longitude * 1e5) / 1e5 };
}

/** The recording's snapshot `k` (0 is the recording itself) as a feed body. */
export function peakSnapshot(recording: string, k: number): Uint8Array<ArrayBuffer> {
  const feed = JSON.parse(recording) as FeedJson;
  const ms = k * CADENCE_MS;
  const at = shifted(feed.general.update_timestamp, ms);
  feed.general.update_timestamp = at;
  feed.general.update = at.slice(0, 19).replace(/\D/g, "");
  feed.pilots.forEach((p, i) => {
    Object.assign(p, moved(p, ms / 3_600_000));
    p.last_updated = shifted(p.last_updated, ms);
    // Each reconnect is a new session (cid, callsign, new logon_time) that started at this snapshot.
    const lastLogon = k - ((k + i) % RECONNECT_EVERY);
    if (k > 0 && lastLogon > 0) {
      p.logon_time = shifted(feed.general.update_timestamp, -(k - lastLogon) * CADENCE_MS);
    }
  });
  for (const record of [...feed.controllers, ...feed.atis]) {
    record.last_updated = shifted(record.last_updated, ms);
  }
  return new TextEncoder().encode(JSON.stringify(feed));
}
