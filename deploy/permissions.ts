/**
 * What the collector may touch, derived from its configuration: the process's `--allow-*` flags (for
 * `deno task start`, the compiled binary and the systemd unit) and each actor worker's share of them.
 * Run as a script it prints the flags for the current environment; `deno task start` splices them in.
 *
 * Why derived and not written once in deno.json: the hosts (DATABASE_URL, REDIS_URL, the feed, the OTLP
 * endpoint), the port and the folders (DATA_DIR, a replay FEED) are configurable, and a task is a static
 * string. Deriving them in one place also keeps each worker's set a subset of the process's by
 * construction, which Deno requires (a worker asking for more than its parent fails to start).
 *
 * What Deno cannot grant this way: paths under /proc, /dev and /sys need --allow-all. So a worker's OS
 * thread id (/proc/thread-self), and with it the zombie-thread report of a hung worker, is only there
 * when run with -A, and a DATA_DIR in /dev/shm works only under -A.
 */
import type { z } from "zod";
import { EnvSchema } from "../config.ts";
import type { SERVICES } from "../actors/protocol.ts";

/** The settings permissions depend on, validated and defaulted as config.ts does. */
const SettingsSchema = EnvSchema.pick({
  PORT: true,
  DATA_DIR: true,
  FEED: true,
  DATABASE_URL: true,
  REDIS_URL: true,
  VATSIM_STATUS_URL: true,
  OTEL_EXPORTER_OTLP_ENDPOINT: true,
});
export type PermissionSettings = z.output<typeof SettingsSchema>;
/** The variables they come from: all the flags script may read (`deno task start` grants it these). */
export const SETTING_VARIABLES = Object.keys(SettingsSchema.shape);

/** Allow-lists of one kind each; a kind left out grants nothing. */
export interface PermissionLists {
  env?: string[];
  net?: string[];
  read?: string[];
  write?: string[];
}

/**
 * A worker's permissions (its `deno.permissions`): the same lists, with the whole environment allowed
 * for; or all of the process's (`inherit`) where no list can say what it needs (see actorPermissions).
 */
export type WorkerLists = Omit<PermissionLists, "env"> & { env?: string[] | true };
export type WorkerPermissions = WorkerLists | "inherit";

export type ActorName = Exclude<(typeof SERVICES)[keyof typeof SERVICES], "front">;

/** Where the code and the npm packages are; both differ between `deno run` and a compiled binary. */
export interface CodeLocations {
  /** Folders of the modules the workers load (codeFolders()). */
  code: string[];
  /** PGlite's own files (pgliteDistFolder()). */
  pglite: string;
}

/**
 * The folders of the modules the actor workers load. A worker loads its actor with a dynamic import,
 * and Deno checks read access for each local module of a dynamically imported graph; the parent needs
 * it for the worker's entry too. tests/include_list_test.ts checks the workers' modules all lie in these.
 */
export const CODE_FOLDERS = [
  "actors",
  "cache",
  "db",
  "feed",
  "runtime",
  "sim",
  "sql",
  "supervision",
  "traffic",
];

/**
 * VATSIM's status document and the host it names for the v3 data today. Another status URL (a mirror,
 * the simulator, a test's fake feed) is taken to serve its data itself; one that names a data host of
 * its own needs that host added here.
 */
const VATSIM_STATUS_HOST = "status.vatsim.net:443";
const VATSIM_DATA_HOST = "data.vatsim.net:443";
/**
 * What npm:postgres reads: the PG* variables (PGPASSWORD, PGSSLMODE, …), and the user's login name when
 * the URL names no user (os.userInfo() needs --allow-sys; it falls back to these).
 */
const POSTGRES_ENV = ["PG*", "USER", "USERNAME", "LOGNAME"];
/** The OpenTelemetry SDK reads the standard OTEL_* variables (headers, timeout, compression, …) itself. */
const OTEL_ENV = ["OTEL_*"];

/**
 * Each actor's permissions: reading its own code, and past that only what its work needs. The processor
 * and the monitor get nothing more: they only parse and count what reaches them over the bus.
 *
 * @param wholeEnvironment whether the process may read every variable (run with -A or a bare
 *   --allow-env, as the tests do), rather than a list with --ignore-env (permissionFlags)
 */
