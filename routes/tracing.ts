/**
 * A span per HTTP request, named `GET /api/flights/:callsign` after its route pattern (never the raw
 * path), with the method, route and status as OpenTelemetry's HTTP conventions name them. A caller's
 * `traceparent` header makes it the parent; a 5xx marks the span failed. Mount it first, so the span
 * covers the whole answer.
 */
import type { MiddlewareHandler } from "hono";
import type { Tracer } from "../runtime/span.ts";
import { parseTraceparent } from "../runtime/trace_context.ts";

export function traceRequests(tracer: Tracer): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const span = tracer.startSpan(method, {
      kind: "server",
      parent: parseTraceparent(c.req.header("traceparent") ?? ""),
      attributes: { "http.request.method": method, "url.path": c.req.path },
    });
    try {
      // Hono hands a handler's error to onError, which answers: it shows here as `c.error` and a 5xx.
      await next();
    } finally {
      const route = c.req.routePath === "/*" || c.req.routePath === "" ? null : c.req.routePath;
      if (route !== null) span.updateName(`${method} ${route}`).setAttribute("http.route", route);
      const status = c.res.status;
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) {
        if (c.error) span.fail(c.error);
        else span.setError(`HTTP ${status}`);
      }
      span.end();
    }
  };
}
