/**
 * Embedded PGlite: PostgreSQL in WebAssembly on this thread, with a single session. Every call and
 * transaction queues behind one lock, so a transaction never sees another caller's statements.
 */
import { PGlite } from "@electric-sql/pglite";
import type { Database, DriverSettings } from "./database.ts";
import { acquireWithin, withDeadline } from "./deadline.ts";
import { DatabaseError, deadlineError, fromDriverError, refuseUndefined } from "./errors.ts";
import { type Outcome, runTransaction } from "./transaction.ts";

/** A first-in first-out lock; `acquire` resolves with the function that releases it. */
class Lock {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release = () => {};
    const held = new Promise<void>((resolve) => release = resolve);
    const ready = this.#tail.then(() => release);
    this.#tail = held;
    return ready;
  }
}

/**
 * Opens (initialising on first use) the data folder `${dataDir}/pglite`.
 *
 * The deadline bounds waiting for the lock. A statement already running cannot be interrupted: the
 * engine runs synchronously on this thread and its statement_timeout timer never gets to fire.
 */
export async function openPglite(settings: DriverSettings): Promise<Database> {
  const dir = `${settings.dataDir}/pglite`;
  const claim = await claimFolder(settings.dataDir, dir);
  let engine: PGlite;
  try {
    await Deno.mkdir(dir, { recursive: true });
    engine = await PGlite.create({ dataDir: dir });
  } catch (error) {
    claim.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(`cannot open PGlite in ${dir}: ${reason}`, { cause: error });
  }
  const lock = new Lock();
  const ms = settings.queryTimeoutMs;
  let closing: Promise<void> | undefined;
  const hold = (statement: string) =>
    acquireWithin(lock.acquire(), (release) => release(), ms, () => deadlineError(statement, ms));

  const execute = async (text: string, params?: unknown[]): Promise<Outcome> => {
    refuseUndefined(text, params);
    try {
      const result = await engine.query<Record<string, unknown>>(text, params);
      return { rows: result.rows, command: result.command ?? "" };
    } catch (error) {
      throw fromDriverError(error, text);
    }
  };

  return {
    kind: "pglite",
    query<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
      let abandoned = false;
      const work = lock.acquire().then(async (release) => {
        try {
          if (abandoned) throw deadlineError(text, ms);
          return (await execute(text, params)).rows as T[];
        } finally {
          release();
        }
      });
      return withDeadline(work, ms, () => {
        abandoned = true;
        return deadlineError(text, ms);
      });
    },
    async transaction(fn) {
      const release = await hold("begin");
      let last: Promise<unknown> = Promise.resolve();
      const session = {
        run(text: string, params?: unknown[]) {
          const outcome = execute(text, params);
          last = outcome.then(() => undefined, () => undefined);
          return withDeadline(outcome, ms, () => deadlineError(text, ms));
        },
      };
      try {
        return await runTransaction(session, fn);
      } finally {
        // Others may use the engine only once the final commit or rollback has really run.
        void last.then(release);
      }
    },
    close() {
      closing ??= (async () => {
        // Let the call in progress finish, but do not let a stuck one keep the engine open forever.
        const release = await hold("close").catch(() => undefined);
        try {
          await engine.close();
        } finally {
          claim.close();
          release?.();
        }
      })();
      return closing;
    },
  };
}

/**
 * Takes an exclusive lock file beside the data folder. PGlite itself lets a second engine open a
 * folder that is in use, and two engines writing one folder corrupt it: a store restarted while its
 * old worker is still stuck (a zombie) would do just that. The lock is released when the file is
 * closed, or by the OS when the process ends.
 */
async function claimFolder(dataDir: string, dir: string): Promise<Deno.FsFile> {
  let file: Deno.FsFile;
  try {
    await Deno.mkdir(dataDir, { recursive: true });
    file = await Deno.open(`${dataDir}/pglite.lock`, { read: true, write: true, create: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(`cannot open PGlite in ${dir}: ${reason}`, { cause: error });
  }
  if (await file.tryLock(true)) return file;
  file.close();
  throw new DatabaseError(`cannot open PGlite in ${dir}: it is already open, in this process or another`);
}
