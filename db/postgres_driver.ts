/**
 * PostgreSQL through npm `postgres`: a small pool whose every call is bounded twice, by the server's
 * statement_timeout and by a client-side deadline for when the server or the network stops answering.
 */
import postgres from "postgres";
import type { Database, DriverSettings } from "./database.ts";
import { acquireWithin, withDeadline } from "./deadline.ts";
import { DatabaseError, deadlineError, fromDriverError, refuseUndefined } from "./errors.ts";
import { postgresTypes } from "./postgres_types.ts";
import { type Outcome, queryable, runTransaction } from "./transaction.ts";

const POOL_SIZE = 4;
/** The client waits this much longer than statement_timeout: the server's own timeout error says more. */
const DEADLINE_GRACE_MS = 500;
/** A session left idle inside a transaction (a hung caller) is ended by the server after this. */
const IDLE_IN_TRANSACTION_MS = 60_000;
/** Passwords shorter than this are not searched for in messages: redacting "a" would garble them. */
const MIN_REDACTED_LENGTH = 4;

type Params = postgres.ParameterOrJSON<never>[];

/** Opens the pool and runs `select 1`, so a wrong URL fails here with a message naming the target. */
export async function openPostgres(url: string, settings: DriverSettings): Promise<Database> {
  const { target, redact } = inspectUrl(url);
  // The URL goes first so its host, port, user, password and database win over PG* variables; the
  // options below are set explicitly so PGMAX, PGCONNECT_TIMEOUT and friends cannot change them.
  const newPool = () =>
    postgres(url, {
      max: POOL_SIZE,
      connect_timeout: settings.connectTimeoutMs / 1000,
      prepare: true,
      fetch_types: true,
      debug: false,
      types: postgresTypes,
      onnotice: () => {},
      connection: {
        statement_timeout: settings.queryTimeoutMs,
        idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      },
    });
  let sql = newPool();
  let closed = false;
  /**
   * Replaces the pool after a reserved connection was lost: that connection may neither be used nor
   * handed back (see `transaction`), and the old pool would wait for it until its end timed out.
   */
  const retire = (pool: postgres.Sql) => {
    if (pool !== sql || closed) return;
    sql = newPool();
    void pool.end({ timeout: 0 }).catch(() => {});
  };
  const deadlineMs = settings.queryTimeoutMs + DEADLINE_GRACE_MS;

  const settle = (pending: Promise<postgres.RowList<postgres.Row[]>>, text: string): Promise<Outcome> =>
    pending.then(
      (result) => ({ rows: Array.from(result), command: result.command }),
      (error: unknown) => {
        throw fromDriverError(error, text, redact);
      },
    );

  const openMs = settings.connectTimeoutMs + settings.queryTimeoutMs;
  try {
    await withDeadline(
      settle(sql.unsafe("select 1"), "select 1"),
      openMs,
      () => deadlineError("select 1", openMs),
    );
  } catch (error) {
    await sql.end({ timeout: 0 });
    const failure = fromDriverError(error, undefined, redact);
    throw new DatabaseError(`cannot connect to PostgreSQL at ${target}: ${failure.reason}`, {
      code: failure.code,
      timedOut: failure.timedOut,
      cause: error,
    });
  }

  /**
   * `prepare` keeps the statement's plan on its connection for the next call with the same text. The
   * store's writes (transactions) are a handful of fixed statements run every snapshot, whose parse and
   * plan cost more than a small one's execution (1.3 ms → 0.6 ms each on the peak fixture); reads are
   * not prepared, since a generic plan could not see which of their optional filters are set. A text
   * used once (a day's partition) stays prepared only until npm:postgres renews the connection (its
   * max_lifetime, 30–60 min). Array parameters should come as literals (db/array_literal.ts): for a
   * prepared statement the driver escapes each element with regular expressions.
   */
  const run = async (on: postgres.Sql, text: string, params: unknown[] | undefined, prepare: boolean) => {
    refuseUndefined(text, params);
    const pending = settle(on.unsafe(text, (params ?? []) as Params, { prepare }), text);
    return await withDeadline(pending, deadlineMs, () => deadlineError(text, deadlineMs));
  };

  return {
    kind: "postgres",
    query: queryable((text, params) => run(sql, text, params, false)).query,
    async transaction(fn) {
      const pool = sql;
      const reserving = pool.reserve().catch((error: unknown) => {
        throw fromDriverError(error, "begin", redact);
      });
      const reserved = await acquireWithin(
        reserving,
        (connection) => connection.release(),
        deadlineMs,
        () => deadlineError("begin", deadlineMs),
      );
      let last: Promise<unknown> = Promise.resolve();
      // Once the connection is gone nothing more may be sent on it or handed back to its pool: npm:postgres
      // 3.4.9 writes to a closed reserved connection from a setImmediate that throws out of reach of any
      // catch (porsager/postgres#1208), and a released dead one is put back among the open connections,
      // where every later query on it hangs. So its pool is retired and a new one takes the next calls.
      let lost: DatabaseError | null = null;
      const noteLost = (error: unknown) => {
        if (lost === null && error instanceof DatabaseError && connectionLost(error)) lost = error;
      };
      const session = {
        run(text: string, params?: unknown[]): Promise<Outcome> {
          if (lost !== null) {
            return Promise.reject(
              new DatabaseError(`the connection was lost: ${lost.reason}`, {
                statement: text,
                code: lost.code,
              }),
            );
          }
          const outcome = run(reserved, text, params, params !== undefined && params.length > 0);
          last = outcome.then(() => undefined, noteLost);
          return outcome.catch((error: unknown) => {
            noteLost(error);
            throw error;
          });
        },
      };
      try {
        return await runTransaction(session, fn);
      } finally {
        // The deadline may have abandoned the final commit or rollback while the server still works on
        // it: return the connection only once it has answered, never while it is inside a transaction.
        void last.then(() => lost === null ? reserved.release() : retire(pool));
      }
    },
    async close() {
      closed = true;
      // Statements still running get one query timeout to finish, then their sockets are destroyed.
      await sql.end({ timeout: settings.queryTimeoutMs / 1000 });
    },
  };
}

