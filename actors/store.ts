/**
 * The store: applies the migrations in `sql/migrations/` at start, then writes each snapshot in one
 * transaction: its `snapshots` row (a redelivered one is a counted duplicate, G2), the changes the
 * processor's diff found (db/network.ts), and the records it rejected. PostgreSQL when a URL is
 * configured, embedded PGlite in `dataDir` otherwise; calls go through a breaker.
 *
 * Every message goes to the spool in `dataDir/spool` (db/spool.ts) before it is written, and leaves it
 * once written: so one the database cannot take (down, or its breaker open) waits there, later ones
 * queue behind it in feed order, and none is lost when the store or the process dies mid-write (the
 * runtime does not redeliver the message an actor crashed on). The spool is drained on each message and
 * on a timer; a file replayed after its write committed is a counted duplicate, not a double. The store
 * starts without its database too, and connects when it can.
 *
 * After snapshots are stored it reads the hot views (db/hot_views.ts), at most once per
 * `hotViewsEveryMs`, and sends them to the cache, which hands them to the front.
 */
import { z } from "zod";
import { type ActorContext, defineActor } from "../runtime/actor.ts";
import { describeError } from "../runtime/errors.ts";
import { type Database, DatabaseError, openDatabase } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { holdsSnapshot, insertQuarantine, insertSnapshot, snapshotTotals } from "../db/snapshots.ts";
import { writeSnapshotChanges } from "../db/network.ts";
import { runDataQuery } from "../db/queries.ts";
import { readDiffSeed } from "../db/diff_seed.ts";
import { dropPositionPartitionsBefore, ensurePositionPartitions } from "../db/position_partitions.ts";
import { deleteEventsBefore } from "../db/event_retention.ts";
import { deleteAnomaliesBefore, insertAnomalies } from "../db/anomalies.ts";
import { type DroppedEntry, Spool, type SpoolEntry } from "../db/spool.ts";
import { type CircuitBreaker, CircuitOpenError } from "../supervision/circuit_breaker.ts";
import { readHotViews } from "../db/hot_views.ts";
import { CacheProtocol, SERVICES, StoreProtocol } from "./protocol.ts";
import { decodeSpooled, encodeSpooled, spooledLabel, type SpooledMessage } from "./spooled_message.ts";

const ConfigSchema = z.object({
  databaseUrl: z.string().nullable().default(null),
  dataDir: z.string().min(1),
  queryTimeoutMs: z.number().int().positive().default(10_000),
  /** Position partitions older than this many days (on the feed's clock) are dropped; null keeps all. */
  positionRetentionDays: z.number().int().positive().nullable().default(null),
  /** Events older than this many days (on the feed's clock) are deleted once a day; null keeps all. */
  eventRetentionDays: z.number().int().positive().nullable().default(null),
  spoolMaxBytes: z.number().int().positive().default(512 * 1024 * 1024),
  spoolMaxFiles: z.number().int().positive().default(10_000),
  /** How often a non-empty spool is retried; never sooner than the breaker's next trial. */
  spoolRetryMs: z.number().int().positive().default(5_000),
  /** The database breaker's first reset timeout: how soon after opening one trial write is let through. */
  breakerResetMs: z.number().int().positive().default(5_000),
  /**
   * The hot views are read again at most this often while snapshots are being stored, so a fast replay
   * does not pay for them after every snapshot.
   */
  hotViewsEveryMs: z.number().int().nonnegative().default(1_000),
});

const DAY_MS = 86_400_000;
/** A spooled message whose writes crashed the store this often is a poison: it is dropped, logged. */
const MAX_INTERRUPTED_ATTEMPTS = 3;

