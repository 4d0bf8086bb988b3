/**
 * Least privilege at run time: an actor worker started by the runtime with the processor's permissions
 * (deploy/permissions.ts, as actors/tree.ts gives them) is refused a host and a file it was not given,
 * while the same requests go through from a worker that was given them. The test runs with -A, so
 * every refusal comes from the worker's own permission set.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import project from "../deno.json" with { type: "json" };
import {
  actorPermissions,
  permissionSettings,
  type WorkerLists,
  type WorkerPermissions,
} from "../deploy/permissions.ts";
import { defineProtocol } from "../runtime/protocol.ts";
import { collectorTree } from "../actors/tree.ts";
import { loadConfig } from "../config.ts";
import type { ActorSpec } from "../supervision/spec.ts";
import { SpareWorkers } from "../runtime/spare_workers.ts";
import { WORKER_ENTRY } from "../runtime/instance.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { requirePostgres, withTempDatabase } from "./helpers/postgres.ts";
import { REDIS_URL, requireRedis, withClient } from "./helpers/redis.ts";
import { tree, waitFor, withSystem } from "./helpers/system.ts";

/** The lists of a worker that does not inherit all of the process's permissions. */
function listsOf(permissions: WorkerPermissions | undefined): WorkerLists {
  if (permissions === undefined || permissions === "inherit") {
    throw new assert.AssertionError({ message: `permissions ${permissions}` });
  }
  return permissions;
}

const AttemptProtocol = defineProtocol({
  "attempt.run": {
    body: z.object({ url: z.string(), path: z.string() }),
    reply: z.object({ fetch: z.string(), read: z.string() }),
  },
});

/**
 * The actor the workers host: it tries what it is asked and answers with what happened. A data: URL
 * module, so that it needs no file of its own beyond the runtime's (which every worker may read).
 */
const ATTEMPTS_ACTOR = `data:text/typescript,${
  encodeURIComponent(`
import { z } from "${project.imports.zod}";
import { defineActor } from "${new URL("../runtime/actor.ts", import.meta.url).href}";

const outcome = async (attempt: () => Promise<unknown>) => {
  try {
    await attempt();
    return "allowed";
  } catch (error) {
    return error instanceof Error ? error.name + ": " + error.message : String(error);
  }
};

export default defineActor({
  protocol: {
    "attempt.run": {
      body: z.object({ url: z.string(), path: z.string() }),
      reply: z.object({ fetch: z.string(), read: z.string() }),
    },
  },
  config: z.object({}),
  start: () => ({}),
  async handle(state, message) {
    message.reply({
      fetch: await outcome(async () => (await fetch(message.body.url)).body?.cancel()),
      read: await outcome(() => Deno.readFile(message.body.path)),
    });
    return state;
  },
});
`)
}`;

