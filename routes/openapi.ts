/**
 * `/openapi.json` (OpenAPI 3.1) built from the route list of routes/route_docs.ts and the zod schemas in
 * it, and `/docs`, the same document as a plain page. Named schemas go to `components.schemas` (so the
 * recursive supervision tree can refer to itself); the error answers every route can give are added from
 * what the route takes: parameters → 400, path parameters → 404, the control token → 401 and 403, data
 * reads → 503. The fault route is listed only when fault injection is on, as it is only served then.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ErrorBodySchema } from "./errors.ts";
import { ROUTE_DOCS, type RouteDoc } from "./route_docs.ts";

type Json = Record<string, unknown>;

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const ERRORS: Record<number, string> = {
  400: "a parameter or the body is not valid; the message names it",
  401: "the control token is missing or wrong",
  403: "control routes are disabled (CONTROL_TOKEN is not set)",
  404: "no such thing",
  409: "the action conflicts with the child's state",
  503: "the database could not answer",
};

export function openApiDocument(options: { version: string; faultInjection: boolean }): Json {
  const routes = ROUTE_DOCS.filter((route) => options.faultInjection || !route.faultInjectionOnly);
  const registry = z.registry<{ id: string }>();
  registry.add(ErrorBodySchema, { id: "Error" });
  for (const route of routes) {
    for (const answer of Object.values(route.answers)) {
      if ("schema" in answer && !registry.has(answer.schema)) registry.add(answer.schema, { id: answer.id });
    }
  }
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
  });
  for (const schema of Object.values(schemas)) delete (schema as Json).$schema;

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: "3.1.0",
    info: {
      title: "VATSIM collector",
      version: options.version,
      description: "The network as the collector keeps it, its health, and control of its supervisor tree.",
    },
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: { controlToken: { type: "http", scheme: "bearer", description: "CONTROL_TOKEN" } },
    },
  };
}

function operation(route: RouteDoc): Json {
  const parameters = [
    ...Object.entries(route.pathParams ?? {}).map(([name, schema]) => ({
      name,
      in: "path",
      required: true,
      schema: inputSchema(schema),
    })),
    ...Object.entries(route.query ?? {}).map(([name, schema]) => ({
      name,
      in: "query",
      required: false,
      schema: inputSchema(schema),
    })),
  ];
  const responses: Record<string, Json> = {};
  for (const [status, answer] of Object.entries(route.answers)) {
    const content = "schema" in answer
      ? { "application/json": { schema: { $ref: `#/components/schemas/${answer.id}` } } }
      : { [answer.mediaType]: {} };
    responses[status] = { description: answer.description, content };
  }
  for (const status of errorsOf(route)) {
    responses[status] ??= {
      description: ERRORS[status],
      content: { "application/json": { schema: ERROR_REF } },
    };
  }
  return {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
        requestBody: { required: true, content: { "application/json": { schema: inputSchema(route.body) } } },
      }
      : {}),
    ...(route.control ? { security: [{ controlToken: [] }] } : {}),
    responses,
  };
}

/** The error answers a route can give, from what it takes. */
function errorsOf(route: RouteDoc): number[] {
  const statuses = new Set<number>();
  if (route.pathParams || route.query || route.body) statuses.add(400);
  if (route.pathParams) statuses.add(404);
  if (route.control) [401, 403, 409].forEach((status) => statuses.add(status));
  if (route.tag === "data") statuses.add(503);
  return [...statuses];
}

/** What a client sends: the input side of a schema (query values are text before they are parsed). */
function inputSchema(schema: z.ZodType): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

/** `get /api/flights/{callsign}/track` → `getApiFlightsByCallsignTrack`. */
function operationId(route: RouteDoc): string {
  const words = route.path.split("/").filter(Boolean).map((part) =>
    part.startsWith("{") ? `By${capital(part.slice(1, -1))}` : part.split(/[-.]/).map(capital).join("")
  );
  return route.method + (words.join("") || "Root");
}

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** The document's routes as a page: no script, nothing to load. */
export function docsPage(document: Json): string {
  const paths = document.paths as Record<string, Record<string, Json>>;
  const rows: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = ((op.parameters as Json[] | undefined) ?? []).map((p) => `${p.name} (${p.in})`).join(
        ", ",
      );
      const statuses = Object.keys(op.responses as Json).join(", ");
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td>` +
          `<td>${escape(String(op.summary))}${op.security ? " <em>(control token)</em>" : ""}</td>` +
          `<td>${escape(params)}</td><td>${statuses}</td></tr>`,
      );
    }
  }
  const info = document.info as Json;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${
    escape(String(info.title))
  } API</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}</style></head><body><h1>${escape(String(info.title))} ${
    escape(String(info.version))
  }</h1><p>The machine-readable version is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><tr><th>method</th><th>path</th><th>what</th><th>parameters</th><th>answers</th></tr>
${rows.join("\n")}</table></body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `/openapi.json` and `/docs`, to be mounted at the root; the document is built once. */
export function openApiRoutes(options: { version: string; faultInjection: boolean }): Hono {
  const document = openApiDocument(options);
  const page = docsPage(document);
  const app = new Hono();
  app.get("/openapi.json", (c) => c.json(document));
  app.get("/docs", (c) => c.html(page));
  return app;
}
