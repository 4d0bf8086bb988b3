/**
 * Fault cases: actors failing under a replay (FAULT_INJECTION), each in the real service against a
 * clean run of the same folder: one throw in each actor; a CPU loop and worker exits; a restart storm
 * that ends the process with exit 1, after which the next process resumes from what the store holds.
 */
import assert from "node:assert/strict";
import type { FaultKind } from "../../routes/deps.ts";
import type { ServiceHealth } from "../../routes/services.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { type RunningService, startService } from "../helpers/service.ts";
import type { TableCounts } from "../helpers/replay_check.ts";
import { assertLedger, type SentSnapshot, settle } from "./ledger.ts";
import { simFolder } from "./inputs.ts";
import {
  cleanRun,
  control,
  CONTROL_TOKEN,
  runToEnd,
  unsettled,
  untilSettled,
  withCaseStore,
} from "./runs.ts";

const FAULTY = { FAULT_INJECTION: "true", CONTROL_TOKEN, POLL_INTERVAL_MS: "250" };

const fault = (service: RunningService, actor: string, kind: FaultKind) =>
  control(service, `/api/supervision/actors/${actor}/fault`, { kind });

/** Sends the fault, then waits until the actor runs again as its next incarnation; returns the reason. */
async function faultAndRecover(service: RunningService, actor: string, kind: FaultKind): Promise<string> {
  const path = `/api/services/${actor}/health`;
  const { body: before } = await service.getJson<ServiceHealth>(path);
  assert.equal(await fault(service, actor, kind), 202);
  const after = await service.waitForJson<ServiceHealth>(
    path,
    `${actor} back after ${kind}`,
    (h) => h.restarts > before.restarts && h.status === "running",
    30_000,
  );
  return after.lastRestartReasons[0]?.reason ?? "";
}

/** Restarts of every actor so far, or null once the process no longer answers. */
async function totalRestarts(service: RunningService): Promise<number | null> {
  try {
    const { body } = await service.getJson<{ services: ServiceHealth[] }>("/api/services/health");
    return body.services.reduce((sum, actor) => sum + actor.restarts, 0);
  } catch {
    return null;
  }
}

/**
 * Sends `throw` faults to the actors in turn, every 25 ms, until the process ends or `timeoutMs` has
 * passed; then kills it. Returns its exit code (null when it had to be killed) and the restarts seen.
 */
async function storm(
  service: RunningService,
  actors: string[],
  timeoutMs: number,
): Promise<{ code: number | null; restarts: number }> {
  let code: number | null = null;
  void service.exited.then((c) => code = c);
  const until = Date.now() + timeoutMs;
  let restarts = 0;
  for (let i = 0; code === null && Date.now() < until; i++) {
    // Refused connections once the process is going are expected.
    await fault(service, actors[i % actors.length], "throw").catch(() => 0);
    await new Promise((resolve) => setTimeout(resolve, 25));
    if (i % 20 === 0) restarts = await totalRestarts(service) ?? restarts;
  }
  if (code === null) await service.kill();
  return { code, restarts };
}

interface Input {
  dir: string;
  sent: SentSnapshot[];
  clean: TableCounts;
}

/** Runs `disturb` on a replay of the folder, then lets the replay end and settles the ledger. */
async function disturbedReplay(
  input: Input,
  name: string,
  disturb: (service: RunningService) => Promise<void>,
): Promise<void> {
  await withCaseStore(async (store) => {
    const service = await startService({ ...store.env, ...FAULTY, FEED: input.dir });
    try {
      await service.waitForJson<{ snapshots: { stored: number } }>(
        "/api/status",
        "a first snapshot stored",
        (s) => s.snapshots.stored >= 1,
      );
      await disturb(service);
      await untilSettled(store.url, input.sent, service);
    } finally {
      assert.equal(await service.stop(), 0, "SIGTERM after the faults ends the service with exit 0");
    }
    assertLedger(name, await settle(store.url, input.sent, input.clean), 1);
  });
}

Deno.test({
  name: "fault suite: actors that throw, hang or exit lose and double nothing",
  ...requirePostgres,
  fn: async (t) => {
    const junk = new TextEncoder().encode(`{"general":{"update_timestamp":"yesterday"}}`);
    const { dir, sent } = await simFolder({ count: 24, pilots: 500, extra: { "snap-005-junk.json": junk } });
    try {
      const input = { dir, sent, clean: await cleanRun(dir, sent) };

      // The processor is left out: a restart of it loses events (processor_restart_test.ts, ignored).
      await t.step(
        "one throw in each actor",
        () =>
          disturbedReplay(input, "one throw in each actor", async (service) => {
            for (const actor of ["store", "fetcher", "cache", "monitor"]) {
              assert.match(await faultAndRecover(service, actor, "throw"), /fault injection: throw/);
            }
          }),
      );

      await t.step(
        "a CPU loop in the fetcher, the store's and the cache's workers exiting",
        () =>
          disturbedReplay(input, "CPU loop and worker exits", async (service) => {
            assert.match(await faultAndRecover(service, "fetcher", "hang"), /hung/);
            // A worker that cannot read /proc may leave no thread id to watch (deploy/permissions.ts):
            // then its exit is noticed by the heartbeat, as a silence.
            const exited = /exited|hung: no heartbeat/;
            assert.match(await faultAndRecover(service, "store", "exit"), exited);
            assert.match(await faultAndRecover(service, "cache", "exit"), exited);
          }),
      );

      await t.step(
        "a restart storm ends the process with exit 1; the next one resumes",
        () =>
          withCaseStore(async (store) => {
            const service = await startService({ ...store.env, ...FAULTY, FEED: dir });
            let code: number | null;
            try {
              await service.waitForJson<{ snapshots: { stored: number } }>(
                "/api/status",
                "three snapshots stored",
                (s) => s.snapshots.stored >= 3,
              );
              // Every actor throws on every message sent to it, until the root's intensity is spent.
              ({ code } = await storm(service, ["fetcher", "cache", "monitor", "store"], 20_000));
            } finally {
              await service.kill(); // a no-op once it has exited
            }
            assert.equal(code, 1, "the root gave up: exit 1");
            assert.ok(service.logs.some((l) => l.level === "FATAL" && /gave up/.test(l.message)));
            assert.ok(
              (await unsettled(store.url, sent)).length > 0,
              "the storm came before the replay's end",
            );
            await runToEnd(store, { FEED: dir, POLL_INTERVAL_MS: "100" }, sent);
            assertLedger("restart storm, exit 1, resumed", await settle(store.url, sent, input.clean), 1);
          }),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "fault suite: one actor throwing on every message ends the process with exit 1",
  ...requirePostgres,
  // Found by this case: with the root's old spec (10 in 60 s, backoff up to 30 s) a crash loop of one
  // actor was restarted every 30 s for ever; supervision/spec.ts now refuses such a spec.
  fn: () =>
    withCaseStore(async (store) => {
      const { dir, sent } = await simFolder({ count: 4, pilots: 50 });
      try {
        const service = await startService({ ...store.env, ...FAULTY, FEED: dir });
        try {
          await untilSettled(store.url, sent, service);
          const { code, restarts } = await storm(service, ["fetcher"], 75_000);
          assert.equal(code, 1, `the process still ran after 75 s and ${restarts} restarts`);
        } finally {
          await service.kill();
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }),
});