Deno.test("a worker is refused a host and a path it was not given, and allowed those it was", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "permissions_data_" });
  const secret = `${dataDir}/spool-entry.json`;
  await Deno.writeTextFile(secret, "{}");
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => new Response("ok"));
  const url = `http://127.0.0.1:${server.addr.port}/`;
  try {
    const settings = permissionSettings({ DATA_DIR: dataDir, FEED: "sim" });
    assert.ok(settings);
    const processor = listsOf(actorPermissions(settings).processor);
    const granted = { read: [...processor.read ?? [], dataDir], net: [`127.0.0.1:${server.addr.port}`] };
    const spec = (name: string, permissions: object) => ({
      name,
      module: ATTEMPTS_ACTOR,
      permissions,
      startTimeoutMs: 20_000,
    });

    await withSystem(tree([spec("processor", processor), spec("granted", granted)]), async ({ system }) => {
      const ask = (name: string) =>
        system.ref(name, AttemptProtocol).ask("attempt.run", { url, path: secret }, { timeoutMs: 10_000 });

      const refused = await ask("processor");
      assert.match(refused.fetch, /^NotCapable: Requires net access to "127\.0\.0\.1:\d+"/);
      assert.match(refused.read, /^NotCapable: Requires read access to ".*spool-entry\.json"/);
      assert.deepEqual(await ask("granted"), { fetch: "allowed", read: "allowed" });

      // Restarted (the second time in a warm spare, once the pool has made one for this set), it is
      // just as restricted.
      for (let restart = 0; restart < 2; restart++) {
        await system.control("processor", "restart");
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      assert.deepEqual(await ask("processor"), refused);
    });
  } finally {
    await server.shutdown();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a worker with its own permissions that ends by itself is noticed as exited, not hung", async () => {
  const settings = permissionSettings({ FEED: "sim" });
  assert.ok(settings);
  const processor = listsOf(actorPermissions(settings).processor);
  const spec = { name: "processor", module: ATTEMPTS_ACTOR, permissions: processor, heartbeatMs: 200 };
  await withSystem(tree([spec]), async ({ system }) => {
    // It cannot read /proc/thread-self itself; under -A the main thread finds its thread.
    system.fault("processor", "exit");
    await waitFor("the restart", () => system.actor("processor")?.health().restarts === 1, 10_000);
    assert.match(system.actor("processor")?.health().lastRestartReasons[0]?.reason ?? "", /worker exited/);
  }, { faults: true });
});

Deno.test("the collector's tree gives each actor its own permissions, and the processor nothing outside", () => {
  const config = loadConfig({ DATA_DIR: "/srv/collector", DATABASE_URL: "postgres://db:5432/vatsim" });
  const actors = collectorTree(config).children.filter((child): child is ActorSpec =>
    child.type !== "supervisor"
  );
  const byName = Object.fromEntries(actors.map((actor) => [actor.name, actor.permissions]));
  const expected = actorPermissions(config);
  for (const name of ["store", "cache", "processor", "fetcher", "monitor"] as const) {
    assert.deepEqual(byName[name], expected[name], name);
  }
  assert.deepEqual(Object.keys(listsOf(expected.processor)), ["read"], "the processor may only read code");
  assert.ok(!listsOf(expected.processor).read?.includes("/srv/collector"));
  assert.deepEqual(listsOf(expected.store).net, ["db:5432"]);
  assert.ok(listsOf(expected.store).write?.includes("/srv/collector"));
});