interface State {
  /** Null until the database has been opened and migrated. */
  db: Database | null;
  breaker: CircuitBreaker;
  spool: Spool;
  /** When the `store.drain` on its way is due (performance.now() ms), or null when none is. */
  drainDueAt: number | null;
  /** The UTC day (epoch ms / DAY_MS) whose position partitions were last made sure of. */
  partitionDay: number | null;
  /** Whether a `store.publish` is on its way, and when the hot views were last read (performance.now()). */
  publishPending: boolean;
  publishedAt: number;
  /** A snapshot was stored after the hot views were last read. */
  storedSincePublish: boolean;
  /** Why the database last refused a write for good (set when `write` answers "rejected"). */
  refusal: string;
}

type Context = ActorContext<typeof StoreProtocol, z.output<typeof ConfigSchema>>;

/** How a write ended: written (or found written), worth retrying later, or refused for good. */
type Outcome = "written" | "retry" | "rejected";

export default defineActor({
  protocol: StoreProtocol,
  config: ConfigSchema,
  async start(ctx): Promise<State> {
    const { config } = ctx;
    const spool = await Spool.open({
      dir: `${config.dataDir}/spool`,
      maxBytes: config.spoolMaxBytes,
      maxFiles: config.spoolMaxFiles,
    });
    const state: State = {
      db: null,
      breaker: ctx.breaker("database", {
        callTimeoutMs: 2 * config.queryTimeoutMs,
        resetTimeoutMs: config.breakerResetMs,
        maxResetTimeoutMs: Math.max(config.breakerResetMs, 60_000),
      }),
      spool,
      drainDueAt: null,
      partitionDay: null,
      publishPending: false,
      publishedAt: -Infinity,
      storedSincePublish: false,
      refusal: "",
    };
    reportSpool(state, ctx);
    await connect(state, ctx);
    if (spool.files > 0) {
      ctx.log.warn("{files} spooled messages ({bytes} bytes) found; writing them first", {
        files: spool.files,
        bytes: spool.bytes,
      });
      scheduleDrain(state, ctx, 0);
    }
    return state;
  },
  async handle(state, message, ctx) {
    switch (message.kind) {
      case "store.snapshot":
      case "store.quarantine": {
        const spooled = { kind: message.kind, body: message.body } as SpooledMessage;
        if (canPassThrough(state)) await passThrough(state, ctx, spooled);
        else await spoolThenDrain(state, ctx, spooled);
        return state;
      }
      case "store.drain": {
        state.drainDueAt = null;
        await drain(state, ctx);
        return state;
      }
      case "store.publish": {
        state.publishPending = false;
        if (state.storedSincePublish) await publishHotViews(state, ctx);
        return state;
      }
      case "store.query": {
        const { db } = state;
        try {
          if (db === null) throw new Error("the database is not connected yet");
          // A read the database refused for its values says nothing of the database's health.
          const value = await state.breaker.call(() => runDataQuery(db, message.body), {
            isFailure: (error) => !refusedForGood(error),
          });
          message.reply({ ok: true, value });
        } catch (error) {
          ctx.metrics.count("store_query_failures_total", 1, { query: message.body.name });
          ctx.log.warn("read {query} failed: {error}", {
            query: message.body.name,
            error: describeError(error),
          });
          message.reply({ ok: false, error: withoutStatement(error) });
        }
        return state;
      }
      case "store.diffSeed": {
        try {
          const db = caughtUp(state);
          message.reply({ ok: true, seed: await state.breaker.call(() => readDiffSeed(db)) });
        } catch (error) {
          message.reply({ ok: false, error: describeError(error) });
        }
        return state;
      }
      case "store.holds": {
        try {
          const db = caughtUp(state);
          const { updateTimestamp } = message.body;
          message.reply({
            ok: true,
            stored: await state.breaker.call(() => holdsSnapshot(db, updateTimestamp)),
          });
        } catch (error) {
          message.reply({ ok: false, error: describeError(error) });
        }
        return state;
      }
      case "store.ping": {
        const { db } = state;
        if (db === null) throw new Error("the database is not connected yet");
        const totals = await state.breaker.call(() => snapshotTotals(db));
        message.reply({ kind: db.kind, latest: totals.latest });
        return state;
      }
    }
  },
  async stop(state) {
    await state.db?.close();
  },
});

