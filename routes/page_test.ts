import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { pageRoutes } from "./page.ts";

Deno.test("GET / is the page, and its CSP allows exactly its inline style and script", async () => {
  const response = await pageRoutes().request("/");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  const html = await response.text();
  const policy = response.headers.get("content-security-policy") ?? "";
  for (const tag of ["style", "script"]) {
    const inline = [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]);
    assert.equal(inline.length, 1, `one inline ${tag}`);
    const hash = createHash("sha256").update(inline[0]).digest("base64");
    assert.ok(
      policy.includes(`${tag}-src 'sha256-${hash}'`),
      `${tag}-src allows the inline ${tag}: ${policy}`,
    );
  }
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /frame-ancestors 'none'/);
});

Deno.test("the page puts no data into the DOM as markup", async () => {
  const html = await (await pageRoutes().request("/")).text();
  assert.doesNotMatch(html, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});