export function actorPermissions(
  settings: PermissionSettings,
  where: CodeLocations = { code: codeFolders(), pglite: pgliteDistFolder() },
  wholeEnvironment: boolean = Deno.permissions.querySync({ name: "env" }).state === "granted",
): Record<ActorName, WorkerPermissions> {
  const { code } = where;
  // `debug` (under ioredis) lists the whole environment when the cache loads. Under --ignore-env that
  // lists only what was granted (nothing); without it the listing needs every variable, which the
  // process then has anyway.
  const cacheEnv = wholeEnvironment ? { env: true as const } : {};
  const store: WorkerLists = settings.DATABASE_URL === undefined
    // PGlite reads its .wasm and .data files at start.
    ? { read: [...code, settings.DATA_DIR, where.pglite], write: [settings.DATA_DIR] }
    : {
      read: [...code, settings.DATA_DIR],
      write: [settings.DATA_DIR],
      net: urlHosts(settings.DATABASE_URL, 5432),
      env: POSTGRES_ENV,
    };
  const cache = settings.REDIS_URL === undefined
    ? { read: code, ...cacheEnv }
    : { read: code, net: urlHosts(settings.REDIS_URL, 6379), ...cacheEnv };
  return {
    store: inheritSpecialPaths(store),
    cache: inheritSpecialPaths(cache),
    processor: inheritSpecialPaths({ read: code }),
    fetcher: inheritSpecialPaths(feedPermissions(settings, code)),
    monitor: inheritSpecialPaths({ read: code }),
  };
}

/**
 * Deno grants paths under /dev, /proc and /sys only with --allow-all, which a worker has only when it
 * inherits all of the process's permissions. An actor that needs one (a DATA_DIR in /dev/shm, as the
 * tests use) inherits them: everything under -A; under permissionFlags, which cannot grant such a
 * path, it fails as the process would.
 */
function inheritSpecialPaths(permissions: WorkerLists): WorkerPermissions {
  const paths = [...permissions.read ?? [], ...permissions.write ?? []];
  return paths.some(isSpecialPath) ? "inherit" : permissions;
}

const isSpecialPath = (path: string) => /^\/(dev|proc|sys)(\/|$)/.test(path);

/**
 * The process's permissions: every actor's, plus what the main thread does itself (listen on PORT, read
 * the configuration and a replay FEED, export traces, serve the simulated feed on 127.0.0.1).
 *
 * @param target `compile` leaves out the code and PGlite's folders: a compiled binary carries both in
 *   its own file system, which Deno lets it read without a grant (and paths of this machine would mean
 *   nothing there).
 * @param where the code's and PGlite's folders on the machine that will run it; by default this one's
 */
export function processPermissions(
  settings: PermissionSettings,
  options: { target?: "run" | "compile"; where?: CodeLocations } = {},
): PermissionLists {
  const where = options.target === "compile"
    ? { code: [], pglite: "" }
    : options.where ?? { code: codeFolders(), pglite: pgliteDistFolder() };
  const lists = {
    env: Object.keys(EnvSchema.shape),
    net: [`0.0.0.0:${settings.PORT}`],
    read: isReplay(settings.FEED) && !isSpecialPath(settings.FEED) ? [settings.FEED] : [],
    write: [] as string[],
  };
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined) {
    lists.net.push(...urlHosts(settings.OTEL_EXPORTER_OTLP_ENDPOINT, 0));
    lists.env.push(...OTEL_ENV);
  }
  for (const actor of Object.values(actorPermissions(settings, where, false))) {
    if (actor === "inherit") continue;
    for (const kind of ["env", "net", "read", "write"] as const) {
      const items = actor[kind];
      if (Array.isArray(items)) {
        lists[kind].push(...items.filter((item) => item !== "" && !isSpecialPath(item)));
      }
    }
  }
  return {
    env: [...new Set(lists.env)],
    net: [...new Set(lists.net)],
    read: [...new Set(lists.read)],
    write: [...new Set(lists.write)],
  };
}

/**
 * `--allow-*` flags, each list sorted and without repeats, after two that decide what an access outside
 * them does: `--no-prompt`, so that a missing grant fails at once instead of asking on a terminal; and
 * `--ignore-env`, so that a variable not granted reads as unset rather than failing. The second is for
 * libraries: `debug` (under ioredis) lists the whole environment when it loads, which no allow-list
 * permits, and a read in some rarely taken library path should not crash an actor.
 */