/**
 * The database, for an answer about what is stored (the processor's diff seed, whether it holds a
 * snapshot): only once it is connected and nothing waits in the spool, which would still change it.
 */
function caughtUp(state: State): Database {
  if (state.db === null) throw new Error("the database is not connected yet");
  if (state.spool.files > 0) throw new Error(`${state.spool.files} messages wait in the spool`);
  return state.db;
}

/** Nothing waits in the spool and the database takes writes: a fresh message may go straight to it. */
function canPassThrough(state: State): boolean {
  return state.db !== null && state.spool.files === 0 && state.breaker.snapshot().state !== "open";
}

/**
 * The common case: the message's spool copy is written (not flushed: that waits for a reason) before the
 * database write starts, so a crash during the write (npm:postgres can throw out of its socket when the
 * server goes away) finds the copy at restart, where it is replayed with the poison check. The copy is
 * removed once the write has ended, or flushed and kept when the write must be retried, to be drained
 * in order like any spooled one.
 */
async function passThrough(state: State, ctx: Context, message: SpooledMessage): Promise<void> {
  const { entry, dropped } = await state.spool.append(encodeSpooled(message), spooledLabel(message), {
    sync: false,
  });
  let outcome: Outcome | "dropped" = await writeMessage(state, ctx, message);
  if (outcome === "rejected") {
    outcome = await quarantineWhole(state, ctx, message, `the database refused it: ${state.refusal}`);
  }
  // With no entry, `dropped` is this message alone, too large for the spool: that matters only if it
  // had to wait.
  if (entry !== null || outcome === "retry") { for (const gone of dropped) droppedFromSpool(ctx, gone); }
  if (outcome === "retry") {
    if (entry !== null) {
      await state.spool.sync(entry);
      ctx.metrics.count("spool_spooled_total");
    }
  } else if (entry !== null) {
    await state.spool.remove(entry);
  }
  reportSpool(state, ctx);
  if (state.spool.files > 0) scheduleDrain(state, ctx);
}

/** Behind spooled messages, or while the database cannot take writes: the message queues on disk. */
async function spoolThenDrain(state: State, ctx: Context, message: SpooledMessage): Promise<void> {
  // Not flushed to disk yet: most messages leave the spool within milliseconds.
  const { entry, dropped } = await state.spool.append(encodeSpooled(message), spooledLabel(message), {
    sync: false,
  });
  for (const gone of dropped) droppedFromSpool(ctx, gone);
  await drain(state, ctx, entry === null ? null : { entry, message });
  // Only what could not be written now counts as spooled; the rest passed through.
  if (entry !== null && state.spool.has(entry)) {
    await state.spool.sync(entry);
    ctx.metrics.count("spool_spooled_total");
  }
}

/** Writes one message; counts what happened. */
async function writeMessage(state: State, ctx: Context, message: SpooledMessage): Promise<Outcome> {
  if (message.kind === "store.quarantine") return await writeQuarantine(state, ctx, message.body);
  return await writeSnapshot(state, ctx, message.body);
}

async function writeSnapshot(
  state: State,
  ctx: Context,
  body: Extract<SpooledMessage, { kind: "store.snapshot" }>["body"],
): Promise<Outcome> {
  const { fetch, summary, rejected, anomalies, changes } = body;
  await dailyUpkeep(state, ctx, summary.updateTimestamp);
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
        await insertAnomalies(tx, summary.updateTimestamp, anomalies);
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
    ctx.metrics.observe("database_write_seconds", (performance.now() - startedAt) / 1000);
    await afterStored(state, ctx);
    ctx.log.info("stored snapshot {timestamp}: {pilots} pilots, {controllers} controllers", {
      timestamp: summary.updateTimestamp,
      pilots: summary.pilots,
      controllers: summary.controllers,
    });
    return "written";
  }
  if (outcome === "duplicate") {
    ctx.metrics.count("snapshots_duplicate_total", 1, { stage: "store" });
    return "written";
  }
  return outcome;
}

