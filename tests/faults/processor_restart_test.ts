/**
 * Fault case: the processor crashes (one throw) between two snapshots, and the second revises a flight
 * plan. Its FLIGHT_PLAN_REVISED event must be stored as in a clean run: events are part of the network
 * the ledger compares, so a restart may not lose one.
 */
import assert from "node:assert/strict";
import type { ServiceHealth } from "../../routes/services.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { networkCounts } from "../helpers/replay_check.ts";
import { startService } from "../helpers/service.ts";
import { waitFor } from "../helpers/system.ts";
import { assertLedger, settle } from "./ledger.ts";
import { feedStub, simBodies } from "./inputs.ts";
import { withPipeline } from "./pipeline.ts";
import { control, CONTROL_TOKEN, untilSettled, withCaseStore } from "./runs.ts";

type Json = Record<string, unknown>;

/** Two consecutive simulator snapshots, the second with one more plan revision of a flight in both. */
function twoSnapshots(): [Uint8Array, Uint8Array] {
  const [first, second] = simBodies({ count: 2, pilots: 100 });
  const feed = JSON.parse(new TextDecoder().decode(second)) as { pilots: Json[] };
  const pilot = feed.pilots.find((p) => p.flight_plan !== null);
  assert.ok(pilot);
  const plan = pilot.flight_plan as Json;
  plan.revision_id = Number(plan.revision_id) + 1;
  plan.altitude = "FL390";
  return [first, new TextEncoder().encode(JSON.stringify(feed))];
}

Deno.test({
  name: "fault suite: a processor restart between snapshots loses no plan revision event",
  ...requirePostgres,
  // Found by this case: a restarted processor diffed against nothing, so both plan revisions of the
  // second snapshot were lost ("lost 2"); it now asks the store for the state first (db/diff_seed.ts).
  fn: async () => {
    const [first, second] = twoSnapshots();
    const stub = feedStub([{ body: first }]);
    try {
      await withCaseStore(async (store) => {
        const service = await startService({
          ...store.env,
          VATSIM_STATUS_URL: stub.statusUrl,
          POLL_INTERVAL_MS: "100",
          FAULT_INJECTION: "true",
          CONTROL_TOKEN,
        });
        try {
          await waitFor("the first snapshot served", () => stub.done(), 10_000);
          await untilSettled(store.url, stub.sent, service);
          assert.equal(
            await control(service, "/api/supervision/actors/processor/fault", { kind: "throw" }),
            202,
          );
          await service.waitForJson<ServiceHealth>(
            "/api/services/processor/health",
            "the processor back",
            (h) => h.restarts === 1 && h.status === "running",
          );
          stub.push({ body: second });
          await waitFor("the second snapshot served", () => stub.done(), 10_000);
          await untilSettled(store.url, stub.sent, service);
        } finally {
          assert.equal(await service.stop(), 0);
        }
        const clean = await withPipeline(async (pipeline) => {
          pipeline.send(first, "first");
          pipeline.send(second, "second");
          await pipeline.storeIdle(2);
          return await networkCounts(pipeline.url);
        });
        assertLedger("processor restart between snapshots", await settle(store.url, stub.sent, clean), 0);
      });
    } finally {
      await stub.close();
    }
  },
});
