import assert from "node:assert/strict";
import { LiveSource } from "../feed/live_source.ts";
import { parseSnapshot } from "../feed/parse_snapshot.ts";
import { type Simulator, startSimulator } from "./server.ts";

async function withSimulator(
  options: Parameters<typeof startSimulator>[0],
  body: (sim: Simulator) => Promise<void>,
): Promise<void> {
  const sim = startSimulator({ pilots: 200, manual: true, ...options });
  try {
    await body(sim);
  } finally {
    await sim.close();
  }
}

async function updateTimestamp(sim: Simulator): Promise<string> {
  const response = await fetch(sim.dataUrl);
  return (await response.json()).general.update_timestamp;
}

Deno.test("status.json names the data URL, whose snapshot parses with nothing rejected", async () => {
  await withSimulator({}, async (sim) => {
    const status = await (await fetch(sim.statusUrl)).json();
    assert.deepEqual(status.data.v3, [sim.dataUrl]);
    const response = await fetch(sim.dataUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    const result = parseSnapshot(new Uint8Array(await response.arrayBuffer()));
    assert(result.ok);
    assert.deepEqual(result.rejected, []);
    assert.equal(result.snapshot.pilots.length, 200);
    const missing = await fetch(sim.statusUrl.replace("status.json", "nothing"));
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

Deno.test("the collector's LiveSource fetches the simulator through status.json", async () => {
  await withSimulator({}, async (sim) => {
    const source = new LiveSource({
      statusUrl: sim.statusUrl,
      timeoutMs: 5000,
      maxBytes: 8e6,
      refreshMs: 60_000,
    });
    const snapshot = await source.next();
    assert.equal(snapshot.url, sim.dataUrl);
    const result = parseSnapshot(snapshot.bytes);
    assert(result.ok && result.rejected.length === 0);
  });
});

Deno.test("tick() publishes the next snapshot, one cadence later", async () => {
  await withSimulator({ startTime: Date.UTC(2025, 0, 1) }, async (sim) => {
    assert.equal(await updateTimestamp(sim), "2025-01-01T00:00:00.0000000Z");
    sim.tick();
    assert.equal(await updateTimestamp(sim), "2025-01-01T00:00:15.0000000Z");
  });
});

Deno.test("with a speed-up, a timer ticks by itself", async () => {
  // 15 s / 1,000 = a snapshot every 15 ms.
  await withSimulator({ manual: false, speed: 1000, pilots: 50 }, async (sim) => {
    const first = await updateTimestamp(sim);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert(await updateTimestamp(sim) > first);
  });
});

Deno.test("fault slow: the data arrives only after the delay", async () => {
  await withSimulator({ slowMs: 300 }, async (sim) => {
    sim.setFault("slow");
    const started = performance.now();
    const response = await fetch(sim.dataUrl);
    const result = parseSnapshot(new Uint8Array(await response.arrayBuffer()));
    assert(performance.now() - started >= 290);
    assert(result.ok);
  });
});

Deno.test("fault slow: a client that gives up, and closing the server, leave nothing pending", async () => {
  await withSimulator({ slowMs: 60_000 }, async (sim) => {
    sim.setFault("slow");
    await assert.rejects(fetch(sim.dataUrl, { signal: AbortSignal.timeout(100) }));
  });
});

Deno.test("fault 5xx: 502 with an HTML body", async () => {
  await withSimulator({}, async (sim) => {
    sim.setFault("5xx");
    const response = await fetch(sim.dataUrl);
    assert.equal(response.status, 502);
    assert.match(await response.text(), /Bad Gateway/);
  });
});

Deno.test("fault 429: Too Many Requests with Retry-After", async () => {
  await withSimulator({ retryAfterSeconds: 12 }, async (sim) => {
    sim.setFault("429");
    const response = await fetch(sim.dataUrl);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "12");
    await response.body?.cancel();
    // The status document still answers; only the data is rate limited.
    assert.equal((await fetch(sim.statusUrl).then((r) => r.json())).data.v3[0], sim.dataUrl);
  });
});

for (const mode of ["truncated", "malformed"] as const) {
  Deno.test(`fault ${mode}: 200 with a body that is not valid JSON`, async () => {
    await withSimulator({}, async (sim) => {
      const whole = (await (await fetch(sim.dataUrl)).arrayBuffer()).byteLength;
      sim.setFault(mode);
      const response = await fetch(sim.dataUrl);
      assert.equal(response.status, 200);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (mode === "truncated") assert(bytes.byteLength < whole);
      assert.throws(() => JSON.parse(new TextDecoder().decode(bytes)), SyntaxError);
      const result = parseSnapshot(bytes);
      assert(!result.ok && /not valid JSON/.test(result.reason));
      sim.setFault("none");
      assert(parseSnapshot(new Uint8Array(await (await fetch(sim.dataUrl)).arrayBuffer())).ok);
    });
  });
}

Deno.test("fault stale: the same update_timestamp again while the model moves on", async () => {
  await withSimulator({}, async (sim) => {
    const before = await updateTimestamp(sim);
    sim.setFault("stale");
    sim.tick();
    sim.tick();
    assert.equal(await updateTimestamp(sim), before);
    assert.equal(await updateTimestamp(sim), before);
    sim.setFault("none");
    assert(await updateTimestamp(sim) > before);
  });
});

Deno.test("control routes switch faults and tick, for a simulator in another process", async () => {
  await withSimulator({}, async (sim) => {
    const base = sim.statusUrl.replace("/status.json", "");
    const before = await updateTimestamp(sim);
    const ticked = await fetch(`${base}/control/tick`, { method: "POST" });
    assert.deepEqual(await ticked.json(), { tick: 1 });
    assert(await updateTimestamp(sim) > before);
    const set = await fetch(`${base}/control/fault/5xx`, { method: "POST" });
    assert.deepEqual(await set.json(), { fault: "5xx" });
    const failing = await fetch(sim.dataUrl);
    assert.equal(failing.status, 502);
    await failing.body?.cancel();
    const unknown = await fetch(`${base}/control/fault/gremlins`, { method: "POST" });
    assert.equal(unknown.status, 400);
    await unknown.body?.cancel();
  });
});