async function writeQuarantine(
  state: State,
  ctx: Context,
  body: Extract<SpooledMessage, { kind: "store.quarantine" }>["body"],
): Promise<Outcome> {
  const { fetch, reason, raw, updateTimestamp } = body;
  const outcome = await write(state, ctx, `quarantine of ${fetch.source}`, (db) =>
    insertQuarantine(db, {
      source: fetch.source,
      scope: "snapshot",
      section: null,
      reason,
      raw: new Uint8Array(raw),
      updateTimestamp,
    }));
  if (outcome === "retry" || outcome === "rejected") return outcome;
  ctx.metrics.count("snapshots_quarantined_total");
  return "written";
}

/**
 * Writes spooled messages oldest first until the spool is empty or a write fails. While the breaker is
 * open nothing is tried: the next timer comes after its reset timeout.
 */
async function drain(
  state: State,
  ctx: Context,
  fresh: { entry: SpoolEntry; message: SpooledMessage } | null = null,
): Promise<void> {
  const { spool } = state;
  let replayed = 0;
  for (let entry = spool.oldest(); entry !== undefined; entry = spool.oldest()) {
    if (state.breaker.snapshot().state === "open") break;
    let decoded: ReturnType<typeof decodeSpooled>;
    if (entry.name === fresh?.entry.name) {
      // Just appended from a validated message: no need to read it back.
      decoded = { ok: true, message: fresh.message };
    } else {
      try {
        decoded = decodeSpooled(await spool.read(entry));
      } catch (error) {
        decoded = { ok: false, reason: `unreadable: ${describeError(error)}` };
      }
    }
    if (!decoded.ok) {
      await spool.remove(entry);
      droppedFromSpool(ctx, { ...entry, reason: decoded.reason });
      continue;
    }
    const interrupted = await spool.beginAttempt(entry);
    if (interrupted >= MAX_INTERRUPTED_ATTEMPTS) {
      await spool.endAttempt();
      const reason = `writing it crashed the store ${interrupted} times`;
      if (await quarantineWhole(state, ctx, decoded.message, reason) === "retry") break;
      await spool.remove(entry);
      continue;
    }
    const outcome = await writeMessage(state, ctx, decoded.message);
    await spool.endAttempt();
    if (outcome === "retry") break;
    if (outcome === "rejected") {
      const reason = `the database refused it: ${state.refusal}`;
      if (await quarantineWhole(state, ctx, decoded.message, reason) === "retry") break;
      await spool.remove(entry);
    } else {
      await spool.remove(entry);
    }
    if (outcome === "written" && entry.name !== fresh?.entry.name) {
      // Only messages that waited count as replayed; the fresh one passed straight through.
      replayed++;
      ctx.metrics.count("spool_replayed_total");
    }
  }
  if (replayed > 0) {
    ctx.log.info("wrote {replayed} spooled messages; {left} left", { replayed, left: spool.files });
  }
  reportSpool(state, ctx);
  if (spool.files > 0) scheduleDrain(state, ctx);
}

/**
 * One drain timer at a time, never due before the breaker lets a trial through. A timer long overdue
 * counts as lost (its message dropped by a full mailbox), so a spool is never left without one.
 */
function scheduleDrain(state: State, ctx: Context, delayMs = ctx.config.spoolRetryMs): void {
  const now = performance.now();
  if (state.drainDueAt !== null && now < state.drainDueAt + ctx.config.spoolRetryMs) return;
  const due = Math.max(delayMs, state.breaker.snapshot().nextTrialInMs ?? 0);
  state.drainDueAt = now + due;
  ctx.schedule(due, "store.drain", {});
}

