import assert from "node:assert/strict";
import { collectorTree } from "../actors/tree.ts";
import { loadConfig } from "../config.ts";
import { parseTree } from "./spec.ts";

const actor = (name: string) => ({ type: "actor", name, module: "file:///x.ts" });

Deno.test("parseTree refuses a name used twice", () => {
  assert.throws(
    () => parseTree({ type: "supervisor", name: "root", children: [actor("a"), actor("a")] }),
    /name a is used twice/,
  );
});

Deno.test("parseTree refuses a supervisor whose backoff lets a crash loop outlast its period", () => {
  const backoff = { minMs: 100, maxMs: 30_000, randomFactor: 0.2 };
  // The collector's old root: 10 in 60 s; a child crashing on every start reaches its 11th crash only
  // after 0.12 + 0.24 + … + 30 s ≈ 91 s, then one crash every 30 s: never 11 in a minute.
  assert.throws(
    () =>
      parseTree({ type: "supervisor", name: "root", intensity: 10, periodMs: 60_000, backoff, children: [] }),
    /at root: a child crashing on every start may take \d+ ms .* lengthen periodMs/,
  );
  // Nested supervisors are checked too.
  const inner = { type: "supervisor", name: "inner", intensity: 10, periodMs: 60_000, backoff, children: [] };
  assert.throws(() => parseTree({ type: "supervisor", name: "root", children: [inner] }), /at inner:/);
  // Intensity 0 gives up on the first crash, whatever the backoff.
  parseTree({ type: "supervisor", name: "root", intensity: 0, periodMs: 1, backoff, children: [] });
  // OTP's default, 1 in 5 s, with the default backoff: the second crash comes after 120 ms at most.
  parseTree({ type: "supervisor", name: "root", children: [actor("a")] });
});

Deno.test("the collector's tree passes its own check", () => {
  parseTree(collectorTree(loadConfig({})));
});
