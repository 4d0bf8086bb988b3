import assert from "node:assert/strict";
import fc from "fast-check";
import { feedTimestampMs, normaliseFeedTimestamp, PEEK_BYTES, peekUpdateTimestamp } from "./timestamp.ts";
import { FIXTURES } from "../tests/helpers/fixtures.ts";

const NORMALISED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const encode = (s: string) => new TextEncoder().encode(s);

Deno.test("normaliseFeedTimestamp truncates or pads the fraction to 6 digits", () => {
  const cases: [string, string][] = [
    ["2021-04-24T15:28:14.6925308Z", "2021-04-24T15:28:14.692530Z"],
    ["2021-04-24T15:28:14.692539Z", "2021-04-24T15:28:14.692539Z"],
    ["2021-04-24T15:28:14.69253Z", "2021-04-24T15:28:14.692530Z"],
    ["2021-04-24T15:28:14.6925Z", "2021-04-24T15:28:14.692500Z"],
    ["2021-04-24T15:28:14.6Z", "2021-04-24T15:28:14.600000Z"],
    ["2025-08-06T06:54:57Z", "2025-08-06T06:54:57.000000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000000Z"],
    ["2000-02-29T23:59:59.9999999Z", "2000-02-29T23:59:59.999999Z"],
  ];
  for (const [input, expected] of cases) assert.equal(normaliseFeedTimestamp(input), expected, input);
});

Deno.test("normaliseFeedTimestamp converts offsets to UTC, across day and year boundaries", () => {
  const cases: [string, string][] = [
    ["2025-08-06T08:54:57.9984046+02:00", "2025-08-06T06:54:57.998404Z"],
    ["2025-08-06T06:54:57-00:00", "2025-08-06T06:54:57.000000Z"],
    ["2021-12-31T20:30:00.5-05:30", "2022-01-01T02:00:00.500000Z"],
    ["2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00.000000Z"],
    ["0001-01-01T12:00:00+11:00", "0001-01-01T01:00:00.000000Z"],
  ];
  for (const [input, expected] of cases) assert.equal(normaliseFeedTimestamp(input), expected, input);
});

Deno.test("normaliseFeedTimestamp rejects malformed strings and impossible calendar values", () => {
  const invalid = [
    "",
    "2021-04-24",
    "2021-04-24T15:28:14",
    "2021-04-24 15:28:14Z",
    "2021-04-24t15:28:14z",
    "2021-04-24T15:28:14.Z",
    "2021-04-24T15:28:14.69253081Z",
    "2021-04-24T15:28:14Z\n",
    " 2021-04-24T15:28:14Z",
    "2021-4-24T15:28:14Z",
    "2021-13-01T00:00:00Z",
    "2021-00-01T00:00:00Z",
    "2021-04-00T00:00:00Z",
    "2021-04-31T00:00:00Z",
    "2021-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2021-04-24T24:00:00Z",
    "2021-04-24T23:60:00Z",
    "2021-04-24T23:59:60Z",
    "2021-04-24T15:28:14+24:00",
    "2021-04-24T15:28:14+02:60",
    "2021-04-24T15:28:14+0200",
    "0000-06-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:00:00-02:00",
    "２０２１-04-24T15:28:14Z",
    "yesterday",
  ];
  for (const input of invalid) assert.equal(normaliseFeedTimestamp(input), null, JSON.stringify(input));
});

Deno.test("feedTimestampMs gives epoch milliseconds of a normalised timestamp", () => {
  assert.equal(feedTimestampMs("2021-04-24T15:28:14.692530Z"), Date.UTC(2021, 3, 24, 15, 28, 14, 692));
  assert.equal(feedTimestampMs("0001-01-01T00:00:00.000000Z"), -62135596800000);
  assert.ok(Number.isNaN(feedTimestampMs("2021-04-24T15:28:14Z")));
  assert.ok(Number.isNaN(feedTimestampMs("not a timestamp at all, 27c")));
});

