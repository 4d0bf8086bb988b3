import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { sameSecret } from "./auth.ts";
import { bearer, errorOf, fakeDeps, TOKEN } from "./test_deps.ts";

const RESTART = "/api/supervision/actors/fetcher/restart";
const FAULT = "/api/supervision/actors/fetcher/fault";

async function assertUnauthorized(response: Response): Promise<void> {
  assert.equal(response.headers.get("WWW-Authenticate"), 'Bearer realm="control"');
  await errorOf(response, 401, "unauthorized");
}

for (const path of [RESTART, FAULT]) {
  Deno.test(`${path} without a valid bearer token is 401 and does nothing`, async () => {
    const deps = fakeDeps({ faultInjection: true });
    const app = createApp(deps);
    const attempts: [string, RequestInit][] = [
      [path, {}],
      [path, { headers: bearer("wrong-token-of-same-length-x") }],
      [path, { headers: bearer("short") }],
      [path, { headers: bearer(TOKEN + "-and-more") }],
      [path, { headers: bearer(TOKEN.slice(0, -1)) }],
      [path, { headers: { Authorization: TOKEN } }],
      [path, { headers: { Authorization: `Basic ${btoa(`user:${TOKEN}`)}` } }],
      [path, { headers: { Authorization: "Bearer " } }],
      [`${path}?token=${TOKEN}`, {}],
      [`${path}?access_token=${TOKEN}`, {}],
    ];
    for (const [url, init] of attempts) {
      await assertUnauthorized(await app.request(url, { method: "POST", body: '{"kind":"throw"}', ...init }));
    }
    assert.deepEqual(deps.controlCalls, []);
    assert.deepEqual(deps.faultCalls, []);
  });

  Deno.test(`${path} is 403 control_disabled when no token is configured`, async () => {
    const deps = fakeDeps({ controlToken: null, faultInjection: true });
    const app = createApp(deps);
    for (const headers of [{}, bearer(), bearer("null"), bearer("")]) {
      await errorOf(
        await app.request(path, { method: "POST", headers, body: '{"kind":"throw"}' }),
        403,
        "control_disabled",
      );
    }
    assert.deepEqual(deps.controlCalls, []);
    assert.deepEqual(deps.faultCalls, []);
  });
}

Deno.test("the bearer scheme is case-insensitive, as RFC 6750 allows", async () => {
  const app = createApp(fakeDeps());
  const response = await app.request(RESTART, {
    method: "POST",
    headers: { Authorization: `bearer ${TOKEN}` },
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

Deno.test("read routes need no token", async () => {
  const app = createApp(fakeDeps({ controlToken: null }));
  for (const path of ["/api/supervision/tree", "/api/services/health", "/api/status", "/health/live"]) {
    const response = await app.request(path);
    assert.equal(response.status, 200, path);
    await response.body?.cancel();
  }
});

Deno.test("sameSecret compares whole secrets of any length", async () => {
  assert.equal(await sameSecret(TOKEN, TOKEN), true);
  assert.equal(await sameSecret("", ""), true);
  assert.equal(await sameSecret(TOKEN, TOKEN.slice(1)), false);
  assert.equal(await sameSecret("a", "b"), false);
  assert.equal(await sameSecret("", TOKEN), false);
  assert.equal(await sameSecret("é", "e"), false);
});