/**
 * The hot views are read at most once per `hotViewsEveryMs`. When they are due they are read right after
 * the commit, when the next snapshot is as far away as it gets, so the read does not hold one up; when
 * not yet due, one `store.publish` is scheduled for then, for the last snapshot of a burst.
 */
async function afterStored(state: State, ctx: Context): Promise<void> {
  state.storedSincePublish = true;
  const wait = state.publishedAt + ctx.config.hotViewsEveryMs - performance.now();
  if (wait <= 0) return await publishHotViews(state, ctx);
  if (state.publishPending) return;
  state.publishPending = true;
  ctx.schedule(wait, "store.publish", {});
}

/** Reads the hot views as of the newest stored snapshot and moves them to the cache. */
async function publishHotViews(state: State, ctx: Context): Promise<void> {
  const { db } = state;
  if (db === null) return;
  state.publishedAt = performance.now();
  state.storedSincePublish = false;
  try {
    const views = await state.breaker.call(() => readHotViews(db));
    ctx.ref(SERVICES.cache, CacheProtocol).tell("cache.views", { views }, { transfer: Object.values(views) });
    ctx.metrics.observe("hot_views_read_seconds", (performance.now() - state.publishedAt) / 1000);
  } catch (error) {
    // The front falls back to reading the database itself; the next stored snapshot tries again.
    ctx.metrics.count("hot_views_failures_total");
    ctx.log.warn("reading the hot views failed: {error}", { error: describeError(error) });
  }
}

function reportSpool(state: State, ctx: Context): void {
  ctx.metrics.gauge("spool_files", state.spool.files);
  ctx.metrics.gauge("spool_bytes", state.spool.bytes);
}

/**
 * A snapshot the database will never take goes to the quarantine whole, as the message the store was
 * sent (JSON, capped like any quarantined body), with the reason: kept for a person to look at rather
 * than lost (G3). Only when the quarantine refuses it too is it dropped, counted and logged. "retry"
 * when the database cannot be reached just now: the message stays in the spool.
 */
async function quarantineWhole(
  state: State,
  ctx: Context,
  message: SpooledMessage,
  reason: string,
): Promise<"written" | "retry" | "dropped"> {
  const label = spooledLabel(message);
  const raw = encodeSpooled(message);
  if (message.kind === "store.snapshot") {
    const { fetch, summary } = message.body;
    const outcome = await write(state, ctx, `quarantine of snapshot ${label}`, (db) =>
      insertQuarantine(db, {
        source: fetch.source,
        scope: "snapshot",
        section: null,
        reason: `snapshot not stored, ${reason}`,
        raw,
        updateTimestamp: summary.updateTimestamp,
      }));
    if (outcome === "retry") return "retry";
    if (outcome !== "rejected") {
      ctx.metrics.count("snapshots_quarantined_total");
      ctx.log.error("snapshot {label} quarantined whole: {reason}", { label, reason });
      return "written";
    }
    reason = `${reason}; its quarantine too: ${state.refusal}`;
  }
  droppedFromSpool(ctx, { name: label, bytes: raw.byteLength, reason });
  return "dropped";
}

function droppedFromSpool(ctx: Context, entry: DroppedEntry): void {
  ctx.metrics.count("spool_dropped_total");
  ctx.log.error("spooled message {name} ({bytes} bytes) dropped: {reason}", { ...entry });
}

/**
 * Once per feed day: creates the position partitions of that day and the next ahead of the writes, and
 * applies the retentions. A failure only costs placement (rows wait in the default partition and move
 * when the partition is made) or time, so it is logged and retried the next snapshot, never fatal.
 */
