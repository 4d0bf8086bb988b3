/**
 * The store: applies the migrations in `sql/migrations/` at start, then writes each snapshot in one
 * transaction: its `snapshots` row (a redelivered one is a counted duplicate, G2), the changes the
 * processor's diff found (db/network.ts), and the records it rejected. PostgreSQL when a URL is
 * configured, embedded PGlite in `dataDir` otherwise; calls go through a breaker.
 */
import { z } from "zod";
import { type ActorContext, defineActor } from "../runtime/actor.ts";
import { describeError } from "../runtime/errors.ts";
import { type Database, openDatabase } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { insertQuarantine, insertSnapshot, snapshotTotals } from "../db/snapshots.ts";
import { writeSnapshotChanges } from "../db/network.ts";
import { runDataQuery } from "../db/queries.ts";
import { dropPositionPartitionsBefore, ensurePositionPartitions } from "../db/position_partitions.ts";
import type { CircuitBreaker } from "../supervision/circuit_breaker.ts";
import { StoreProtocol } from "./protocol.ts";

const ConfigSchema = z.object({
  databaseUrl: z.string().nullable().default(null),
  dataDir: z.string().min(1),
  queryTimeoutMs: z.number().int().positive().default(10_000),
  /** Position partitions older than this many days (on the feed's clock) are dropped; null keeps all. */
  positionRetentionDays: z.number().int().positive().nullable().default(null),
});

const DAY_MS = 86_400_000;

interface State {
  db: Database;
  breaker: CircuitBreaker;
  /** The UTC day (epoch ms / DAY_MS) whose position partitions were last made sure of. */
  partitionDay: number | null;
}

type Context = ActorContext<typeof StoreProtocol, z.output<typeof ConfigSchema>>;

export default defineActor({
  protocol: StoreProtocol,
  config: ConfigSchema,
  async start(ctx): Promise<State> {
    const { config } = ctx;
    const db = await openDatabase({
      url: config.databaseUrl ?? undefined,
      dataDir: config.dataDir,
      queryTimeoutMs: config.queryTimeoutMs,
    });
    try {
      const migrations = await migrate(db);
      ctx.log.info("{kind} database ready; migrations applied now: {applied}", {
        kind: db.kind,
        applied: migrations.applied.length,
      });
    } catch (error) {
      await db.close();
      throw error;
    }
    return {
      db,
      breaker: ctx.breaker("database", { callTimeoutMs: 2 * config.queryTimeoutMs }),
      partitionDay: null,
    };
  },
  async handle(state, message, ctx) {
    switch (message.kind) {
      case "store.snapshot": {
        const { fetch, summary, rejected, changes } = message.body;
        const partitionDay = await preparePositions(state, ctx, summary.updateTimestamp);
        const startedAt = performance.now();
        const outcome = await write(
          state,
          ctx,
          `snapshot ${summary.updateTimestamp}`,
          (db) =>
            db.transaction(async (tx) => {
              const outcome = await insertSnapshot(tx, {
                ...summary,
                fetchedAt: new Date(fetch.fetchedAt),
                source: fetch.source,
                bytes: fetch.bytes,
                fetchMs: fetch.fetchMs,
              });
              if (outcome === "duplicate") return outcome;
              await writeSnapshotChanges(tx, changes);
              for (const record of rejected) {
                await insertQuarantine(tx, {
                  source: fetch.source,
                  scope: "record",
                  section: record.section,
                  reason: record.reason,
                  raw: new TextEncoder().encode(record.raw),
                  updateTimestamp: summary.updateTimestamp,
                });
              }
              return outcome;
            }),
        );
        if (outcome === "stored") {
          ctx.metrics.count("snapshots_stored_total");
          ctx.metrics.count("snapshot_write_ms_total", performance.now() - startedAt);
          ctx.log.info("stored snapshot {timestamp}: {pilots} pilots, {controllers} controllers", {
            timestamp: summary.updateTimestamp,
            pilots: summary.pilots,
            controllers: summary.controllers,
          });
        } else if (outcome === "duplicate") {
          ctx.metrics.count("snapshots_duplicate_total", 1, { stage: "store" });
        }
        return { ...state, partitionDay };
      }
      case "store.quarantine": {
        const { fetch, reason, raw, updateTimestamp } = message.body;
        const outcome = await write(
          state,
          ctx,
          `quarantine of ${fetch.source}`,
          (db) =>
            insertQuarantine(db, {
              source: fetch.source,
              scope: "snapshot",
              section: null,
              reason,
              raw: new Uint8Array(raw),
              updateTimestamp,
            }),
        );
        if (outcome !== "failed") ctx.metrics.count("snapshots_quarantined_total");
        return state;
      }
      case "store.query": {
        try {
          message.reply({
            ok: true,
            value: await state.breaker.call(() => runDataQuery(state.db, message.body)),
          });
        } catch (error) {
          ctx.metrics.count("store_query_failures_total", 1, { query: message.body.name });
          message.reply({ ok: false, error: describeError(error) });
        }
        return state;
      }
      case "store.ping": {
        const totals = await state.breaker.call(() => snapshotTotals(state.db));
        message.reply({ kind: state.db.kind, latest: totals.latest });
        return state;
      }
    }
  },
  async stop(state) {
    await state.db.close();
  },
});

/**
 * Once per feed day: creates the position partitions of that day and the next ahead of the writes, and
 * applies the retention. A failure only costs placement (rows wait in the default partition and move
 * when the partition is made), so it is logged and retried the next snapshot, never fatal.
 */
async function preparePositions(state: State, ctx: Context, updateTimestamp: string): Promise<number | null> {
  const atMs = Date.parse(updateTimestamp);
  const day = Math.floor(atMs / DAY_MS);
  if (state.partitionDay === day) return day;
  const retentionDays = ctx.config.positionRetentionDays;
  const outcome = await write(state, ctx, `position partitions for ${updateTimestamp}`, async (db) => {
    const created = await ensurePositionPartitions(db, new Date(day * DAY_MS), new Date((day + 2) * DAY_MS));
    const dropped = retentionDays === null
      ? []
      : await dropPositionPartitionsBefore(db, new Date((day - retentionDays) * DAY_MS));
    if (created.length + dropped.length > 0) {
      ctx.log.info("position partitions created: {created}; dropped: {dropped}", { created, dropped });
    }
  });
  return outcome === "failed" ? state.partitionDay : day;
}

/**
 * Runs a write through the breaker. A failed write is logged and counted, not a crash: restarting the
 * store would not bring the database back. (Spooling such snapshots to disk is the next step.)
 */
async function write<T>(
  state: State,
  ctx: Context,
  what: string,
  fn: (db: Database) => Promise<T>,
): Promise<T | "failed"> {
  try {
    return await state.breaker.call(() => fn(state.db));
  } catch (error) {
    ctx.metrics.count("store_write_failures_total");
    ctx.log.error("{what} not written: {error}", { what, error: describeError(error) });
    return "failed";
  }
}
