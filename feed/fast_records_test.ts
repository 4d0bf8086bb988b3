import assert from "node:assert/strict";
import fc from "fast-check";
import type { z } from "zod";
import { fastReaders } from "./fast_records.ts";
import * as v3 from "./v3_schema.ts";
import { FIXTURES_DIR } from "../tests/helpers/fixtures.ts";

const SCHEMAS: { [K in keyof typeof fastReaders]: z.ZodType } = {
  pilots: v3.pilotSchema,
  controllers: v3.controllerSchema,
  atis: v3.atisSchema,
  prefiles: v3.prefileSchema,
};
const SECTIONS = Object.keys(SCHEMAS) as (keyof typeof fastReaders)[];

/** What the fast reader gives is what the schema gives; when it gives nothing, the schema decides. */
function assertAgrees(section: keyof typeof fastReaders, value: unknown): "fast" | "schema" {
  const fast = fastReaders[section](value);
  const slow = SCHEMAS[section].safeParse(value);
  if (fast === null) return "schema";
  assert.ok(
    slow.success,
    `${section}: the fast reader took what the schema refuses: ${JSON.stringify(value)}`,
  );
  assert.deepEqual(fast, slow.data);
  // Same keys in the same order, so the JSON written of a plan is the same too.
  assert.equal(JSON.stringify(fast), JSON.stringify(slow.data));
  return "fast";
}

const recordings = [...Deno.readDirSync(FIXTURES_DIR)].map((e) => e.name).filter((n) =>
  n.startsWith("vatsim-data_")
)
  .map((name) => ({
    name,
    feed: JSON.parse(Deno.readTextFileSync(FIXTURES_DIR + name)) as Record<string, unknown[]>,
  }));

Deno.test("on every recorded snapshot the fast readers give what the schemas give, for nearly every record", () => {
  for (const { name, feed } of recordings) {
    for (const section of SECTIONS) {
      const records = feed[section] ?? [];
      const taken = records.filter((r) => assertAgrees(section, r) === "fast").length;
      // The records the schema refuses, or normalises beyond the fast path, are few.
      assert.ok(
        taken >= records.length * 0.99,
        `${name} ${section}: only ${taken} of ${records.length} fast`,
      );
    }
  }
});

/** Values a field may be mutated into: each kind of thing the schemas tell apart. */
const junk = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    "",
    " padded ",
    "lower",
    "a\u0000b",
    "\ud800",
    "2025-08-06T06:54:00.1234567Z",
    "2025-02-30T00:00:00Z",
    "2025-08-06T06:54:00+02:00",
    0,
    -1,
    1.5,
    2_147_483_648,
    -2_147_483_649,
    Infinity,
    NaN,
    true,
    [],
    {},
    ["line", " two "],
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
);

Deno.test("fuzzed records: whatever the fast readers take, the schemas take the same way", () => {
  const samples = SECTIONS.flatMap((section) =>
    recordings.flatMap(({ feed }) =>
      (feed[section] ?? []).slice(0, 20).map((record) => ({ section, record }))
    )
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...samples),
      fc.array(fc.tuple(fc.nat(), junk), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      ({ section, record }, mutations, inPlan) => {
        const copy = structuredClone(record) as Record<string, unknown>;
        const plan = copy.flight_plan as Record<string, unknown> | null | undefined;
        const target = inPlan && plan ? plan : copy;
        const keys = Object.keys(target);
        for (const [at, value] of mutations) {
          const key = keys[at % keys.length];
          if (value === undefined) delete target[key];
          else target[key] = value;
        }
        assertAgrees(section, copy);
      },
    ),
    { numRuns: 5_000 },
  );
});

Deno.test("a record that is not an object goes to the schema", () => {
  for (const section of SECTIONS) {
    for (const value of [null, 1, "x", [], undefined]) assert.equal(fastReaders[section](value), null);
  }
});