async function dailyUpkeep(state: State, ctx: Context, updateTimestamp: string): Promise<void> {
  const day = Math.floor(Date.parse(updateTimestamp) / DAY_MS);
  if (state.partitionDay === day) return;
  const { positionRetentionDays, eventRetentionDays } = ctx.config;
  const outcome = await write(state, ctx, `daily upkeep for ${updateTimestamp}`, async (db) => {
    const created = await ensurePositionPartitions(db, new Date(day * DAY_MS), new Date((day + 2) * DAY_MS));
    const dropped = positionRetentionDays === null
      ? []
      : await dropPositionPartitionsBefore(db, new Date((day - positionRetentionDays) * DAY_MS));
    if (created.length + dropped.length > 0) {
      ctx.log.info("position partitions created: {created}; dropped: {dropped}", { created, dropped });
    }
    ctx.metrics.count("position_partitions_dropped_total", dropped.length);
    if (eventRetentionDays !== null) {
      const cutoff = new Date((day - eventRetentionDays) * DAY_MS);
      const deleted = await deleteEventsBefore(db, cutoff) + await deleteAnomaliesBefore(db, cutoff);
      ctx.metrics.count("events_expired_total", deleted);
      if (deleted > 0) ctx.log.info("{deleted} events past retention deleted", { deleted });
    }
    ctx.metrics.gauge("retention_last_run_timestamp_seconds", Math.floor(Date.now() / 1000));
  });
  if (outcome !== "retry" && outcome !== "rejected") state.partitionDay = day;
}

/**
 * Runs a write through the breaker. A failed write is not a crash (restarting the store would not bring
 * the database back): it is counted and reported as worth a retry, unless the database refused the
 * data itself (a data, constraint or statement error), which no retry would change.
 */
async function write<T>(
  state: State,
  ctx: Context,
  what: string,
  fn: (db: Database) => Promise<T>,
): Promise<T | "retry" | "rejected"> {
  const db = state.db ?? await connect(state, ctx);
  if (db === null) return "retry";
  try {
    return await state.breaker.call(() => fn(db));
  } catch (error) {
    if (error instanceof CircuitOpenError) {
      ctx.log.debug("{what} not written: {error}", { what, error: describeError(error) });
      return "retry";
    }
    ctx.metrics.count("store_write_failures_total");
    ctx.log.error("{what} not written: {error}", { what, error: describeError(error) });
    if (!refusedForGood(error)) return "retry";
    state.refusal = describeError(error);
    return "rejected";
  }
}

/** The reply to a failed read goes out to HTTP clients: the reason, without the statement (that is logged). */
function withoutStatement(error: unknown): string {
  return error instanceof DatabaseError ? `${error.name}: ${error.reason}` : describeError(error);
}

/** SQLSTATE classes 22 (data), 23 (integrity) and 42 (syntax, undefined objects): the same call fails again. */
function refusedForGood(error: unknown): boolean {
  return error instanceof DatabaseError && !error.timedOut && /^(22|23|42)/.test(error.code ?? "");
}

/**
 * Opens and migrates the database, guarded by the breaker but without its call timeout: a first PGlite
 * start may take longer, and the PostgreSQL driver has its own connect timeout. Null (logged) while
 * that fails.
 */
async function connect(state: State, ctx: Context): Promise<Database | null> {
  const { config } = ctx;
  try {
    state.breaker.guard();
  } catch (error) {
    ctx.log.debug("database not connected: {error}", { error: describeError(error) });
    return null;
  }
  let db: Database | undefined;
  try {
    db = await openDatabase({
      url: config.databaseUrl ?? undefined,
      dataDir: config.dataDir,
      queryTimeoutMs: config.queryTimeoutMs,
    });
    const migrations = await migrate(db);
    ctx.log.info("{kind} database ready; migrations applied now: {applied}", {
      kind: db.kind,
      applied: migrations.applied.length,
    });
    state.breaker.succeed();
    state.db = db;
  } catch (error) {
    await db?.close().catch(() => {});
    state.breaker.fail(error);
    ctx.log.warn("database not available; snapshots wait in the spool: {error}", {
      error: describeError(error),
    });
  }
  return state.db;
}
