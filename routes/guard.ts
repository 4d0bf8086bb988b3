/**
 * What every request goes through before its route: a request id, secure headers, CORS when configured,
 * a body size limit (counted as the body arrives, so a chunked body without a length is held to it too),
 * and, when `READ_TOKEN` is set, a bearer token on the read routes. The control token opens the read
 * routes as well: whoever may restart an actor may also look at it.
 */
import type { Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { sameSecret } from "./auth.ts";
import { HttpError } from "./errors.ts";

export interface GuardOptions {
  /** Null: the read routes are open. */
  readToken: string | null;
  controlToken: string | null;
  /** Origins allowed to call the API from a browser; `["*"]` for any; empty: no CORS headers. */
  corsOrigins: readonly string[];
  /** The largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * The paths behind READ_TOKEN: the API and the metrics; probes, the page and the API docs stay open, and
 * so does the page's event stream, as a browser's EventSource cannot send an Authorization header.
 */
const READ_PATHS = ["/api/*", "/metrics"];
const OPEN_PATHS = new Set(["/api/supervision/stream"]);
const BEARER = /^Bearer +(\S+) *$/i;

export function applyGuards(app: Hono, options: GuardOptions): void {
  // A client's own id (up to 128 letters, digits, '-', '_', '=') is kept, so a trace can span both sides;
  // anything else is replaced by a new UUID, never echoed.
  app.use(requestId({ limitLength: 128 }));
  // The page sets its own Content-Security-Policy; these are the headers that fit every answer.
  app.use(secureHeaders({ contentSecurityPolicy: undefined, strictTransportSecurity: false }));
  if (options.corsOrigins.length > 0) {
    const any = options.corsOrigins.includes("*");
    app.use(cors({
      origin: any ? "*" : [...options.corsOrigins],
      allowHeaders: ["Authorization", "Content-Type", "If-None-Match"],
      exposeHeaders: ["ETag", "X-Request-Id"],
      maxAge: 600,
    }));
  }
  app.use(bodyLimit({
    maxSize: options.maxBodyBytes,
    onError: () => {
      throw new HttpError(413, "body_too_large", `the body may hold at most ${options.maxBodyBytes} bytes`);
    },
  }));
  if (options.readToken !== null) {
    const guard = requireReadToken(options.readToken, options.controlToken);
    for (const path of READ_PATHS) app.use(path, guard);
  }
}

/** Lets a request through with `Authorization: Bearer` READ_TOKEN or CONTROL_TOKEN; 401 otherwise. */
export function requireReadToken(readToken: string, controlToken: string | null): MiddlewareHandler {
  return async (c, next) => {
    // A CORS preflight carries no credentials by design; the cors middleware has answered it already.
    if (c.req.method === "OPTIONS" || OPEN_PATHS.has(c.req.path)) return await next();
    const given = BEARER.exec(c.req.header("Authorization") ?? "")?.[1];
    const allowed = given !== undefined &&
      (await sameSecret(given, readToken) ||
        (controlToken !== null && await sameSecret(given, controlToken)));
    if (!allowed) {
      throw new HttpError(401, "unauthorized", "a valid Authorization: Bearer token is required", {
        "WWW-Authenticate": 'Bearer realm="read"',
      });
    }
    await next();
  };
}
