// Feed timestamps normalised to one fixed-width UTC form: the snapshot deduplication key, a valid
// PostgreSQL `timestamptz` literal, and a string whose lexicographic order is time order.

// .NET writes up to 7 fractional digits (100 ns ticks); some timestamps have none at all. The shape is
// fixed, so the fields sit at fixed positions and are read without capture groups (this runs ~10k times
// per snapshot).
const FEED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})$/;
const Z = 90; // "Z"

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

// Only called on positions the regex has proven to be ASCII digits.
function digitsAt(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * Normalises a feed timestamp (0–7 fractional digits, `Z` or a `±HH:MM` offset) to the UTC instant as
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ`: exactly 6 fractional digits (a 7th is truncated, fewer are padded).
 * Returns null for anything that is not a real calendar instant in years 0001–9999.
 *
 * @example
 * ```ts
 * normaliseFeedTimestamp("2021-04-24T15:28:14.6925308Z"); // "2021-04-24T15:28:14.692530Z"
 * normaliseFeedTimestamp("2025-08-06T08:54:57+02:00"); // "2025-08-06T06:54:57.000000Z"
 * normaliseFeedTimestamp("2021-02-29T00:00:00Z"); // null
 * ```
 */
export function normaliseFeedTimestamp(s: string): string | null {
  if (!FEED_TIMESTAMP.test(s)) return null;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 7);
  const day = digitsAt(s, 8, 10);
  // Checked by hand because Date rolls 31 April over into 1 May instead of refusing it.
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const hour = digitsAt(s, 11, 13);
  const minute = digitsAt(s, 14, 16);
  const second = digitsAt(s, 17, 19);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const zulu = s.charCodeAt(s.length - 1) === Z;
  const zoneStart = zulu ? s.length - 1 : s.length - 6;
  const fraction = zoneStart > 19 ? s.slice(20, Math.min(zoneStart, 26)).padEnd(6, "0") : "000000";
  if (zulu) return `${s.slice(0, 19)}.${fraction}Z`;

  const offsetHours = digitsAt(s, zoneStart + 1, zoneStart + 3);
  const offsetMinutes = digitsAt(s, zoneStart + 4, zoneStart + 6);
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const offset = (s[zoneStart] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute - offset, second, 0);
  const utcYear = utc.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) return null;
  return `${pad(utcYear, 4)}-${pad(utc.getUTCMonth() + 1, 2)}-${pad(utc.getUTCDate(), 2)}T` +
    `${pad(utc.getUTCHours(), 2)}:${pad(utc.getUTCMinutes(), 2)}:${pad(utc.getUTCSeconds(), 2)}.${fraction}Z`;
}

/**
 * Epoch milliseconds of a timestamp produced by {@link normaliseFeedTimestamp} (microseconds are
 * truncated). Returns NaN for a string that is not in that form.
 */
export function feedTimestampMs(normalised: string): number {
  // Cut to the millisecond form that ECMAScript guarantees Date.parse understands.
  if (normalised.length !== 27 || normalised[26] !== "Z") return NaN;
  return Date.parse(`${normalised.slice(0, 23)}Z`);
}

/** How much of the body {@link peekUpdateTimestamp} looks at: `general` comes first and is small. */
export const PEEK_BYTES = 4096;

const UPDATE_TIMESTAMP = /"update_timestamp"\s*:\s*"([^"\\]*)"/;
// Not fatal: the 4 KiB cut may split a multi-byte character, and the name field may hold any text.
const prefixDecoder = new TextDecoder("utf-8");

/**
 * Reads `general.update_timestamp` from the first {@link PEEK_BYTES} of a raw feed body, without
 * parsing the whole JSON, so that the fetcher can drop a duplicate snapshot cheaply. Returns the
 * normalised timestamp, or null when it is absent (e.g. the transceivers feed) or invalid.
 */
export function peekUpdateTimestamp(bytes: Uint8Array): string | null {
  const prefix = prefixDecoder.decode(bytes.subarray(0, PEEK_BYTES));
  const m = UPDATE_TIMESTAMP.exec(prefix);
  return m === null ? null : normaliseFeedTimestamp(m[1]);
}
