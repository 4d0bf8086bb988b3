/**
 * The collector as `deno task start` runs it (main.ts with the permissions deploy/permissions.ts derives
 * from its configuration), in a child process of its own, for the load bench and the soak: what is
 * measured is the real service, and its memory is not mixed with the harness's.
 */
import { EnvSchema } from "../config.ts";
import { permissionFlags, permissionSettings, processPermissions } from "../deploy/permissions.ts";
import { within } from "./deadline.ts";

export interface ServiceOptions {
  /** The service's environment (PORT is chosen here). */
  env: Record<string, string>;
  /** Start with the V8 inspector on 127.0.0.1, so that bench/inspector.ts can read every heap. */
  inspect?: boolean;
  /** How long start-up may take (PGlite's first start runs initdb). */
  readyTimeoutMs?: number;
  /**
   * What counts as started: `ready`, /health/ready answers 200 (default); `running`, every actor runs.
   * Under a feed faster than the store, the store's ping waits behind its writes and /health/ready can
   * stay 503 although everything works.
   */
  until?: "ready" | "running";
  /** Where the service's own log lines go (default: this process's stderr). */
  log?: (line: string) => void;
}

export interface Service {
  pid: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The inspector's WebSocket URL, with `inspect`. */
  inspector: string | null;
  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number>;
  /** Resolves when the process ends by itself or is stopped. */
  exited: Promise<Deno.CommandStatus>;
}

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** A port nobody listens on now (the service binds it a moment later). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts the service and waits until it is ready. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const port = freePort();
  // The harness's own setting of a service variable (DATABASE_URL, REDIS_URL, …) must not leak in.
  const inherited = Object.entries(Deno.env.toObject()).filter(([name]) => !(name in EnvSchema.shape));
  const env = { ...Object.fromEntries(inherited), ...options.env, PORT: String(port) };
  const settings = permissionSettings(env);
  if (settings === null) throw new Error(`invalid service settings: ${JSON.stringify(env)}`);
  const flags = permissionFlags(processPermissions(settings));
  const inspect = options.inspect ? [`--inspect=127.0.0.1:${freePort()}`] : [];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, ...inspect, MAIN],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const log = options.log ?? ((line: string) => console.error(line));
  const inspector = Promise.withResolvers<string>();
  if (!options.inspect) inspector.resolve("");
  const lines = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines());
  const reading = Promise.all([lines(child.stdout), lines(child.stderr)].map(async (stream) => {
    for await (const line of stream) {
      const ws = /Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (ws) inspector.resolve(ws[1]);
      else if (!line.startsWith("Visit chrome://inspect")) log(`service: ${line}`);
    }
  }));
  const exited = child.status.then(async (status) => {
    await reading;
    return status;
  });
  const base = `http://127.0.0.1:${port}`;
  const service: Service = {
    pid: child.pid,
    base,
    inspector: null,
    async stop(graceMs = 30_000) {
      try {
        child.kill("SIGTERM");
      } catch {
        // it has already ended
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // it ended meanwhile
        }
      }, graceMs);
      try {
        return (await exited).code;
      } finally {
        clearTimeout(timer);
      }
    },
    exited,
  };
  try {
    const ended = exited.then((status) => {
      throw new Error(`the service exited with ${status.code} while starting`);
    });
    ended.catch(() => {});
    service.inspector = (await Promise.race([inspector.promise, ended])) || null;
    await Promise.race([waitReady(base, options.readyTimeoutMs ?? 120_000, options.until ?? "ready"), ended]);
  } catch (error) {
    await service.stop(5_000);
    throw error;
  }
  return service;
}

async function waitReady(base: string, timeoutMs: number, until: "ready" | "running"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      if (until === "ready") {
        const response = await within(fetch(`${base}/health/ready`), 5_000, "/health/ready");
        last = `${response.status} ${await response.text()}`;
        if (response.ok) return;
      } else {
        const { services } = await getJson<{ services: { name: string; status: string }[] }>(
          base,
          "/api/services/health",
        );
        last = services.map((s) => `${s.name} ${s.status}`).join(", ");
        if (services.length > 0 && services.every((s) => s.status === "running")) return;
      }
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the service was not ${until} within ${timeoutMs} ms: ${last}`);
}

/** Splits a text stream into lines. */
function splitLines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      for (const part of parts) controller.enqueue(part);
    },
    flush(controller) {
      if (rest !== "") controller.enqueue(rest);
    },
  });
}

/** GETs `path` from the service and parses its JSON, within a deadline. */
export async function getJson<T>(base: string, path: string, timeoutMs = 5_000): Promise<T> {
  const response = await within(fetch(`${base}${path}`), timeoutMs, path);
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return await response.json() as T;
}