// Whole seconds from 0002-01-02 to 9998-12-30, so that any offset keeps the local time in 4-digit years,
// mixed with a few seconds around the ctp snapshot so that pairs often share a second.
const epochSeconds = fc.oneof(
  fc.integer({ min: -62104060800, max: 253370592000 }),
  fc.integer({ min: 1619278092, max: 1619278096 }),
);
const feedTimestamp = fc.record({
  seconds: epochSeconds,
  fraction: fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 7 }),
  offsetMinutes: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
  zulu: fc.boolean(),
}).map(({ seconds, fraction, offsetMinutes, zulu }) => {
  const offset = zulu ? 0 : offsetMinutes;
  const local = new Date((seconds + offset * 60) * 1000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const zone = zulu
    ? "Z"
    : `${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${
      String(abs % 60).padStart(2, "0")
    }`;
  // The instant as the feed string states it, cut to the microsecond that normalisation keeps.
  const micros = BigInt(seconds) * 1_000_000n + BigInt(fraction.slice(0, 6).padEnd(6, "0"));
  return { text: `${local}${fraction === "" ? "" : `.${fraction}`}${zone}`, seconds, micros };
});

Deno.test("property: normalised timestamps sort in the same order as their instants", () => {
  fc.assert(
    fc.property(feedTimestamp, feedTimestamp, (a, b) => {
      const na = normaliseFeedTimestamp(a.text);
      const nb = normaliseFeedTimestamp(b.text);
      assert.ok(na !== null && nb !== null, `${a.text} / ${b.text}`);
      const byInstant = a.micros < b.micros ? -1 : a.micros > b.micros ? 1 : 0;
      const byString = na < nb ? -1 : na > nb ? 1 : 0;
      assert.equal(byString, byInstant, `${a.text} → ${na}, ${b.text} → ${nb}`);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("property: normalisation is idempotent, fixed-width, and keeps the instant", () => {
  fc.assert(
    fc.property(feedTimestamp, ({ text, micros }) => {
      const n = normaliseFeedTimestamp(text);
      assert.ok(n !== null && NORMALISED.test(n), text);
      assert.equal(normaliseFeedTimestamp(n), n);
      assert.equal(feedTimestampMs(n), Number(micros / 1000n - (micros % 1000n < 0n ? 1n : 0n)));
    }),
  );
});

Deno.test("property: any string normalises to null or to the fixed-width form", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(..."0123456789-:T.Z+") })), (s) => {
      const n = normaliseFeedTimestamp(s);
      assert.ok(n === null || NORMALISED.test(n), `${s} → ${n}`);
    }),
  );
});

Deno.test("peekUpdateTimestamp reads the timestamp of every v3 fixture and null for transceivers", async () => {
  const expected: Record<string, string | null> = {
    "vatsim-data_2021-04-24T1528Z_ctp-westbound-peak.json": "2021-04-24T15:28:14.692530Z",
    "vatsim-data_2023-03-12T1724Z_busy-sunday.json": "2023-03-12T17:24:18.673757Z",
    "vatsim-data_2025-08-06T0654Z_current-schema.json": "2025-08-06T06:54:57.998404Z",
    "vatsim-data_2021-04-09T1543Z_pair-a.json": "2021-04-09T15:43:09.863925Z",
    "vatsim-data_2021-04-09T1619Z_pair-b.json": "2021-04-09T16:19:39.863076Z",
    "transceivers-data_2021-04-21.json": null,
  };
  for (const [file, timestamp] of Object.entries(expected)) {
    assert.equal(peekUpdateTimestamp(await Deno.readFile(new URL(file, FIXTURES))), timestamp, file);
  }
});

Deno.test("peekUpdateTimestamp allows whitespace, ignores the rest of the body, and rejects junk", () => {
  const pretty = '{\n  "general": {\n    "update_timestamp" :\t"2021-04-24T17:28:14+02:00"\n  }\n}';
  assert.equal(peekUpdateTimestamp(encode(pretty)), "2021-04-24T15:28:14.000000Z");
  const late = `{"general":{"name":"${"é".repeat(PEEK_BYTES)}","update_timestamp":"2021-04-24T15:28:14Z"}}`;
  assert.equal(peekUpdateTimestamp(encode(late)), null);
  assert.equal(peekUpdateTimestamp(encode('{"general":{"update_timestamp":"2021-04-31T00:00:00Z"}}')), null);
  assert.equal(peekUpdateTimestamp(encode('{"general":{"update_timestamp":1619278094}}')), null);
  assert.equal(peekUpdateTimestamp(new Uint8Array()), null);
  assert.equal(peekUpdateTimestamp(new Uint8Array([0xff, 0xfe, 0x00])), null);
});

Deno.test("property: peekUpdateTimestamp never throws on arbitrary bytes", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 6000 }), (bytes) => {
    const t = peekUpdateTimestamp(bytes);
    assert.ok(t === null || NORMALISED.test(t));
  }));
});
