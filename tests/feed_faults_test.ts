/**
 * The simulator's fault modes end to end: the real service (main.ts) as a child process fetches a
 * simulator running in the test, which is switched to each fault in turn. Each fault must show in health
 * and status as what it is (a timeout, retries and an open breaker, a quarantined body, a stale feed),
 * never as a crash, and once it is switched off snapshots flow again.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../db/database.ts";
import type { StatusReport } from "../routes/deps.ts";
import type { ServiceHealth } from "../routes/services.ts";
import { type FaultMode, startSimulator } from "../sim/server.ts";
import { freshPgliteDir } from "./helpers/pglite.ts";
import { type RunningService, startService } from "./helpers/service.ts";

/** Feed time per simulator tick, and the real time between ticks. */
const CADENCE_MS = 15_000;
const TICK_EVERY_MS = 500;

const status = (service: RunningService, what: string, check: (s: StatusReport) => boolean) =>
  service.waitForJson<StatusReport>("/api/status", what, check, 30_000);
const fetcher = (service: RunningService, what: string, check: (h: ServiceHealth) => boolean) =>
  service.waitForJson<ServiceHealth>("/api/services/fetcher/health", what, check, 30_000);

/** Every actor still on its first incarnation: nothing the feed did counted as a crash. */
async function noRestarts(service: RunningService): Promise<void> {
  const { body } = await service.getJson<{ services: ServiceHealth[] }>("/api/services/health");
  for (const actor of body.services) {
    assert.equal(actor.status, "running", `${actor.name} is ${actor.status}`);
    assert.equal(actor.restarts, 0, `${actor.name} restarted: ${JSON.stringify(actor.lastRestartReasons)}`);
  }
}

/** Switches the fault off and waits until a new snapshot is stored and the breaker is closed. */
async function recovers(service: RunningService, setFault: (mode: FaultMode) => void, after: string) {
  const { body: before } = await service.getJson<StatusReport>("/api/status");
  setFault("none");
  await status(
    service,
    `a snapshot stored after ${after}`,
    (s) => s.snapshots.stored > before.snapshots.stored && s.degraded.length === 0 && !s.feed.stale,
  );
  await fetcher(service, `the feed breaker closed after ${after}`, (h) => h.breaker?.state === "closed");
  await noRestarts(service);
}

const retriesLogged = (service: RunningService, pattern: RegExp) =>
  service.logs.filter((l) => l.logger.includes("fetcher") && /^retrying/.test(l.message))
    .filter((l) => pattern.test(String(l.properties.error)));

Deno.test("each simulator fault shows as what it is, never as a crash, and snapshots flow after it", async () => {
  const sim = startSimulator({
    pilots: 50,
    cadenceMs: CADENCE_MS,
    speed: CADENCE_MS / TICK_EVERY_MS,
    // Past the fetcher's 10 s request timeout.
    slowMs: 15_000,
    retryAfterSeconds: 1,
  });
  const dataDir = await freshPgliteDir();
  try {
    const service = await startService({
      VATSIM_STATUS_URL: sim.statusUrl,
      POLL_INTERVAL_MS: "200",
      DATA_DIR: dataDir,
      FEED_BREAKER_RESET_MS: "1000",
      FEED_STALE_AFTER_MS: "1500",
    });
    try {
      await status(service, "two snapshots stored", (s) => s.snapshots.stored >= 2);
      await noRestarts(service);

      // slow: the request times out (10 s), which is a fetch error and a breaker failure, not a crash.
      sim.setFault("slow");
      await fetcher(service, "a timed-out fetch counted", (h) => (h.breaker?.failures ?? 0) >= 1);
      const timedOut = service.logs.find((l) => l.message.startsWith("fetch failed"));
      assert.match(String(timedOut?.properties.error), /timed out|TimeoutError/i);
      await recovers(service, sim.setFault, "slow");

      // 5xx and 429: retried (429 after its Retry-After), then the breaker opens; it closes by itself.
      for (const [mode, answer] of [["5xx", /502/], ["429", /429/]] as const) {
        sim.setFault(mode);
        const open = await fetcher(
          service,
          `the feed breaker open on ${mode}`,
          (h) => h.breaker?.state === "open",
        );
        assert.equal(open.breaker?.name, "feed");
        assert.match(open.breaker?.lastFailure ?? "", answer);
        const report = await status(
          service,
          `the open breaker in degraded on ${mode}`,
          (s) => s.degraded.includes("fetcher: breaker feed open"),
        );
        assert.equal(report.feed.stale, false);
        const retries = retriesLogged(service, answer);
        assert.ok(retries.length >= 2, `${mode} retried: ${retries.length}`);
        if (mode === "429") {
          assert.ok(retries.every((l) => l.properties.delayMs === 1000), "Retry-After: 1 was honoured");
        }
        await recovers(service, sim.setFault, mode);
      }

      // truncated and malformed: the body is quarantined with its reason; the service carries on.
      for (const mode of ["truncated", "malformed"] as const) {
        const { body: before } = await service.getJson<StatusReport>("/api/status");
        sim.setFault(mode);
        await status(
          service,
          `a ${mode} body quarantined`,
          (s) => s.snapshots.quarantined > before.snapshots.quarantined,
        );
        await recovers(service, sim.setFault, mode);
      }

      // stale: the same snapshot over and over is a run of duplicates, then a stale feed with the reason.
      const { body: before } = await service.getJson<StatusReport>("/api/status");
      sim.setFault("stale");
      const stale = await status(service, "the feed judged stale", (s) => s.feed.stale);
      assert.ok(stale.snapshots.duplicates > before.snapshots.duplicates);
      assert.ok(
        stale.degraded.some((part) => /^feed: stale \(same update_timestamp for \d+ s\)$/.test(part)),
        JSON.stringify(stale.degraded),
      );
      await recovers(service, sim.setFault, "stale");
      // Outside the JSON logs only tooling chatter (e.g. "Download ..."), never an uncaught error.
      assert.deepEqual(service.otherOutput.filter((line) => /error|panic|uncaught/i.test(line)), []);
    } finally {
      assert.equal(await service.stop(), 0);
    }

    // Each quarantined body is kept whole with the parser's reason.
    const db = await openDatabase({ dataDir });
    try {
      const rows = await db.query<{ reason: string; raw_bytes: number; kept: number; truncated: boolean }>(
        "select reason, raw_bytes, length(raw)::int as kept, truncated from quarantine order by id",
      );
      assert.ok(rows.length >= 2, JSON.stringify(rows));
      for (const row of rows) {
        assert.match(row.reason, /^body is not valid JSON/);
        assert.ok(row.raw_bytes > 0);
        assert.equal(row.kept, row.raw_bytes);
        assert.equal(row.truncated, false);
      }
    } finally {
      await db.close();
    }
  } finally {
    await sim.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
