/** Errors callers catch by type. Everything else is a plain Error: "let it crash". */

/** An ask got no answer before its deadline. */
export class AskTimeoutError extends Error {
  constructor(readonly to: string, readonly kind: string, readonly timeoutMs: number) {
    super(`ask ${kind} to ${to} got no reply within ${timeoutMs} ms`);
    this.name = "AskTimeoutError";
  }
}

/** The receiver answered an ask with an error, or the message could not be delivered. */
export class AskFailedError extends Error {
  constructor(readonly to: string, readonly kind: string, readonly code: string, detail: string) {
    super(`ask ${kind} to ${to} failed (${code}): ${detail}`);
    this.name = "AskFailedError";
  }
}

/** A configuration (child spec, environment) did not validate; the message names what is wrong. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** One line describing any thrown value, for logs, dead letters and restart reasons. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** One line from a zod error: `path: message; path: message` (at most three issues). */
export function summariseIssues(
  error: { issues: readonly { path: PropertyKey[]; message: string }[] },
): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
  if (error.issues.length > 3) parts.push(`and ${error.issues.length - 3} more`);
  return parts.join("; ");
}
