/**
 * Running the real service for a fault case: a throwaway PostgreSQL database and DATA_DIR per case, a
 * wait until every sent snapshot is stored or quarantined, and the undisturbed run it is compared with.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { withTempDatabase } from "../helpers/postgres.ts";
import { networkCounts, spoolFiles, type TableCounts } from "../helpers/replay_check.ts";
import { type RunningService, startService } from "../helpers/service.ts";
import { type SentSnapshot, settle } from "./ledger.ts";

export const CONTROL_TOKEN = "fault-suite-control-token";

/** Where one case keeps its data: a new PostgreSQL database and DATA_DIR, both removed afterwards. */
export interface CaseStore {
  url: string;
  dataDir: string;
  /** The environment every start of the service in this case shares. */
  env: Record<string, string>;
}

export async function withCaseStore<T>(fn: (store: CaseStore) => Promise<T>): Promise<T> {
  return await withTempDatabase(async (url) => {
    const dataDir = await Deno.makeTempDir({ prefix: "fault_case_" });
    try {
      return await fn({ url, dataDir, env: { DATA_DIR: dataDir, DATABASE_URL: url } });
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  });
}

/** The sent snapshots that the database has neither stored nor quarantined yet. */
export async function unsettled(url: string, sent: readonly SentSnapshot[]): Promise<string[]> {
  try {
    return (await settle(url, sent)).missing;
  } catch (error) {
    // Before the service's first start has migrated the database, nothing is in.
    if (/relation "\w+" does not exist/.test(String(error))) return sent.map((s) => s.label);
    throw error;
  }
}

/** How many snapshots the database holds (0 before the service's first start has migrated it). */
export async function committedCount(sql: postgres.Sql): Promise<number> {
  try {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from snapshots`;
    return n;
  } catch {
    return 0;
  }
}

/** Polls `committedCount` until it grows past `before`, for at most `timeoutMs`. */
export async function untilCommitted(sql: postgres.Sql, before: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await committedCount(sql)) <= before && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Polls the database until every sent snapshot is stored or quarantined. Fails with the missing ones
 * after `timeoutMs`, or at once if the service ends meanwhile.
 */
export async function untilSettled(
  url: string,
  sent: readonly SentSnapshot[],
  service: RunningService,
  timeoutMs = 60_000,
): Promise<void> {
  let exitCode: number | null = null;
  void service.exited.then((code) => exitCode = code);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const missing = await unsettled(url, sent);
    if (missing.length === 0) return;
    if (exitCode !== null) {
      throw new Error(`the service exited (${exitCode}); missing: ${missing.join("; ")}`);
    }
    if (Date.now() > until) throw new Error(`timed out; still missing: ${missing.join("; ")}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs the service on `env` until `sent` is settled, then stops it: exit 0 and an empty spool. */
export async function runToEnd(
  store: CaseStore,
  env: Record<string, string>,
  sent: readonly SentSnapshot[],
): Promise<void> {
  const service = await startService({ ...store.env, ...env });
  try {
    await untilSettled(store.url, sent, service);
  } finally {
    assert.equal(await service.stop(), 0, "a SIGTERM after the run ends the service with exit 0");
  }
  assert.deepEqual(spoolFiles(store.dataDir), [], "nothing is left in the spool");
}

/** The network tables' row counts after an undisturbed replay of the folder `feed`. */
export async function cleanRun(feed: string, sent: readonly SentSnapshot[]): Promise<TableCounts> {
  return await withCaseStore(async (store) => {
    await runToEnd(store, { FEED: feed, POLL_INTERVAL_MS: "100" }, sent);
    return await networkCounts(store.url);
  });
}

/** A case's seed for its random choices: FAULT_SEED when set, to replay a failure; printed either way. */
export function caseSeed(name: string): number {
  const seed = Number(Deno.env.get("FAULT_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`${name} seed ${seed} (FAULT_SEED=${seed} replays it)`);
  return seed;
}

/** POSTs a control route with the control token; returns the status. */
export async function control(service: RunningService, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${service.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${CONTROL_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.body?.cancel();
  return response.status;
}
