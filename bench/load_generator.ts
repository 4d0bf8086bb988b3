/** Runs bench/http_load.ts in a process of its own and returns what it measured. */

/** One path's (or all paths') figures, as http_load.ts prints them. */
export interface LoadFigures {
  requests: number;
  failures: number;
  bytesPerResponse: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadResult extends LoadFigures {
  paths: Record<string, LoadFigures>;
}

const SCRIPT = new URL("./http_load.ts", import.meta.url).pathname;

/** `connections` keep-alive connections on `urls` (same host, taken in turn) for `seconds`. */
export async function runLoad(urls: string[], seconds: number, connections: number): Promise<LoadResult> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", SCRIPT, urls.join(","), `${seconds}`, `${connections}`],
  }).output();
  if (code !== 0) throw new Error(`the load generator failed: ${new TextDecoder().decode(stderr)}`);
  const result = JSON.parse(new TextDecoder().decode(stdout)) as LoadResult;
  if (result.failures > 0) {
    const failed = Object.entries(result.paths).filter(([, p]) => p.failures > 0).map(([path]) => path);
    throw new Error(`${result.failures} requests did not answer 200 (${failed.join(", ")})`);
  }
  return result;
}
