// Time formats of the v3 feed: .NET-style ISO timestamps with 7 fractional digits, and `general.update`.

/** `2025-08-06T06:54:57.9980000Z`, as the feed writes it. */
export function feedTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23) + "0000Z";
}

/** `20250806065457`, the feed's `general.update`. */
export function feedUpdate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:T]/g, "");
}

/** `HHMM` of a UTC time, as in `deptime`. */
export function hhmmUtc(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16).replace(":", "");
}

/** `HHMM` of a duration, as in `enroute_time` and `fuel_time`. */
export function hhmmDuration(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  return String(Math.floor(m / 60)).padStart(2, "0") + String(m % 60).padStart(2, "0");
}
