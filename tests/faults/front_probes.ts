/**
 * The HTTP front's routes as a hostile client sees them, read from routes/route_docs.ts so that a new
 * route is probed without being named here: every path and query parameter of every GET route filled
 * with strings meant to break out of it, and what an answer to such a request may hold.
 */
import { z } from "zod";
import { ROUTE_DOCS, type RouteDoc } from "../../routes/route_docs.ts";
import type { RawAnswer } from "./raw_http.ts";

export interface Payload {
  label: string;
  value: string;
}

export const PAYLOADS: readonly Payload[] = [
  { label: "quote or", value: "' OR 1=1--" },
  { label: "drop table", value: "'; drop table flights;--" },
  { label: "union", value: "1) UNION ALL SELECT NULL,version()--" },
  { label: "traversal", value: "../../etc/passwd" },
  // Percent signs: written as they are, the server decodes them to `../`; encoded, they stay text.
  { label: "encoded traversal", value: "%2e%2e%2f%2e%2e%2fetc%2fpasswd" },
  { label: "overlong dots", value: "%c0%ae%c0%ae%c0%af" },
  { label: "nul", value: "EG\u0000LL" },
  { label: "encoded nul", value: "%00" },
  { label: "bad escapes", value: "%zz%" },
  { label: "lone surrogate", value: "%ED%A0%80" },
  { label: "long", value: "A".repeat(10_000) },
  { label: "unicode", value: "ÆØÅ ✈️🛫 \u202Eevil ß ı" },
  { label: "fullwidth", value: "ＥＧＬＬ" },
  { label: "markup", value: "<script>alert(1)</script>" },
  { label: "template", value: "${jndi:ldap://127.0.0.1/x}{{7*7}}" },
  { label: "number edge", value: "-1e309" },
  { label: "huge number", value: "99999999999999999999999" },
  { label: "prototype", value: "__proto__" },
  { label: "empty", value: "" },
  // Both pass `z.iso.datetime`, and PostgreSQL's timestamptz refuses both.
  { label: "year 0000", value: "0000-01-01T00:00:00Z" },
  { label: "offset +23:59", value: "2024-05-01T12:00:00+23:59" },
];

/** What must never be in an answer, once the payload it may echo is taken out. */
const LEAKS: [string, RegExp][] = [
  // A line break as it is, or escaped inside a JSON string.
  ["a stack trace", /(?:\n|\\n)\s+at |\.ts:\d+:\d+|file:\/\//],
  ["SQL text", /\(in: |\bselect\b[\s\S]{0,200}\bfrom\b|\bat time zone\b|to_char\(/i],
  ["a database error", /PostgresError|DatabaseError|SQLSTATE|syntax error|relation "/i],
  ["a system file", /root:[^:\n]*:0:0:/],
];
for (const { label, value } of PAYLOADS) {
  for (const [what, pattern] of LEAKS) {
    if (pattern.test(value)) throw new Error(`payload "${label}" itself looks like ${what}`);
  }
}

/** How a value travels: percent-encoded as a client library sends it, or written nearly as it is. */
export type Form = "encoded" | "verbatim";

/** The value for a request target: verbatim escapes only what would end the request line or the part. */
export function written(value: string, form: Form, part: "path" | "query"): string {
  if (form === "encoded") return encodeURIComponent(value);
  const ends = part === "path" ? "#?" : "#";
  return [...value].map((c) => {
    const code = c.charCodeAt(0);
    const unsafe = code <= 0x20 || code === 0x7f || ends.includes(c);
    return unsafe ? `%${code.toString(16).padStart(2, "0").toUpperCase()}` : c;
  }).join("");
}

export interface Probe {
  /** For messages: the route, where the payload went and in which form. */
  what: string;
  target: string;
  payload: Payload;
  form: Form;
  /** The payload went into a parameter the route documents (not an extra segment or unknown name). */
  documented: boolean;
}

/** The GET routes the service serves (the fault route is POST and served only with FAULT_INJECTION). */
export const getRoutes = (): RouteDoc[] =>
  ROUTE_DOCS.filter((route) => route.method === "get" && !route.faultInjectionOnly);

/** The routes behind the control token that the service serves. */
export const controlRoutes = (): RouteDoc[] =>
  ROUTE_DOCS.filter((route) => route.control && !route.faultInjectionOnly);

/** The route's path with each parameter its documented example, or the given text. */
export function fillPath(route: RouteDoc, given: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => given[name] ?? example(route, name));
}

function example(route: RouteDoc, name: string): string {
  const schema = route.pathParams?.[name];
  const examples = schema
    ? (z.toJSONSchema(schema, { io: "input" }) as { examples?: unknown[] }).examples
    : [];
  if (typeof examples?.[0] !== "string") {
    throw new Error(`give path parameter {${name}} of ${route.path} an example: .meta({ examples: [...] })`);
  }
  return encodeURIComponent(examples[0]);
}

/**
 * Every payload in both forms: in each path parameter (the others at their examples), in each query
 * parameter, as an extra path segment, and as the name of a query parameter no route takes.
 */
export function hostileProbes(): Probe[] {
  const probes: Probe[] = [];
  for (const route of getRoutes()) {
    const base = fillPath(route);
    for (const payload of PAYLOADS) {
      for (const form of ["encoded", "verbatim"] as const) {
        const add = (where: string, target: string, documented: boolean) =>
          probes.push({
            what: `${route.path} ${where} ← ${payload.label} (${form})`,
            target,
            payload,
            form,
            documented,
          });
        for (const name of Object.keys(route.pathParams ?? {})) {
          add(`{${name}}`, fillPath(route, { [name]: written(payload.value, form, "path") }), true);
        }
        for (const name of Object.keys(route.query ?? {})) {
          add(`?${name}`, `${base}?${name}=${written(payload.value, form, "query")}`, true);
        }
        add("extra segment", `${base.replace(/\/$/, "")}/${written(payload.value, form, "path")}`, false);
        add("unknown parameter", `${base}?${written(payload.value, form, "query") || "x"}=1`, false);
      }
    }
  }
  return probes;
}

/** Statuses an answer to a hostile request may have; 414 and 431 are the HTTP server's own limits. */
const ALLOWED = new Set([200, 400, 404, 414, 431]);

/** What is wrong with the answer to a probe, or null. */
export function complaint(probe: Probe, answer: RawAnswer | null): string | null {
  if (answer === null) return "the connection closed without an answer";
  if (!ALLOWED.has(answer.status)) return `status ${answer.status}: ${answer.body.slice(0, 300)}`;
  let body = answer.body;
  const { value } = probe.payload;
  for (const echo of [value, written(value, "encoded", "path"), written(value, "verbatim", "path")]) {
    if (echo) body = body.replaceAll(echo, "").replaceAll(echo.toUpperCase(), "");
  }
  for (const [what, pattern] of LEAKS) {
    const found = pattern.exec(body);
    if (found) {
      return `status ${answer.status} with ${what}: …${
        body.slice(Math.max(0, found.index - 80), found.index + 120)
      }…`;
    }
  }
  if (answer.status >= 400 && answer.headers.get("content-type")?.includes("application/json")) {
    let code: unknown;
    try {
      code = JSON.parse(answer.body)?.error?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== "string") {
      return `status ${answer.status} without the error shape: ${answer.body.slice(0, 300)}`;
    }
  }
  return null;
}