Deno.test("a spare worker holds exactly the permissions of the set it was made for", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "permissions_spare_" });
  const secret = `${dataDir}/pglite.lock`;
  await Deno.writeTextFile(secret, "");
  const settings = permissionSettings({ DATA_DIR: dataDir });
  assert.ok(settings);
  const processor = listsOf(actorPermissions(settings).processor);
  const spares = new SpareWorkers(1, WORKER_ENTRY, 10);
  let worker: Worker | undefined;
  try {
    spares.fill();
    assert.equal(spares.take(processor), null, "the first ask for a set only has a spare made");
    let spare = spares.take(processor);
    await waitFor(
      "a spare for the processor's set",
      () => (spare ??= spares.take(processor)) !== null,
      20_000,
    );
    assert.ok(spare);
    assert.equal(spares.take(), null, "no spare of another set is handed out");
    const taken = worker = spare.worker;
    // A module that reports what it may do as soon as the spare's entry imports it.
    const probe = `data:text/javascript,${
      encodeURIComponent(`
        let read = "allowed";
        try { await Deno.readFile(${JSON.stringify(secret)}); } catch (error) { read = error.name; }
        self.postMessage({ probe: { read, net: (await Deno.permissions.query({ name: "net" })).state } });
      `)
    }`;
    const reported = new Promise<unknown>((resolve) => {
      taken.onmessage = (event) => event.data?.probe && resolve(event.data.probe);
    });
    taken.postMessage({
      t: "init",
      name: "probe",
      incarnation: 2,
      module: probe,
      config: {},
      faults: false,
      log: { level: "fatal", format: "pretty" },
    });
    // "prompt": not granted (a worker cannot ask; any use fails as the read did).
    assert.deepEqual(await reported, { read: "NotCapable", net: "prompt" });
  } finally {
    worker?.terminate();
    spares.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

/** The recorded v3 snapshots among the fixtures (the transceivers file is quarantined). */
const SNAPSHOTS =
  [...Deno.readDirSync(FIXTURES_DIR)].filter((e) => /^vatsim-data_.*\.json$/.test(e.name)).length;

/**
 * `deno task start` as an operator runs it: the flags derived from this environment, nothing else of
 * this machine's environment. Waits for /health/ready and every snapshot stored, checks that nothing
 * was refused, and stops it with SIGTERM.
 */
async function runStartTask(env: Record<string, string>): Promise<void> {
  const keep = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"].flatMap((name) => {
    const value = Deno.env.get(name);
    return value === undefined ? [] : [[name, value]];
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "start"],
    cwd: new URL("..", import.meta.url),
    clearEnv: true,
    env: { ...Object.fromEntries(keep), PORT: "0", LOG_FORMAT: "json", POLL_INTERVAL_MS: "200", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const reading = Promise.all([child.stdout, child.stderr].map(async (stream) => {
    for await (const line of stream.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())) {
      lines.push(line);
    }
  }));
  let ended = false;
  const exited = child.status.finally(() => ended = true);
  const output = () => lines.join("\n");
  try {
    let port = 0;
    await waitFor("the HTTP front to listen", () => {
      if (ended) throw new Error(`deno task start exited:\n${output()}`);
      port = Number(output().match(/"HTTP front on[^\n]*"port":(\d+)/)?.[1] ?? 0);
      return port > 0;
    }, 60_000);
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: await response.json() };
    };
    const until = performance.now() + 120_000;
    while ((await get("/health/ready")).status !== 200) {
      assert.ok(performance.now() < until, `not ready:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    while ((await get("/api/status")).body.snapshots.stored < SNAPSHOTS) {
      assert.ok(performance.now() < until, `not every snapshot stored:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual((await get("/api/status")).body.degraded, []);
    assert.deepEqual(lines.filter((line) => /NotCapable|Requires \w+ access/.test(line)), []);
  } finally {
    if (!ended) child.kill("SIGTERM");
    await reading;
  }
  assert.equal((await exited).code, 0, `a clean stop:\n${lines.slice(-10).join("\n")}`);
}

function lineSplitter(): TransformStream<string, string> {
  let pending = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      for (const part of parts) controller.enqueue(part);
    },
    flush(controller) {
      if (pending !== "") controller.enqueue(pending);
    },
  });
}

Deno.test("deno task start runs the collector on PGlite with its derived permissions, refused nothing", async () => {
  // Not tests/helpers/pglite.ts's copy: it lives in /dev/shm, which Deno grants only to -A.
  const dataDir = await Deno.makeTempDir({ prefix: "permissions_start_" });
  try {
    await runStartTask({ DATA_DIR: dataDir, FEED: FIXTURES_DIR });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test({
  name: "deno task start runs the collector on PostgreSQL and Redis with its derived permissions",
  ignore: requirePostgres.ignore || requireRedis.ignore,
  fn: () =>
    withTempDatabase(async (url) => {
      const dataDir = await Deno.makeTempDir({ prefix: "permissions_start_" });
      try {
        await runStartTask({ DATA_DIR: dataDir, FEED: FIXTURES_DIR, DATABASE_URL: url, REDIS_URL });
      } finally {
        await Deno.remove(dataDir, { recursive: true });
        await withClient(REDIS_URL, async (redis) => {
          const keys = await redis.keys("vatsim:*:latest");
          if (keys.length > 0) await redis.del(...keys);
        });
      }
    }),
});
