import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type FeedSection,
  parseSnapshot,
  RAW_CAP_BYTES,
  type RejectedRecord,
  summariseSnapshot,
} from "./parse_snapshot.ts";
import { FIXTURES } from "../tests/helpers/fixtures.ts";

const CTP = "vatsim-data_2021-04-24T1528Z_ctp-westbound-peak.json";
const PAIR_A = "vatsim-data_2021-04-09T1543Z_pair-a.json";
const CURRENT = "vatsim-data_2025-08-06T0654Z_current-schema.json";
const BUSY_SUNDAY = "vatsim-data_2023-03-12T1724Z_busy-sunday.json";
const PAIR_B = "vatsim-data_2021-04-09T1619Z_pair-b.json";
const RECORD_SECTIONS = ["pilots", "controllers", "atis", "servers", "prefiles"] as const;

type JsonObject = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
type Feed = JsonObject & { [S in typeof RECORD_SECTIONS[number]]: JsonObject[] };

const encode = (s: string) => new TextEncoder().encode(s);
const readFixture = (name: string) => Deno.readFile(new URL(name, FIXTURES));
const readFeed = async (name: string): Promise<Feed> =>
  JSON.parse(await Deno.readTextFile(new URL(name, FIXTURES)));

function parseOk(bytes: Uint8Array) {
  const result = parseSnapshot(bytes);
  if (!result.ok) throw new assert.AssertionError({ message: `rejected: ${result.reason}` });
  return result;
}

Deno.test("every v3 fixture parses whole, with the counts of SOURCES.md", async () => {
  const expected = {
    [CTP]: ["2021-04-24T15:28:14.692530Z", 1925, 378, 72, 75, 7, 2375, 2301],
    [BUSY_SUNDAY]: ["2023-03-12T17:24:18.673757Z", 1706, 217, 106, 136, 8, 2030, 1923],
    [CURRENT]: ["2025-08-06T06:54:57.998404Z", 638, 39, 14, 92, 9, 691, 675],
    [PAIR_A]: ["2021-04-09T15:43:09.863925Z", 1077, 112, 51, 55, 7, 1240, 1185],
    [PAIR_B]: ["2021-04-09T16:19:39.863076Z", 1083, 110, 51, 50, 7, 1244, 1191],
  };
  for (const [file, counts] of Object.entries(expected)) {
    const [updateTimestamp, pilots, controllers, atis, prefiles, servers, connectedClients, uniqueUsers] =
      counts;
    const result = parseOk(await readFixture(file));
    assert.deepEqual(result.rejected, [], file);
    assert.deepEqual(
      summariseSnapshot(result.snapshot),
      { updateTimestamp, pilots, controllers, atis, prefiles, servers, connectedClients, uniqueUsers },
      file,
    );
  }
  assert.equal(parseOk(await readFixture(CURRENT)).snapshot.military_ratings.length, 5);
});

Deno.test("the transceivers feed is rejected as not a v3 snapshot", async () => {
  const result = parseSnapshot(await readFixture("transceivers-data_2021-04-21.json"));
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.reason, /not a v3 snapshot: the top level is an array/);
});

Deno.test("implausible values in the ctp fixture are flagged and kept", async () => {
  const { snapshot, flagged } = parseOk(await readFixture(CTP));
  const flagsOf = (callsign: string) => flagged.find((f) => f.callsign === callsign)?.flags;
  assert.deepEqual(flagsOf("SBI642"), ["qnh_mb_negative"]);
  assert.deepEqual(flagsOf("BAW122"), ["groundspeed_over_1000kt"]);
  assert.equal(snapshot.pilots.find((p) => p.callsign === "SBI642")?.qnh_mb, -6741);
  assert.equal(snapshot.pilots.find((p) => p.callsign === "BAW122")?.groundspeed, 1224);
  for (const f of flagged) assert.equal(snapshot.pilots[f.index].callsign, f.callsign);
  // The other four over 1,000 kt are Concordes too; the lowest altitude (-4 ft) is not implausible.
  assert.deepEqual(flagged.map((f) => f.callsign).sort(), ["AFR2", "BAW122", "BAW2", "BAW99", "SBI642"]);
});

