/**
 * Redis for tests: the shared local server (keys under a random prefix, removed afterwards) and throwaway
 * `redis-server` processes that a test can kill and start again. The rule for a missing server follows
 * postgres.ts: outside CI its tests are ignored with a note; in CI (`CI=true`) they run and fail.
 */
import { Redis } from "ioredis";

export const REDIS_URL = Deno.env.get("TEST_REDIS_URL") ?? "redis://127.0.0.1:6379";
const IN_CI = Deno.env.get("CI") === "true";
const PROBE_TIMEOUT_MS = 2_000;

/** The URL with any password masked, for messages. */
const redisTarget = (() => {
  try {
    const url = new URL(REDIS_URL);
    if (url.password) url.password = "***";
    return url.href;
  } catch {
    return "(TEST_REDIS_URL is not a valid URL)";
  }
})();

/** Sends PING over a plain socket; true when `+PONG` comes back within the deadline. */
async function ping(hostname: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  let conn: Deno.TcpConn | undefined;
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), timeoutMs));
  const exchange = async () => {
    conn = await Deno.connect({ hostname, port });
    if (done) conn.close(); // the deadline passed while connecting; the read below then fails
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buffer = new Uint8Array(16);
    const n = await conn.read(buffer);
    return n !== null && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("+PONG");
  };
  try {
    return await Promise.race([exchange().catch(() => false), timeout]);
  } finally {
    done = true;
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // already closed
    }
  }
}

async function probeShared(): Promise<boolean> {
  try {
    const url = new URL(REDIS_URL);
    return await ping(url.hostname, Number(url.port || 6379));
  } catch {
    return false;
  }
}

async function probeServerBinary(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("redis-server", { args: ["--version"], stdout: "null" })
      .output();
    return success;
  } catch {
    return false;
  }
}

/** Whether the shared server (`TEST_REDIS_URL`, default the local one) answered PING within 2 s. */
export const redisAvailable: boolean = await probeShared();
/** Whether `redis-server` can be started for throwaway servers. */
export const redisServerAvailable: boolean = await probeServerBinary();

if (!IN_CI) {
  if (!redisAvailable) console.log(`note: Redis at ${redisTarget} did not answer; Redis tests are ignored`);
  if (!redisServerAvailable) {
    console.log("note: redis-server is not on PATH; Redis stop-and-start tests are ignored");
  }
}

/** Spread into `Deno.test({...})`: ignored when the shared server is missing, except in CI. */
export const requireRedis: { ignore: boolean } = { ignore: !redisAvailable && !IN_CI };
/** Spread into `Deno.test({...})`: ignored when redis-server is missing, except in CI. */
export const requireRedisServer: { ignore: boolean } = { ignore: !redisServerAvailable && !IN_CI };

/**
 * Runs fn with the shared server's URL and a fresh key prefix `test_<random>`, then deletes every key
 * under that prefix, even when fn throws.
 */
export async function withRedisPrefix<T>(fn: (url: string, prefix: string) => Promise<T>): Promise<T> {
  if (!redisAvailable) {
    throw new Error(
      IN_CI
        ? `Redis is required in CI: nothing answered at ${redisTarget} (set TEST_REDIS_URL)`
        : `Redis is not available at ${redisTarget}`,
    );
  }
  const prefix = `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  try {
    return await fn(REDIS_URL, prefix);
  } finally {
    await withClient(REDIS_URL, async (client) => {
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length > 0) await client.del(...keys);
    });
  }
}

/** Runs fn with a plain ioredis client, for looking behind a store's back; always disconnects it. */
export async function withClient<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { connectTimeout: PROBE_TIMEOUT_MS, maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  try {
    return await fn(client);
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}

/** A port nothing listens on right now (the OS picked it, then it was released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A `redis-server` child on its own port with nothing saved to disk; kill and start it again at will. */
export class ThrowawayRedis {
  readonly port: number = freePort();
  readonly url: string = `redis://127.0.0.1:${this.port}`;
  #child: Deno.ChildProcess | undefined;

  /** Starts the server (again, on the same port) and waits until it answers PING. */
  async start(): Promise<void> {
    if (!redisServerAvailable) {
      throw new Error(
        IN_CI ? "redis-server is required in CI: it is not on PATH" : "redis-server is not on PATH",
      );
    }
    if (this.#child !== undefined) throw new Error("already running");
    this.#child = new Deno.Command("redis-server", {
      args: ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const until = performance.now() + 10_000;
    while (!(await ping("127.0.0.1", this.port, 500))) {
      if (performance.now() > until) {
        await this.kill();
        throw new Error(`redis-server on port ${this.port} did not answer within 10 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, like a hung Redis. */
  pause(): void {
    this.#child?.kill("SIGSTOP");
  }

  /** Lets a paused server run again (SIGCONT). */
  resume(): void {
    this.#child?.kill("SIGCONT");
  }

  /** Kills the server at once (SIGKILL: no goodbye to clients) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    child.kill("SIGKILL");
    await child.status;
  }
}

/** Polls the async `check` every 20 ms until it is true; throws with `what` after the timeout. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
