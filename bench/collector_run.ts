/**
 * Runs the collector's real supervision tree (fetcher, processor, store, cache, monitor, each in its
 * worker) on a folder of snapshots written beforehand, against a throwaway PostgreSQL database, and
 * reports when each snapshot committed. Commits are seen from outside: a bench-only trigger on
 * `snapshots` sends a NOTIFY, which PostgreSQL delivers only once the store's transaction has committed.
 */
import postgres from "postgres";
import { collectorTree } from "../actors/tree.ts";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { ActorSystem } from "../supervision/system.ts";
import { within } from "./deadline.ts";

/** One committed snapshot: fetch (wall clock, the fetcher's `fetchedAt`) and commit as seen here. */
export interface Commit {
  updateTimestamp: string;
  pilots: number;
  fetchedAt: number;
  committedAt: number;
}

const CHANNEL = "bench_committed";

const NOTIFY_ON_COMMIT = [
  `create function bench_committed() returns trigger language plpgsql as $$
begin
  perform pg_notify('${CHANNEL}', json_build_object(
    'updateTimestamp', new.update_timestamp,
    'pilots', new.pilots,
    'fetchedAt', extract(epoch from new.fetched_at) * 1000)::text);
  return null;
end $$`,
  "create trigger bench_committed after insert on snapshots for each row execute function bench_committed()",
];

/** Migrates the database and adds the commit trigger; the store then finds its migrations applied. */
export async function prepareDatabase(url: string): Promise<void> {
  const db = await openDatabase({ url, dataDir: "unused" });
  try {
    await migrate(db);
    for (const statement of NOTIFY_ON_COMMIT) await db.query(statement);
  } finally {
    await db.close();
  }
}

/**
 * Starts the collector on `feedDir` (the fetcher replays its files in name order, one every
 * `pollIntervalMs`), waits until `expected` snapshots have committed, stops it and returns the commits.
 */
export async function runCollector(options: {
  url: string;
  feedDir: string;
  dataDir: string;
  pollIntervalMs: number;
  expected: number;
  timeoutMs: number;
}): Promise<Commit[]> {
  const commits: Commit[] = [];
  const all = Promise.withResolvers<void>();
  const listener = postgres(options.url, { max: 1, onnotice: () => {} });
  let failure: string | undefined;
  try {
    await listener.listen(CHANNEL, (payload) => {
      const committedAt = Date.now();
      const row = JSON.parse(payload) as Omit<Commit, "committedAt">;
      commits.push({ ...row, committedAt });
      if (commits.length === options.expected) all.resolve();
    });
    const config = loadConfig({
      DATABASE_URL: options.url,
      DATA_DIR: options.dataDir,
      FEED: options.feedDir,
      POLL_INTERVAL_MS: "1000",
    });
    const tree = collectorTree(config);
    // The environment allows 100 ms at the least; the bench sets the fetcher's own interval.
    for (const child of tree.children) {
      if (child.name === "fetcher" && "config" in child) {
        child.config = { ...(child.config as object), pollIntervalMs: options.pollIntervalMs };
      }
    }
    const system = new ActorSystem(tree, {
      log: { level: "error", format: "pretty" },
      onGiveUp: (reason) => {
        failure = reason;
        all.reject(new Error(`the collector gave up: ${reason}`));
      },
    });
    try {
      await system.start();
      await within(all.promise, options.timeoutMs, `${options.expected} commits`);
    } finally {
      await system.stop();
    }
  } finally {
    await listener.end({ timeout: 5 });
  }
  if (failure) throw new Error(`the collector gave up: ${failure}`);
  return commits;
}

/** Position rows and pilots per snapshot: the first (cold) one, and the mean of the rest. */
export async function positionsPerSnapshot(url: string): Promise<{
  cold: { positions: number; pilots: number };
  steady: { positions: number; pilots: number; snapshots: number };
}> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql.unsafe(
      `select s.pilots, coalesce(p.n, 0)::int as positions
       from snapshots s
       left join (select at, count(*) as n from positions group by at) p on p.at = s.update_timestamp
       order by s.update_timestamp`,
    );
    const [cold, ...steady] = rows.map((r) => ({ pilots: Number(r.pilots), positions: Number(r.positions) }));
    const mean = (key: "pilots" | "positions") => steady.reduce((sum, r) => sum + r[key], 0) / steady.length;
    return {
      cold,
      steady: { positions: mean("positions"), pilots: mean("pilots"), snapshots: steady.length },
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
