/**
 * Fault case: hostile clients at the HTTP front while the service ingests a replay. The control routes
 * refuse a missing, wrong or misplaced token and nothing happens; bodies over the limit, with a length
 * or chunked, are 413s that the process does not hold in memory; every path and query parameter of every
 * GET route (read from routes/route_docs.ts) filled with injection and traversal strings answers 400, 404
 * or a plain 200, never a 5xx, a stack trace or SQL; 1,000 connections held open do not keep a fresh
 * client out, and their descriptors come back once closed. Then the ledger: nothing lost or doubled, no
 * actor restarted, the process alive throughout.
 */
import assert from "node:assert/strict";
import type { StatusReport } from "../../routes/deps.ts";
import type { ServiceHealth } from "../../routes/services.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { withSql } from "../helpers/replay_check.ts";
import { type RunningService, startService } from "../helpers/service.ts";
import { assertLedger, settle } from "./ledger.ts";
import { simFolder } from "./inputs.ts";
import { cleanRun, CONTROL_TOKEN, untilSettled, withCaseStore } from "./runs.ts";
import { complaint, controlRoutes, fillPath, getRoutes, hostileProbes } from "./front_probes.ts";
import { getHead, memory, openFds, rawRequest, resetPeak, writeAll, zeros } from "./raw_http.ts";

const CONNECTIONS = 1_000;
/** The size of each oversized body; they are sent at once, so held they would add up. */
const BODY_MIB = 64;
/** Growth of the peak resident memory that would mean bodies were held: about two and a half of them. */
const BODY_GROWTH_LIMIT_MIB = 160;
/** Open descriptors the process may hold beyond its count before the connections (pool churn, files). */
const FD_TOLERANCE = 40;

const encoder = new TextEncoder();

async function restartsOf(service: RunningService): Promise<number> {
  const { body } = await service.getJson<{ services: ServiceHealth[] }>("/api/services/health");
  assert.ok(body.services.every((s) => s.status === "running"), JSON.stringify(body.services));
  return body.services.reduce((sum, s) => sum + s.restarts, 0);
}

async function stored(service: RunningService): Promise<number> {
  return (await service.getJson<StatusReport>("/api/status")).body.snapshots.stored;
}

/** Runs `fn` over `items`, `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** The metrics' request series, to see which statuses the front answered over the whole case. */
async function requestSeries(service: RunningService): Promise<string[]> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text.split("\n").filter((line) => line.startsWith("collector_http_requests_total{"));
}

/** Waits until `check` holds, for at most `timeoutMs`; returns whether it did (no timing is asserted). */
async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  return check();
}

async function refuseBadTokens(service: RunningService): Promise<void> {
  const refusals: [string, Record<string, string>, string][] = [
    ["no token", {}, ""],
    ["a wrong token", { Authorization: "Bearer wrong-token-0123456789" }, ""],
    ["the token in the query string", {}, `?token=${CONTROL_TOKEN}`],
    ["the token as access_token", {}, `?access_token=${CONTROL_TOKEN}`],
    ["the token without Bearer", { Authorization: CONTROL_TOKEN }, ""],
    ["the token as Basic", { Authorization: `Basic ${btoa(`admin:${CONTROL_TOKEN}`)}` }, ""],
    ["the token in another header", { "X-Control-Token": CONTROL_TOKEN }, ""],
    ["the token less its last letter", { Authorization: `Bearer ${CONTROL_TOKEN.slice(0, -1)}` }, ""],
    ["the token and more", { Authorization: `Bearer ${CONTROL_TOKEN}x` }, ""],
    ["two tokens", { Authorization: `Bearer wrong, Bearer ${CONTROL_TOKEN}` }, ""],
  ];
  let refused = 0;
  for (const route of controlRoutes()) {
    for (const [what, headers, query] of refusals) {
      const response = await fetch(`${service.url}${fillPath(route)}${query}`, { method: "POST", headers });
      const body = await response.json();
      assert.ok([401, 403].includes(response.status), `${route.path} with ${what}: ${response.status}`);
      assert.equal(typeof body.error?.code, "string", `${route.path} with ${what}: the error shape`);
      refused++;
    }
  }
  // The token in its header opens the same routes (a closed breaker's reset changes nothing).
  const reset = controlRoutes().find((route) => route.path.includes("/breakers/"));
  assert.ok(reset, "the breaker reset route is documented");
  const path = fillPath(reset);
  // An actor's breakers are known once its heartbeat has reported them; until then the route says 404.
  await service.waitForJson<{ breakers: { actor: string; name: string }[] }>(
    "/api/errors/circuit-breakers",
    `the breaker of ${path} reported`,
    ({ breakers }) =>
      breakers.some((b) => path === `/api/supervision/actors/${b.actor}/breakers/${b.name}/reset`),
  );
  const response = await fetch(`${service.url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${CONTROL_TOKEN}` },
  });
  await response.body?.cancel();
  assert.equal(response.status, 202, "the right token in the Authorization header is taken");
  console.log(`  control: ${refused} requests with a missing, wrong or misplaced token refused`);
}