export function permissionFlags(lists: PermissionLists): string[] {
  const flags = ["--no-prompt", "--ignore-env"];
  for (const kind of ["env", "net", "read", "write"] as const) {
    const items = [...new Set(lists[kind] ?? [])].sort();
    if (items.length > 0) flags.push(`--allow-${kind}=${items.join(",")}`);
  }
  return flags;
}

/**
 * The settings in an environment, or null when one is invalid (main.ts then names it). Empty values
 * count as unset, as in config.ts.
 */
export function permissionSettings(
  env: Record<string, string | undefined> = environment(),
): PermissionSettings | null {
  const present = Object.fromEntries(SETTING_VARIABLES.flatMap((key) => env[key] ? [[key, env[key]]] : []));
  const parsed = SettingsSchema.safeParse(present);
  return parsed.success ? parsed.data : null;
}

/** This process's values of SETTING_VARIABLES, and of nothing else. */
const environment = () => Object.fromEntries(SETTING_VARIABLES.map((key) => [key, Deno.env.get(key)]));

/** CODE_FOLDERS as absolute paths, wherever the code is (the project, or a compiled binary's own files). */
export function codeFolders(): string[] {
  return CODE_FOLDERS.map((folder) => pathOf(new URL(`../${folder}`, import.meta.url)));
}

/** The folder of PGlite's own files, wherever npm packages are (Deno's cache, or a binary's). */
export function pgliteDistFolder(): string {
  return pathOf(new URL(".", import.meta.resolve("@electric-sql/pglite")));
}

/** A file URL's path, without a trailing slash. */
const pathOf = (url: URL) => decodeURIComponent(url.pathname).replace(/(.)\/$/, "$1");

function feedPermissions(settings: PermissionSettings, code: string[]): WorkerLists {
  if (settings.FEED === "sim") return { read: code, net: ["127.0.0.1"] };
  if (isReplay(settings.FEED)) return { read: [...code, settings.FEED] };
  const status = urlHosts(settings.VATSIM_STATUS_URL, 0);
  return { read: code, net: status.includes(VATSIM_STATUS_HOST) ? [...status, VATSIM_DATA_HOST] : status };
}

const isReplay = (feed: string) => feed !== "live" && feed !== "sim";

/**
 * `host:port` of each host a URL names. Written out by hand because npm:postgres URLs may list several
 * hosts (`postgres://a:5432,b:5433/db`), which `new URL` refuses. A port of 0 means the scheme's default.
 */
export function urlHosts(url: string, defaultPort: number): string[] {
  const scheme = url.match(/^([a-z][a-z0-9+.-]*):\/\//i)?.[1].toLowerCase() ?? "";
  const authority = url.slice(scheme.length + 3).split(/[/?#]/)[0];
  const hosts = authority.slice(authority.lastIndexOf("@") + 1);
  const fallback = defaultPort !== 0 ? defaultPort : scheme === "https" ? 443 : 80;
  return hosts.split(",").filter((host) => host !== "").map((host) =>
    /:\d+$/.test(host) ? host.toLowerCase() : `${host.toLowerCase()}:${fallback}`
  );
}

/**
 * Prints the flags for this environment on one line. Whatever goes wrong, at least `--no-prompt` is
 * printed, and the configuration's variables when a value is bad, so that main.ts starts far enough to
 * name it.
 */
function printFlags(): void {
  const settings = permissionSettings();
  const lists = settings === null ? { env: Object.keys(EnvSchema.shape) } : processPermissions(settings);
  for (const [name, path] of Object.entries({ DATA_DIR: settings?.DATA_DIR, FEED: settings?.FEED })) {
    if (path !== undefined && isSpecialPath(path)) {
      console.error(
        `deploy/permissions.ts: ${name}=${path}: Deno grants paths there only to -A; choose another folder`,
      );
    }
  }
  // `deno task` splits the substituted flags at whitespace, and Deno splits each list at commas.
  const unusable = [...new Set(Object.values(lists).flat().filter((item) => /[\s,]/.test(item)))];
  if (unusable.length > 0) {
    const names = unusable.map((item) => JSON.stringify(item)).join(", ");
    console.error(
      `deploy/permissions.ts: ${names} holds a space or a comma, which the start task cannot pass on: ` +
        "run `deno run` with the flags written out by hand",
    );
    console.log("--no-prompt");
    Deno.exitCode = 1;
    return;
  }
  console.log(permissionFlags(lists).join(" "));
}

if (import.meta.main) printFlags();
