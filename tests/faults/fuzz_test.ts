/**
 * Fault case: property-based fuzzing (fast-check) of the processor and the store with mutated real
 * snapshots, through the real actors into PostgreSQL. No body may crash an actor, and every record sent
 * must end up stored or quarantined alone (G3). FAULT_SEED=<seed> replays a failing run.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseSnapshot } from "../../feed/parse_snapshot.ts";
import { FIXTURES_DIR } from "../helpers/fixtures.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { assertLedger, describeBody, type SentSnapshot, settle } from "./ledger.ts";
import { type Pipeline, withPipeline } from "./pipeline.ts";
import { caseSeed, unsettled } from "./runs.ts";

type Json = Record<string, unknown>;
const SECTIONS = { pilots: 30, controllers: 8, atis: 4, prefiles: 4 } as const;
/** The processor quarantines at most this many records of one snapshot (actors/processor.ts). */
const MAX_REJECTED = 100;

/** The newest recording cut to a few records of each section, so that one run takes milliseconds. */
const base: Json = (() => {
  const full = JSON.parse(
    Deno.readTextFileSync(`${FIXTURES_DIR}vatsim-data_2025-08-06T0654Z_current-schema.json`),
  ) as Record<string, unknown[]>;
  const cut: Json = { ...full };
  for (const [section, n] of Object.entries(SECTIONS)) cut[section] = full[section].slice(0, n);
  return cut;
})();

/** Every place a mutation may land: a whole record, one of its fields, or a field of its plan. */
const PATHS: string[][] = Object.keys(SECTIONS).flatMap((section) =>
  (base[section] as Json[]).flatMap((record, i) => [
    [section, String(i)],
    ...Object.entries(record).flatMap(([field, value]) => [
      [section, String(i), field],
      ...(value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.keys(value).map((key) => [section, String(i), field, key])
        : []),
    ]),
  ])
);

/**
 * Wrong types and junk values, those PostgreSQL cannot hold among them (U+0000, a lone surrogate, numbers
 * past its `integer`): the parser must quarantine those records rather than the database refuse the
 * snapshot (junk_values_test.ts has one case of each).
 */
const junk = fc.oneof(
  fc.constantFrom("\u0000", "A\ud800", 3e9, -1e300),
  fc.constant(undefined), // the field or record is deleted
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.string({ maxLength: 12 }),
  fc.date({
    min: new Date("0001-01-01T00:00:00Z"),
    max: new Date("9999-12-31T23:59:59Z"),
    noInvalidDate: true,
  })
    .map((d) => d.toISOString()),
  fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer({ min: 0, max: 9 }), { maxKeys: 2 }),
);

const mutations = fc.array(fc.record({ path: fc.constantFrom(...PATHS), value: junk }), { maxLength: 8 });
/** Now and then a whole body is cut short, as a dropped connection would leave it. */
const cutAt = fc.oneof(
  { arbitrary: fc.constant(null), weight: 9 },
  { arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 1 },
);
const snapshotRun = fc.array(fc.record({ mutations, cutAt }), { minLength: 1, maxLength: 3 });

let clock = Date.UTC(2026, 0, 1);
/** A body made of the base with these mutations, under a feed time no earlier run used. */
function mutatedBody(run: { mutations: { path: string[]; value: unknown }[]; cutAt: number | null }) {
  const feed = structuredClone(base);
  clock += 15_000;
  (feed.general as Json).update_timestamp = new Date(clock).toISOString();
  for (const { path, value } of run.mutations) {
    let parent: unknown = feed;
    for (const key of path.slice(0, -1)) parent = (parent as Json | null)?.[key];
    if (parent === null || typeof parent !== "object") continue;
    if (value === undefined) delete (parent as Json)[path[path.length - 1]];
    else (parent as Json)[path[path.length - 1]] = value;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(feed));
  return run.cutAt === null ? bytes : bytes.subarray(0, Math.floor(bytes.byteLength * run.cutAt));
}

/** Sends the bodies and waits until each is stored or quarantined. */
async function pushThrough(pipeline: Pipeline, bodies: Uint8Array[], sent: SentSnapshot[]) {
  const these = bodies.map((bytes, i) => describeBody(`fuzz ${sent.length + i}`, bytes));
  sent.push(...these);
  bodies.forEach((bytes, i) => pipeline.send(bytes, these[i].label));
  const until = Date.now() + 15_000;
  while ((await unsettled(pipeline.url, these)).length > 0) {
    assert.ok(Date.now() < until, `not settled: ${(await unsettled(pipeline.url, these)).join("; ")}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/**
 * What the processor quarantines of the bodies: each distinct one that is not a snapshot (a body cut
 * short early is the same in every run), and the bad records of the others up to the limit.
 */
function expectedQuarantine(sent: SentSnapshot[], bodies: Uint8Array[]): number {
  const wholeBodies = new Set<string>();
  let records = 0;
  bodies.forEach((bytes, i) => {
    const parsed = parseSnapshot(bytes);
    if (parsed.ok) records += Math.min(parsed.rejected.length, MAX_REJECTED);
    else wholeBodies.add(sent[i].quarantineKey);
  });
  return wholeBodies.size + records;
}

Deno.test({
  name: "fault suite: fuzzed real snapshots through the processor and the store lose no record",
  ...requirePostgres,
  fn: () =>
    withPipeline(async (pipeline) => {
      const seed = caseSeed("fuzz");
      const sent: SentSnapshot[] = [];
      const bodiesSent: Uint8Array[] = [];
      await fc.assert(
        fc.asyncProperty(snapshotRun, async (runs) => {
          const bodies = runs.map(mutatedBody);
          bodiesSent.push(...bodies);
          await pushThrough(pipeline, bodies, sent);
          const ledger = await settle(pipeline.url, sent.slice(-bodies.length));
          assert.deepEqual(ledger.detail, {}, "nothing lost or doubled");
          assert.equal(pipeline.restarts(), 0, "no body crashed an actor");
        }),
        { seed, numRuns: 40, endOnFailure: true },
      );
      const expected = expectedQuarantine(sent, bodiesSent);
      assertLedger("fuzzed snapshots", await settle(pipeline.url, sent), expected);
    }),
});
