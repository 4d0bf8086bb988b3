/** /openapi.json is a valid OpenAPI 3.1 document and lists exactly the routes the app serves. */
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { createApp } from "./app.ts";
import { openApiDocument } from "./openapi.ts";
import { fakeDeps, jsonOf } from "./test_deps.ts";

/** The app's own routes as `METHOD /openapi/{form}`; `:action{restart|stop|start}` gives one per action. */
function servedRoutes(faultInjection: boolean): string[] {
  const app = createApp(fakeDeps({ faultInjection }));
  const routes = new Set<string>();
  for (const { method, path } of app.routes) {
    // "ALL" entries are middleware and the 405 answers, not routes.
    if (method === "ALL") continue;
    const alternatives = /:(\w+)\{([^}]+)\}/.exec(path);
    const paths = alternatives
      ? alternatives[2].split("|").map((option) => path.replace(alternatives[0], option))
      : [path];
    for (const one of paths) routes.add(`${method} ${one.replace(/:(\w+)/g, "{$1}")}`);
  }
  return [...routes].sort();
}

function documentedRoutes(document: Record<string, unknown>): string[] {
  const paths = document.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`)
  ).sort();
}

for (const faultInjection of [false, true]) {
  Deno.test(`/openapi.json validates as OpenAPI 3.1 and lists every route served (fault injection ${faultInjection ? "on" : "off"})`, async () => {
    const app = createApp(fakeDeps({ faultInjection }));
    const document = await jsonOf(await app.request("/openapi.json"), 200) as Record<string, unknown>;
    assert.deepEqual(
      document,
      JSON.parse(JSON.stringify(openApiDocument({ version: "1.2.3", faultInjection }))),
    );
    const result = await new Validator().validate(document);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.deepEqual(documentedRoutes(document), servedRoutes(faultInjection));
    const fault = "POST /api/supervision/actors/{name}/fault";
    assert.equal(documentedRoutes(document).includes(fault), faultInjection);
  });
}

Deno.test("/docs shows every documented route", async () => {
  const app = createApp(fakeDeps());
  const response = await app.request("/docs");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("Content-Type") ?? "", /text\/html/);
  const page = await response.text();
  const document = openApiDocument({ version: "test", faultInjection: false });
  for (const path of Object.keys(document.paths as object)) {
    assert.ok(page.includes(`<code>${path}</code>`), `${path} is on the page`);
  }
});

Deno.test("the recursive supervision tree refers to itself through components, and data routes say 503", () => {
  const document = openApiDocument({ version: "test", faultInjection: false }) as {
    components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };
  assert.deepEqual(document.components.schemas.TreeNode.properties.children, {
    type: "array",
    items: { $ref: "#/components/schemas/TreeNode" },
  });
  assert.ok(document.paths["/api/flights"].get.responses["503"]);
  assert.ok(document.paths["/api/supervision/actors/{name}/restart"].post.responses["401"]);
});
