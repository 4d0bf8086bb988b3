import assert from "node:assert/strict";
import {
  atisSchema,
  controllerSchema,
  type FlightPlan,
  generalSchema,
  militaryRatingSchema,
  type Pilot,
  pilotSchema,
  prefileSchema,
  serverSchema,
} from "./v3_schema.ts";
import { FIXTURES } from "../tests/helpers/fixtures.ts";

type Json = Record<string, unknown> & { pilots: Record<string, unknown>[] };

async function fixture(name: string): Promise<Json> {
  return JSON.parse(await Deno.readTextFile(new URL(name, FIXTURES)));
}

const feed2021 = await fixture("vatsim-data_2021-04-09T1543Z_pair-a.json");
const feed2023 = await fixture("vatsim-data_2023-03-12T1724Z_busy-sunday.json");
const feed2025 = await fixture("vatsim-data_2025-08-06T0654Z_current-schema.json");

const firstWithPlan = (feed: Json) => feed.pilots.find((p) => p.flight_plan !== null);

Deno.test("pilot schema accepts the 2021 layout and fills fields added later with null", () => {
  const pilot: Pilot = pilotSchema.parse(firstWithPlan(feed2021));
  assert.equal(pilot.military_rating, null);
  assert.equal(pilot.flight_plan?.assigned_transponder, null);
});

Deno.test("pilot schema accepts the 2025 layout with military_rating and assigned_transponder", () => {
  const raw = firstWithPlan(feed2025);
  const pilot = pilotSchema.parse(raw);
  assert.equal(pilot.military_rating, raw?.military_rating);
  const plan: FlightPlan | null = pilot.flight_plan;
  assert.equal(typeof plan?.assigned_transponder, "string");
});

Deno.test("pilot schema normalises callsign, strings and timestamps, and strips unknown fields", () => {
  const raw = structuredClone(firstWithPlan(feed2023));
  assert.ok(raw !== undefined);
  Object.assign(raw, {
    callsign: "  baw123 ",
    name: " Jane Doe\t",
    logon_time: "2023-03-12T16:00:00Z",
    last_updated: "2023-03-12T19:24:18.6737571+02:00",
    some_future_field: 42,
  });
  const pilot = pilotSchema.parse(raw);
  assert.equal(pilot.callsign, "BAW123");
  assert.equal(pilot.name, "Jane Doe");
  assert.equal(pilot.logon_time, "2023-03-12T16:00:00.000000Z");
  assert.equal(pilot.last_updated, "2023-03-12T17:24:18.673757Z");
  assert.ok(!("some_future_field" in pilot));
});

Deno.test("pilot schema keeps a null flight plan but rejects a missing one and bad timestamps", () => {
  const raw = structuredClone(feed2021.pilots[0]);
  assert.equal(pilotSchema.parse({ ...raw, flight_plan: null }).flight_plan, null);
  const { flight_plan: _, ...withoutPlan } = raw;
  assert.deepEqual(pilotSchema.safeParse(withoutPlan).error?.issues[0].path, ["flight_plan"]);
  const badTime = pilotSchema.safeParse({ ...raw, logon_time: "2021-04-31T00:00:00Z" });
  assert.deepEqual(badTime.error?.issues.map((i) => i.path), [["logon_time"]]);
  assert.match(badTime.error?.issues[0].message ?? "", /invalid timestamp/);
});

Deno.test("controller and atis schemas keep text_atis as lines or null", () => {
  const controllers = feed2021.controllers as Record<string, unknown>[];
  const withText = controllers.find((c) => Array.isArray(c.text_atis));
  const parsed = controllerSchema.parse({ ...withText, text_atis: [" line one ", "line two"] });
  assert.deepEqual(parsed.text_atis, ["line one", "line two"]);
  assert.equal(controllerSchema.parse({ ...withText, text_atis: null }).text_atis, null);
  assert.equal(controllerSchema.safeParse({ ...withText, text_atis: "one string" }).success, false);
  const atis = (feed2025.atis as unknown[]).map((a) => atisSchema.parse(a));
  assert.ok(atis.every((a) => a.atis_code === null || typeof a.atis_code === "string"));
});

Deno.test("server schema accepts the 2021 and the 2023 layouts", () => {
  const old = serverSchema.parse((feed2021.servers as unknown[])[0]);
  assert.equal(old.client_connections_allowed, null);
  assert.equal(old.is_sweatbox, null);
  const current = serverSchema.parse((feed2023.servers as unknown[])[0]);
  assert.equal(current.client_connections_allowed, true);
  assert.equal(current.is_sweatbox, false);
});

Deno.test("prefile schema requires a flight plan and accepts a CID as the name", () => {
  const raw = (feed2023.prefiles as Record<string, unknown>[])[0];
  const prefile = prefileSchema.parse(raw);
  assert.match(prefile.name, /^\d+$/);
  assert.equal(prefileSchema.safeParse({ ...raw, flight_plan: null }).success, false);
});

Deno.test("general and reference lists parse in every generation", () => {
  for (const feed of [feed2021, feed2023, feed2025]) {
    const general = generalSchema.parse(feed.general);
    assert.match(general.update_timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  }
  assert.equal((feed2025.military_ratings as unknown[]).map((r) => militaryRatingSchema.parse(r)).length, 5);
});