Deno.test("altitude and position out of range are flagged", async () => {
  const feed = await readFeed(CURRENT);
  Object.assign(feed.pilots[1], { altitude: -1501, latitude: 91, longitude: -180.5 });
  const { flagged } = parseOk(encode(JSON.stringify(feed)));
  assert.deepEqual(flagged.find((f) => f.index === 1)?.flags, [
    "altitude_below_-1500ft",
    "latitude_out_of_range",
    "longitude_out_of_range",
  ]);
});

Deno.test("broken records are rejected alone, with reasons, and every other record is kept", async () => {
  const feed = await readFeed(PAIR_A);
  const original = structuredClone(feed);
  const planned = feed.pilots.findIndex((p, i) => i >= 50 && p.flight_plan !== null);
  const plan = feed.pilots[planned].flight_plan;
  assert.ok(plan !== null && typeof plan === "object" && !Array.isArray(plan));
  feed.pilots[12].latitude = "51.5";
  delete feed.pilots[20].cid;
  feed.pilots[30].logon_time = "yesterday";
  (feed.pilots as JsonValue[])[40] = "junk";
  plan.revision_id = "x";
  feed.pilots[60].callsign = 12345;
  Object.assign(feed.pilots[70], { name: "ж".repeat(100_000), groundspeed: null });
  feed.controllers[2].text_atis = "CLOSED";
  feed.atis[1].atis_code = 5;
  feed.servers[0].hostname_or_ip = null;
  feed.prefiles[0].flight_plan = null;
  (feed.facilities as JsonObject[])[0].id = "0";

  const { snapshot, rejected } = parseOk(encode(JSON.stringify(feed)));
  const expected: [FeedSection, number, string][] = [
    ["pilots", 12, "pilots[12].latitude: expected number, received string"],
    ["pilots", 20, "pilots[20].cid: missing (expected number)"],
    ["pilots", 30, 'pilots[30].logon_time: invalid timestamp "yesterday"'],
    ["pilots", 40, "pilots[40]: expected object, received string"],
    ["pilots", planned, `pilots[${planned}].flight_plan.revision_id: expected number, received string`],
    ["pilots", 60, "pilots[60].callsign: expected string, received number"],
    ["pilots", 70, "pilots[70].groundspeed: expected number, received null"],
    ["controllers", 2, "controllers[2].text_atis: expected array, received string"],
    ["atis", 1, "atis[1].atis_code: expected string, received number"],
    ["servers", 0, "servers[0].hostname_or_ip: expected string, received null"],
    ["prefiles", 0, "prefiles[0].flight_plan: expected object, received null"],
    ["facilities", 0, "facilities[0].id: expected number, received string"],
  ];
  assert.deepEqual(rejected.map((r) => [r.section, r.index, r.reason]), expected);

  const byIndex = (section: FeedSection, index: number) =>
    rejected.find((r) => r.section === section && r.index === index);
  assert.equal(byIndex("pilots", 12)?.callsign, String(original.pilots[12].callsign));
  assert.equal(byIndex("pilots", 40)?.callsign, null);
  assert.equal(byIndex("pilots", 60)?.callsign, null);
  assert.deepEqual(JSON.parse(byIndex("pilots", 12)?.raw ?? ""), feed.pilots[12]);
  assert.ok(new TextEncoder().encode(byIndex("pilots", 70)?.raw).length <= RAW_CAP_BYTES);

  for (const section of RECORD_SECTIONS) {
    const broken = new Set(rejected.filter((r) => r.section === section).map((r) => r.index));
    const keptCallsigns = original[section].filter((_, i) => !broken.has(i)).map((r) =>
      r.callsign ?? r.ident
    );
    assert.deepEqual(snapshot[section].map((r) => "callsign" in r ? r.callsign : r.ident), keptCallsigns);
  }
  assert.equal(snapshot.facilities.length, 6);
});

