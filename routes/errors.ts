/**
 * The one error shape of the HTTP front, `{ error: { code, message } }`, and the mapping from anything a
 * route throws to it. Unexpected errors are logged in full and answered with a generic 500.
 */
import { getLogger } from "@logtape/logtape";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { AskFailedError, AskTimeoutError } from "../runtime/errors.ts";
import { ControlError } from "../supervision/supervisor.ts";
import { DeadlineError } from "./timeout.ts";

/** The body of every error response. */
export const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** An error a route throws on purpose: it reaches the client as it is, with its status and headers. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const log = getLogger(["http"]);

/** Writes an error response in the shared shape. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: { code, message } };
  return c.json(body, status, headers);
}

/** The `onError` handler: known errors keep their meaning, anything else becomes a bare 500. */
export function handleError(error: unknown, c: Context): Response {
  if (error instanceof HttpError) {
    return errorResponse(c, error.status, error.code, error.message, error.headers);
  }
  if (error instanceof ControlError) {
    return errorResponse(c, error.code === "not_found" ? 404 : 409, error.code, error.message);
  }
  if (error instanceof DeadlineError) return errorResponse(c, 503, "timeout", error.message);
  // An actor behind the route did not answer, or answered that it could not (its database is down).
  if (error instanceof AskTimeoutError) return errorResponse(c, 503, "timeout", error.message);
  if (error instanceof AskFailedError) return errorResponse(c, 503, "unavailable", error.message);
  // Hono's own middlewares throw these for client mistakes; their messages are written for clients.
  if (error instanceof HTTPException && error.status < 500) {
    return errorResponse(c, error.status, "bad_request", error.message || "bad request");
  }
  log.error("{method} {path} failed: {error}", { method: c.req.method, path: c.req.path, error });
  return errorResponse(c, 500, "internal_error", "internal server error");
}
