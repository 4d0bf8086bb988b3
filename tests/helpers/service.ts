/**
 * Runs the real service (`main.ts`) as a child process, as `deno task start` does, and talks to it over
 * HTTP. Logs are JSON lines; the port is the one the service reports (it is started with PORT=0).
 */
import { waitFor } from "./system.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface LogLine {
  level: string;
  logger: string;
  message: string;
  properties: Record<string, unknown>;
}

export interface RunningService {
  url: string;
  /** The child's process id (its threads, the actors' workers, are in the same process). */
  pid: number;
  logs: LogLine[];
  /** Everything the process wrote that was not a JSON log line (e.g. a crash). */
  otherOutput: string[];
  getJson<T = Record<string, unknown>>(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: T }>;
  /** Polls `GET path` until `check(body)` holds; fails with the last body seen. */
  waitForJson<T = Record<string, unknown>>(
    path: string,
    what: string,
    check: (body: T) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
  /** SIGTERM, then waits for the exit; returns the exit code. */
  stop(): Promise<number>;
  /** SIGKILL, as a crash or the OOM killer would: nothing gets to clean up. Waits for the exit. */
  kill(): Promise<void>;
  /** Resolves with the exit code when the process ends by itself. */
  exited: Promise<number>;
}

export async function startService(env: Record<string, string>): Promise<RunningService> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN],
    env: { LOG_FORMAT: "json", LOG_LEVEL: "info", PORT: "0", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs: LogLine[] = [];
  const otherOutput: string[] = [];
  const readers = [child.stdout, child.stderr].map(async (stream) => {
    let pending = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) record(line);
    }
    if (pending) record(pending);
  });
  function record(line: string) {
    try {
      logs.push(JSON.parse(line));
    } catch {
      if (line.trim()) otherOutput.push(line);
    }
  }
  const exited = child.status.then(async (status) => {
    await Promise.all(readers);
    return status.code;
  });
  let exitCode: number | null = null;
  void exited.then((code) => exitCode = code);

  let port: number | undefined;
  try {
    await waitFor("the HTTP front to listen", () => {
      if (exitCode !== null) throw new Error(`the service exited (${exitCode}): ${otherOutput.join("\n")}`);
      port = logs.find((l) => l.message.startsWith("HTTP front on"))?.properties.port as number | undefined;
      return port !== undefined;
    }, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;

  const getJson = async <T>(path: string, init?: RequestInit) => {
    const response = await fetch(url + path, init);
    return { status: response.status, body: await response.json() as T };
  };
  return {
    url,
    pid: child.pid,
    logs,
    otherOutput,
    getJson,
    async waitForJson<T>(path: string, what: string, check: (body: T) => boolean, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < until) {
        if (exitCode !== null) throw new Error(`the service exited (${exitCode}) while waiting for ${what}`);
        const { body } = await getJson<T>(path);
        last = body;
        if (check(body)) return body;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}; last ${path}: ${JSON.stringify(last)}`);
    },
    async stop() {
      if (exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      return await exited;
    },
    async kill() {
      try {
        child.kill("SIGKILL");
      } catch {
        // It had exited already.
      }
      await exited;
    },
    exited,
  };
}