Deno.test("a body that is not a v3 snapshot is rejected whole with a reason", async () => {
  const valid = await readFeed(CURRENT);
  const variant = (patch: JsonObject) => encode(JSON.stringify({ ...valid, ...patch }));
  const withoutPilots = Object.fromEntries(Object.entries(valid).filter(([k]) => k !== "pilots"));
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    [encode(""), /not valid JSON/],
    [encode('{"general":'), /not valid JSON/],
    [encode("null"), /not a v3 snapshot: the top level is null/],
    [encode('"vatsim"'), /top level is a string/],
    [encode("{}"), /`general` is missing/],
    [variant({ general: "x" }), /invalid general: general: expected object, received string/],
    [variant({ general: { ...valid.general as JsonObject, update_timestamp: "soon" } }), /update_timestamp/],
    [variant({ pilots: { "0": {} } }), /section `pilots` is an object, not an array/],
    [variant({ atis: null }), /section `atis` is null, not an array/],
    [variant({ facilities: "none" }), /section `facilities` is a string/],
    [encode(JSON.stringify(withoutPilots)), /section `pilots` is missing/],
  ];
  for (const [bytes, reason] of cases) {
    const result = parseSnapshot(bytes);
    assert.match(result.ok ? "accepted" : result.reason, reason);
  }
  const { military_ratings: _, ...older } = valid;
  assert.deepEqual(parseOk(encode(JSON.stringify(older))).snapshot.military_ratings, []);
});

Deno.test("a deeply nested junk record is rejected alone, its raw text capped", async () => {
  const feed = await readFeed(CURRENT);
  const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
  const text = JSON.stringify(feed).replace('"pilots":[', `"pilots":[${deep},`);
  const { rejected, snapshot } = parseOk(encode(text));
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0].index, 0);
  assert.equal(rejected[0].raw.length, RAW_CAP_BYTES);
  assert.equal(snapshot.pilots.length, 638);
});

Deno.test("property: parseSnapshot never throws on arbitrary bytes, text or JSON", () => {
  const bodies = fc.oneof(
    fc.uint8Array({ maxLength: 2000 }),
    fc.string({ unit: "binary", maxLength: 500 }).map(encode),
    fc.jsonValue().map((v) => encode(JSON.stringify(v))),
  );
  fc.assert(fc.property(bodies, (bytes) => {
    assert.equal(typeof parseSnapshot(bytes).ok, "boolean");
  }));
});

Deno.test("property: random mutations of a valid snapshot never throw and lose no record", async () => {
  const full = await readFeed(CURRENT);
  const small: Feed = { ...full };
  for (const section of RECORD_SECTIONS) small[section] = full[section].slice(0, 4);
  const paths: string[][] = [];
  const collect = (value: JsonValue, path: string[]) => {
    paths.push(path);
    if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) collect(child, [...path, key]);
    }
  };
  collect(small, []);
  const mutation = fc.record({
    path: fc.constantFrom(...paths.filter((p) => p.length > 0)),
    value: fc.option(fc.jsonValue()),
  });

  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const feed: Record<string, unknown> = structuredClone(small);
      for (const { path, value } of mutations) {
        let parent: unknown = feed;
        for (const key of path.slice(0, -1)) parent = isContainer(parent) ? parent[key] : undefined;
        if (!isContainer(parent)) continue;
        const key = path[path.length - 1];
        if (value === null) delete parent[key];
        else parent[key] = value;
      }
      const result = parseSnapshot(encode(JSON.stringify(feed)));
      if (!result.ok) return;
      for (const section of RECORD_SECTIONS) {
        const inFeed = feed[section];
        const rejected: RejectedRecord[] = result.rejected.filter((r) => r.section === section);
        assert.ok(Array.isArray(inFeed));
        assert.equal(result.snapshot[section].length + rejected.length, inFeed.length, section);
        for (const r of rejected) assert.ok(r.reason.startsWith(`${section}[${r.index}]`), r.reason);
      }
    }),
    { numRuns: 300 },
  );
});

// Arrays count too: a mutation may set `pilots["2"]`, which is just an index.
function isContainer(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object";
}