/**
 * Whether a failure took the connection with it: the driver's own connection codes, a socket error
 * (ECONNRESET, EPIPE, …), or a server error of class 08 (connection exception) or 57P (the server is
 * shutting down, which ends the session). A statement error or a timeout leaves the connection usable.
 */
function connectionLost(error: DatabaseError): boolean {
  if (error.timedOut || error.code === undefined) return false;
  return /^(CONNECTION_|CONNECT_TIMEOUT$|E[A-Z]+$|08|57P)/.test(error.code);
}

/** Checks the URL and derives a printable target (never the password) and a redactor for messages. */
function inspectUrl(url: string): { target: string; redact: (text: string) => string } {
  let parsed: URL;
  let user: string;
  let password: string;
  let database: string;
  try {
    parsed = new URL(url);
    user = decodeURIComponent(parsed.username);
    password = decodeURIComponent(parsed.password);
    database = decodeURIComponent(parsed.pathname.slice(1));
  } catch {
    // Not echoed: the URL may hold the password.
    throw new DatabaseError(
      "the database URL is not a valid URL (postgres://user:password@host:port/database)",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new DatabaseError(`the database URL must start with postgres:// (got ${parsed.protocol}//)`);
  }
  const host = `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
  const target = `${user ? `${user}@` : ""}${host}/${database || "(default database)"}`;
  const secrets = [parsed.password, password].filter((secret) => secret.length >= MIN_REDACTED_LENGTH);
  const redact = (text: string) => secrets.reduce((out, secret) => out.replaceAll(secret, "***"), text);
  return { target, redact };
}
