/**
 * Bearer-token guard for the control routes. The token is read from the Authorization header only (a
 * token in a URL ends up in access logs and browser history) and compared in constant time.
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./errors.ts";

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Middleware that lets a request through only with `Authorization: Bearer <token>`. With no token
 * configured the control routes are switched off: 403 `control_disabled`, whatever the request carries.
 */
export function requireControlToken(token: string | null): MiddlewareHandler {
  return async (c, next) => {
    if (token === null) {
      throw new HttpError(403, "control_disabled", "control routes are disabled: CONTROL_TOKEN is not set");
    }
    const given = BEARER.exec(c.req.header("Authorization") ?? "")?.[1];
    if (given === undefined || !await sameSecret(given, token)) {
      throw new HttpError(401, "unauthorized", "a valid Authorization: Bearer token is required", {
        "WWW-Authenticate": 'Bearer realm="control"',
      });
    }
    await next();
  };
}

/**
 * Whether two secrets are equal, in time that depends on neither: hashing first makes both sides 32
 * bytes, so neither the length nor the position of the first difference shows in the timing.
 */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  const left = new Uint8Array(a);
  const right = new Uint8Array(b);
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= left[i] ^ right[i];
  return difference === 0;
}
