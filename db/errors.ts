/**
 * The one error type of the database layer: it names the statement that failed (one line, short) and
 * keeps what the driver threw as `cause`, so a log line points back to the query without a stack dive.
 */

/** How a statement is shown in messages: whitespace folded to one line, at most this many characters. */
const STATEMENT_CHARS = 80;

/** Options for {@linkcode DatabaseError}. */
export interface DatabaseErrorOptions {
  /** The SQL that failed; stored and shown summarised. */
  statement?: string;
  /** SQLSTATE from the server (e.g. `23505`), or the driver's code for connection failures. */
  code?: string;
  /** True when the call ran out of time (server `statement_timeout` or the client-side deadline). */
  timedOut?: boolean;
  cause?: unknown;
}

/**
 * A failed database call.
 *
 * @example
 * ```ts
 * try {
 *   await db.query("select * from nope");
 * } catch (error) {
 *   if (error instanceof DatabaseError) console.log(error.reason, error.statement, error.code);
 * }
 * ```
 */
export class DatabaseError extends Error {
  override readonly name: string = "DatabaseError";
  /** What went wrong, without the statement. */
  readonly reason: string;
  /** The failing statement, summarised to one short line. */
  readonly statement: string | undefined;
  readonly code: string | undefined;
  readonly timedOut: boolean;

  constructor(reason: string, options: DatabaseErrorOptions = {}) {
    const statement = options.statement === undefined ? undefined : summariseStatement(options.statement);
    super(statement === undefined ? reason : `${reason} (in: ${statement})`, { cause: options.cause });
    this.reason = reason;
    this.statement = statement;
    this.code = options.code;
    this.timedOut = options.timedOut ?? false;
  }
}

/** Folds a statement to one line and cuts it to a length that fits a log line. */
export function summariseStatement(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > STATEMENT_CHARS ? `${line.slice(0, STATEMENT_CHARS - 1)}…` : line;
}

/** SQLSTATE 57014: the server cancelled the statement (here, always `statement_timeout`). */
const QUERY_CANCELED = "57014";

/**
 * Wraps whatever a driver threw. `redact` removes secrets a driver might echo (we pass the password).
 * A DatabaseError passes through unchanged so wrapping twice does no harm.
 */
export function fromDriverError(
  error: unknown,
  statement: string | undefined,
  redact: (text: string) => string = (text) => text,
): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const code = codeOf(error);
  return new DatabaseError(redact(messageOf(error)), {
    statement,
    code,
    timedOut: code === QUERY_CANCELED,
    cause: error,
  });
}

/** The error a call gets when its client-side deadline passes first. */
export function deadlineError(statement: string, ms: number): DatabaseError {
  return new DatabaseError(`no answer within ${ms} ms`, { statement, timedOut: true });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** Both drivers would treat `undefined` differently (error vs null); refuse it the same way. */
export function refuseUndefined(text: string, params: readonly unknown[] | undefined): void {
  const index = params?.findIndex((param) => param === undefined) ?? -1;
  if (index >= 0) throw new DatabaseError(`parameter $${index + 1} is undefined`, { statement: text });
}
