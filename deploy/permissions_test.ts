import assert from "node:assert/strict";
import project from "../deno.json" with { type: "json" };
import { EnvSchema } from "../config.ts";
import {
  actorPermissions,
  CODE_FOLDERS,
  codeFolders,
  permissionFlags,
  type PermissionLists,
  permissionSettings,
  pgliteDistFolder,
  processPermissions,
  SETTING_VARIABLES,
  urlHosts,
  type WorkerLists,
  type WorkerPermissions,
} from "./permissions.ts";

const SCRIPT = new URL("./permissions.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

const settingsOf = (env: Record<string, string>) => {
  const settings = permissionSettings(env);
  assert.ok(settings, JSON.stringify(env));
  return settings;
};

/** Configurations that between them take every branch of the derivation. */
const CASES: Record<string, Record<string, string>> = {
  "defaults (live feed, PGlite)": {},
  "PostgreSQL and Redis": {
    DATABASE_URL: "postgres://vatsim:secret@db.example:6543/vatsim",
    REDIS_URL: "rediss://:pw@cache.example/0",
  },
  "several PostgreSQL hosts": { DATABASE_URL: "postgresql://u@a:5432,b:5433/db?sslmode=require" },
  "simulated feed": { FEED: "sim", PORT: "9000" },
  "replay folder": { FEED: "/srv/recorded", DATA_DIR: "/var/lib/collector" },
  "own status URL, traces": {
    VATSIM_STATUS_URL: "http://mirror.example:8081/status.json",
    OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example",
  },
};

/** The lists of a worker that does not inherit all of the process's permissions. */
function listsOf(permissions: WorkerPermissions): WorkerLists {
  if (permissions === "inherit") throw new assert.AssertionError({ message: "inherits all permissions" });
  return permissions;
}

function assertSubset(inner: WorkerPermissions, outer: PermissionLists, what: string): void {
  const lists = listsOf(inner);
  for (const kind of ["env", "net", "read", "write"] as const) {
    const items: string[] | true = lists[kind] ?? [];
    assert.ok(items !== true, `${what}: the whole environment`);
    const missing = items.filter((item) => !(outer[kind] ?? []).includes(item));
    assert.deepEqual(missing, [], `${what}: ${kind} not granted to the process`);
  }
}

Deno.test("urlHosts names each host with its port, the scheme's or the given default", () => {
  assert.deepEqual(urlHosts("postgres://u:p@db:6543/x", 5432), ["db:6543"]);
  assert.deepEqual(urlHosts("postgres://u@db/x", 5432), ["db:5432"]);
  assert.deepEqual(urlHosts("postgresql://u@a:1,b,[::1]:3/db?x=1", 5432), ["a:1", "b:5432", "[::1]:3"]);
  assert.deepEqual(urlHosts("redis://:p@Cache.Example", 6379), ["cache.example:6379"]);
  assert.deepEqual(urlHosts("https://status.vatsim.net/status.json", 0), ["status.vatsim.net:443"]);
  assert.deepEqual(urlHosts("http://127.0.0.1:8090/status.json", 0), ["127.0.0.1:8090"]);
  assert.deepEqual(urlHosts("http://otel.example", 0), ["otel.example:80"]);
});

Deno.test("every actor's permissions are within the process's, so no worker fails to start", () => {
  for (const [name, env] of Object.entries(CASES)) {
    const settings = settingsOf(env);
    const process = processPermissions(settings);
    for (const [actor, lists] of Object.entries(actorPermissions(settings, undefined, false))) {
      assertSubset(lists, process, `${name}, ${actor}`);
    }
  }
});

Deno.test("only where the process may read every variable does the cache get them (for ioredis's debug)", () => {
  const settings = settingsOf({});
  const listed = actorPermissions(settings, undefined, false);
  const whole = actorPermissions(settings, undefined, true);
  assert.deepEqual(listed.cache, { read: codeFolders() });
  assert.deepEqual(whole.cache, { read: codeFolders(), env: true });
  for (const actor of ["store", "processor", "fetcher", "monitor"] as const) {
    assert.deepEqual(whole[actor], listed[actor], actor);
  }
  assert.ok(permissionFlags(processPermissions(settings)).includes("--ignore-env"));
});

Deno.test("the process reaches only what its configuration names", () => {
  const live = processPermissions(settingsOf({}));
  assert.deepEqual(live.net?.toSorted(), ["0.0.0.0:8080", "data.vatsim.net:443", "status.vatsim.net:443"]);
  assert.deepEqual(live.write, ["./data"]);
  assert.deepEqual(live.read?.toSorted(), [...codeFolders(), "./data", pgliteDistFolder()].sort());
  assert.ok(!live.env?.includes("PG*"), "no PG* variables without DATABASE_URL");

  const remote = processPermissions(settingsOf(CASES["PostgreSQL and Redis"]));
  assert.ok(remote.net?.includes("db.example:6543") && remote.net.includes("cache.example:6379"));
  assert.ok(remote.env?.includes("PG*"));
  assert.ok(!remote.read?.includes(pgliteDistFolder()), "PGlite's files only when PGlite is used");

  const mirror = processPermissions(settingsOf(CASES["own status URL, traces"]));
  assert.ok(mirror.net?.includes("mirror.example:8081") && !mirror.net.includes("data.vatsim.net:443"));
  assert.ok(mirror.net?.includes("otel.example:443") && mirror.env?.includes("OTEL_*"));

  const replay = processPermissions(settingsOf(CASES["replay folder"]));
  assert.deepEqual(replay.net, ["0.0.0.0:8080"]);
  assert.ok(replay.read?.includes("/srv/recorded"));
  assert.deepEqual(replay.write, ["/var/lib/collector"]);
});

Deno.test("a compiled binary is given no path of this machine but its data", () => {
  const compiled = processPermissions(settingsOf({ DATA_DIR: "/var/lib/collector" }), { target: "compile" });
  assert.deepEqual(compiled.read, ["/var/lib/collector"]);
  assert.deepEqual(compiled.write, ["/var/lib/collector"]);
});

Deno.test("PGlite's folder is where its files are; the code folders exist", async () => {
  const info = new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" });
  const { npmCache } = JSON.parse(new TextDecoder().decode((await info.output()).stdout));
  assert.ok(pgliteDistFolder().startsWith(`${npmCache}/`), pgliteDistFolder());
  assert.ok((await Deno.stat(`${pgliteDistFolder()}/pglite.wasm`)).isFile);
  for (const folder of codeFolders()) assert.ok((await Deno.stat(folder)).isDirectory, folder);
  assert.equal(codeFolders().length, CODE_FOLDERS.length);
});

Deno.test("the tasks grant their helper scripts exactly the variables those read", () => {
  assert.equal(
    project.tasks.start,
    `deno run $(deno run --allow-env=${SETTING_VARIABLES.join(",")} deploy/permissions.ts) main.ts`,
  );
  assert.match(project.tasks.compile, new RegExp(`--allow-env=${SETTING_VARIABLES.join(",")},DENORT_BIN `));
  for (const task of ["start", "sim", "compile"] as const) {
    assert.doesNotMatch(project.tasks[task], /(^|\s)(-A|--allow-all)(\s|$)/, task);
  }
});

async function printFlags(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", `--allow-env=${SETTING_VARIABLES.join(",")}`, SCRIPT],
    cwd: ROOT,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", ...env },
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return { code, out: decode(stdout), err: decode(stderr) };
}

Deno.test("the start task's flags are the ones derived from the environment", async () => {
  const env = { DATA_DIR: "/tmp/collector", FEED: "sim", DATABASE_URL: "postgres://u@127.0.0.1/db" };
  const { code, out } = await printFlags(env);
  assert.equal(code, 0);
  assert.equal(out, permissionFlags(processPermissions(settingsOf(env))).join(" "));
  assert.match(
    out,
    /^--no-prompt --ignore-env --allow-env=\S+ --allow-net=\S+ --allow-read=\S+ --allow-write=\S+$/,
  );
});

Deno.test("with a bad value the start task still lets main.ts name it; a path with a space stops it", async () => {
  const bad = await printFlags({ PORT: "eighty" });
  assert.equal(bad.out, permissionFlags({ env: Object.keys(EnvSchema.shape) }).join(" "));

  const spaced = await printFlags({ DATA_DIR: "/srv/my data" });
  assert.equal(spaced.code, 1);
  assert.equal(spaced.out, "--no-prompt");
  assert.match(spaced.err, /"\/srv\/my data" holds a space or a comma/);
});

Deno.test("an actor that needs a path Deno grants only under -A inherits the process's permissions", () => {
  const settings = settingsOf({ DATA_DIR: "/dev/shm/collector" });
  const actors = actorPermissions(settings, undefined, false);
  assert.equal(actors.store, "inherit");
  assert.deepEqual(listsOf(actors.processor), { read: codeFolders() });
  assert.ok(!processPermissions(settings).read?.includes("/dev/shm/collector"), "no flag can grant it");
});
