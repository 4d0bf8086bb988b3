/**
 * A closed-loop HTTP/1.1 load generator, run as its own process (bench/front_bench.ts, bench/load_bench.ts)
 * so that it does not share an event loop with the server it measures: `connections` keep-alive TCP
 * connections each send a GET (accepting gzip, as browsers and HTTP clients do), read the whole answer,
 * and send the next, for `seconds`. Given several URLs (comma-separated, same host), each connection
 * takes them in turn, starting at a different one. It speaks HTTP over the socket itself (answers with a
 * Content-Length only): `fetch` costs the client more than a small server costs, and would measure the
 * client. Prints one JSON line: requests, requests per second, latency percentiles, in all and per path.
 *
 *   deno run --allow-net bench/http_load.ts <url>[,<url>…] <seconds> <connections>
 */
import { percentile } from "./stats.ts";

const urls = Deno.args[0]?.split(",").map((u) => new URL(u)) ?? [];
const [seconds, connections] = [Number(Deno.args[1]), Number(Deno.args[2])];
if (urls.length === 0 || !(seconds > 0) || !(connections > 0)) {
  console.error("usage: http_load.ts <url>[,<url>…] <seconds> <connections>");
  Deno.exit(2);
}
const { hostname, port, host } = urls[0];

interface PathLoad {
  request: Uint8Array;
  latencies: number[];
  failures: number;
  bodyBytes: number;
}

const paths = urls.map((url): [string, PathLoad] => [`${url.pathname}${url.search}`, {
  request: new TextEncoder().encode(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\n` +
      "Accept-Encoding: gzip\r\n\r\n",
  ),
  latencies: [],
  failures: 0,
  bodyBytes: 0,
}]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);
const startedAt = performance.now();
const until = startedAt + seconds * 1000;

/** Where `needle` starts in `haystack[0, length)`, or -1. */
function indexOf(haystack: Uint8Array, length: number, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

async function loop(first: number): Promise<void> {
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const buffer = new Uint8Array(1 << 20);
  try {
    for (let k = first; performance.now() < until; k++) {
      const load = paths[k % paths.length][1];
      const sentAt = performance.now();
      await conn.write(load.request);
      // Headers first: read until the blank line, then the rest of the body by its length.
      let filled = 0;
      let headerEnd = -1;
      while (headerEnd < 0) {
        const n = await conn.read(buffer.subarray(filled));
        if (n === null) throw new Error("the server closed the connection");
        filled += n;
        headerEnd = indexOf(buffer, filled, HEADER_END);
      }
      const head = new TextDecoder().decode(buffer.subarray(0, headerEnd));
      const status = Number(head.slice(9, 12));
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN);
      if (!Number.isFinite(length)) throw new Error(`an answer without Content-Length:\n${head}`);
      let remaining = length - (filled - headerEnd - HEADER_END.length);
      while (remaining > 0) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error("the server closed the connection mid-body");
        remaining -= n;
      }
      if (status !== 200) load.failures++;
      load.bodyBytes += length;
      load.latencies.push(performance.now() - sentAt);
    }
  } finally {
    conn.close();
  }
}

await Promise.all(Array.from({ length: connections }, (_, c) => loop(c)));
const elapsedS = (performance.now() - startedAt) / 1000;
const all = paths.flatMap(([, load]) => load.latencies);
if (all.length === 0) throw new Error(`no request to ${urls[0]} finished within ${seconds} s`);
const summary = (latencies: number[], failures: number, bodyBytes: number) => ({
  requests: latencies.length,
  failures,
  bytesPerResponse: latencies.length === 0 ? 0 : Math.round(bodyBytes / latencies.length),
  rps: latencies.length / elapsedS,
  p50Ms: latencies.length === 0 ? null : percentile(latencies, 50),
  p99Ms: latencies.length === 0 ? null : percentile(latencies, 99),
});
const sum = (key: "failures" | "bodyBytes") => paths.reduce((total, [, load]) => total + load[key], 0);
console.log(JSON.stringify({
  ...summary(all, sum("failures"), sum("bodyBytes")),
  paths: Object.fromEntries(
    paths.map(([path, load]) => [path, summary(load.latencies, load.failures, load.bodyBytes)]),
  ),
}));
