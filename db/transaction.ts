/**
 * The transaction protocol both drivers share: begin, the caller's work, commit or rollback, on one
 * connection (a reserved PostgreSQL connection, or PGlite's only one while its lock is held).
 */
import type { Queryable } from "./database.ts";
import { DatabaseError } from "./errors.ts";

/** What a statement gave back: its rows and the server's command tag (`SELECT`, `COMMIT`, …). */
export interface Outcome {
  rows: Record<string, unknown>[];
  command: string;
}

/** One connection, one statement at a time; `run` applies the call deadline and wraps errors. */
export interface Session {
  run(text: string, params?: unknown[]): Promise<Outcome>;
}

/** Adapts a session to the public query interface. */
export function queryable(run: Session["run"]): Queryable {
  return {
    query: <T extends Record<string, unknown>>(text: string, params?: unknown[]) =>
      run(text, params).then((outcome) => outcome.rows as T[]),
  };
}

/**
 * Runs `fn` inside begin/commit on `session`. The caller's error wins over a failed rollback. A
 * rollback is sent after any failure, commit included: when the commit's fate is unknown (it timed
 * out), the rollback queued behind it guarantees the connection leaves the transaction either way.
 */
export async function runTransaction<T>(session: Session, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  let open = true;
  let ended = false;
  const tx = queryable((text, params) =>
    open
      ? session.run(text, params)
      : Promise.reject(new DatabaseError("the transaction has already ended", { statement: text }))
  );
  try {
    await session.run("begin");
    const result = await fn(tx);
    const { command } = await session.run("commit");
    ended = true;
    // Postgres answers COMMIT on an aborted transaction with a ROLLBACK tag, not an error: fn must
    // have caught a failed statement and carried on, and nothing it wrote was kept.
    if (command !== "COMMIT") {
      throw new DatabaseError(`the transaction was rolled back (${command}): a statement in it had failed`, {
        statement: "commit",
      });
    }
    return result;
  } catch (error) {
    if (!ended) await session.run("rollback").catch(() => undefined);
    throw error;
  } finally {
    open = false;
  }
}