async function refuseBigBodies(service: RunningService, port: number): Promise<void> {
  const bodies: [string, boolean, Record<string, string>][] = [];
  for (const route of controlRoutes()) {
    for (const chunked of [false, true]) {
      for (const token of [true, false]) {
        bodies.push([fillPath(route), chunked, token ? { Authorization: `Bearer ${CONTROL_TOKEN}` } : {}]);
      }
    }
  }
  // Deno never hands a GET's body to the app, so no route can hold it: a 200 that ignored it will do.
  bodies.push(["/api/flights", true, {}], ["/api/flights", false, {}]);
  const before = memory(service.pid);
  resetPeak(service.pid);
  const answers = await Promise.all(bodies.map(([path, chunked, headers]) => {
    const framing = chunked
      ? "Transfer-Encoding: chunked\r\n"
      : `Content-Length: ${BODY_MIB * 1024 * 1024}\r\n`;
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    const method = path === "/api/flights" ? "GET" : "POST";
    const head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\n${framing}${extra}\r\n`;
    return rawRequest(port, head, zeros(BODY_MIB, chunked));
  }));
  const after = memory(service.pid);
  let refused = 0;
  answers.forEach((answer, i) => {
    const [path, chunked, headers] = bodies[i];
    const what = `${BODY_MIB} MiB ${chunked ? "chunked" : "with a length"} to ${path}` +
      `${headers.Authorization ? " with the token" : ""}`;
    if (answer === null) throw new Error(`${what}: the connection closed without an answer`);
    if (path === "/api/flights" && answer.status === 200) return;
    assert.equal(answer.status, 413, `${what}: ${answer.status} ${answer.body.slice(0, 300)}`);
    assert.equal(JSON.parse(answer.body).error.code, "body_too_large", what);
    refused++;
  });
  const growth = after.peakMiB - before.rssMiB;
  console.log(
    `  bodies: ${bodies.length} × ${BODY_MIB} MiB, ${refused} refused with 413; resident ${
      before.rssMiB.toFixed(0)
    } MiB before, ` +
      `peak ${after.peakMiB.toFixed(0)} MiB while they came (+${growth.toFixed(0)})`,
  );
  assert.ok(growth < BODY_GROWTH_LIMIT_MIB, `the bodies grew the process by ${growth.toFixed(0)} MiB`);
}

async function barrage(port: number): Promise<void> {
  const probes = hostileProbes();
  const problems: string[] = [];
  const statuses = new Map<number, number>();
  // A payload can be a valid value (`__proto__` upper-cased is a callsign prefix): such 200s are listed.
  const documented200 = new Set<string>();
  await inParallel(probes, 8, async (probe) => {
    const answer = await rawRequest(port, getHead(probe.target));
    const problem = complaint(probe, answer);
    if (problem) problems.push(`${probe.what}: ${problem}`);
    if (answer) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer?.status === 200 && probe.documented) documented200.add(probe.what.replace(/ \(\w+\)$/, ""));
  });
  const routes = getRoutes().length;
  const tally = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${n} × ${status}`).join(", ");
  console.log(`  parameters: ${probes.length} hostile requests over ${routes} GET routes: ${tally}`);
  if (documented200.size > 0) {
    console.log(`  payloads a parameter took as valid (200): ${[...documented200].sort().join("; ")}`);
  }
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} bad answers`);
}

/** Holds `CONNECTIONS` connections open: idle, half a request head, a request unread, a body never ended. */
async function holdConnections(service: RunningService, port: number): Promise<void> {
  const fdsBefore = openFds(service.pid);
  const before = memory(service.pid);
  const control = fillPath(controlRoutes()[0]);
  const conns: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < CONNECTIONS; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conns.push(conn);
      const send = [
        "",
        "GET /api/flights HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
        "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET /api/flights HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        `POST ${control} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60000\r\n\r\n{"a":`,
      ][i % 5];
      if (send) await writeAll(conn, encoder.encode(send));
    }
    const fdsOpen = openFds(service.pid);
    const live = await fetch(`${service.url}/health/live`);
    assert.equal(live.status, 200, "a fresh client is served while the connections are held");
    await live.body?.cancel();
    const status = await service.getJson<StatusReport>("/api/status");
    assert.equal(status.status, 200);
    console.log(
      `  connections: ${CONNECTIONS} held open (${fdsBefore} → ${fdsOpen} descriptors); a fresh client ` +
        `got /health/live and /api/status`,
    );
  } finally {
    for (const conn of conns) conn.close();
  }
  const back = await eventually(() => openFds(service.pid) <= fdsBefore + FD_TOLERANCE, 30_000);
  const after = memory(service.pid);
  console.log(
    `  after closing: ${openFds(service.pid)} descriptors (${fdsBefore} before); resident ` +
      `${before.rssMiB.toFixed(0)} → ${after.rssMiB.toFixed(0)} MiB`,
  );
  assert.ok(back, `the descriptors did not come back: ${openFds(service.pid)}, ${fdsBefore} before`);
}

Deno.test({
  name: "fault suite: hostile clients at the HTTP front change nothing, while the service ingests",
  ...requirePostgres,
  fn: async (t) => {
    const { dir, sent } = await simFolder({ count: 80, pilots: 400 });
    try {
      const clean = await cleanRun(dir, sent);
      await withCaseStore(async (store) => {
        const service = await startService({
          ...store.env,
          FEED: dir,
          POLL_INTERVAL_MS: "250",
          CONTROL_TOKEN,
        });
        let exitCode: number | null = null;
        void service.exited.then((code) => exitCode = code);
        const port = Number(new URL(service.url).port);
        try {
          await service.waitForJson<StatusReport>(
            "/api/status",
            "a first snapshot",
            (s) => s.snapshots.stored > 0,
          );
          const restarts = await restartsOf(service);
          const step = async (name: string, fn: () => Promise<void>) => {
            const from = await stored(service);
            await t.step(name, fn);
            console.log(`  (snapshots stored ${from} → ${await stored(service)} of ${sent.length})`);
            assert.equal(exitCode, null, `the service exited during "${name}"`);
            assert.equal(await restartsOf(service), restarts, `an actor restarted during "${name}"`);
          };
          await step(
            "control routes refuse a missing, wrong or misplaced token",
            () => refuseBadTokens(service),
          );
          await step(
            "bodies over the limit are 413s, with a length or chunked",
            () => refuseBigBodies(service, port),
          );
          await step("hostile path and query parameters on every GET route", () => barrage(port));
          await step("1,000 connections held open", () => holdConnections(service, port));

          await untilSettled(store.url, sent, service);
          const series = await requestSeries(service);
          assert.deepEqual(series.filter((line) => /status="5\d\d"/.test(line)), [], "no 5xx answers");
          // The one control request let through is the breaker reset with the token in its header.
          const done = series.filter((line) => /method="POST".*status="2\d\d"/.test(line));
          assert.deepEqual(done.filter((line) => !line.includes("/breakers/")), [], "no control action done");
          const failures = service.logs.filter((line) => line.logger === "http" && line.level === "ERROR");
          assert.deepEqual(failures.map((line) => line.message), [], "the front logged no failure");
          await withSql(store.url, async (sql) => {
            const tables = [
              "snapshots",
              "flights",
              "positions",
              "controller_sessions",
              "events",
              "quarantine",
            ];
            for (const table of tables) {
              const [{ found }] = await sql`select to_regclass(${table}) is not null as found`;
              assert.ok(found, `table ${table} still exists`);
            }
          });
        } finally {
          assert.equal(await service.stop(), 0, "SIGTERM after the case ends the service with exit 0");
        }
        assertLedger("HTTP front", await settle(store.url, sent, clean), 0);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
