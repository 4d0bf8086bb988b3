/**
 * The memory floor of the collector's shape: a Deno process with five workers that load nothing (the
 * spawn baseline's empty module) and an HTTP listener, idle. bench/memory_bench.ts reads its RSS as the
 * baseline of the collector's. Prints "ready" once every worker has answered, then waits to be killed.
 */
const workers = Array.from(
  { length: 5 },
  (_, i) => new Worker(new URL("./empty_worker.ts", import.meta.url), { type: "module", name: `empty#${i}` }),
);
await Promise.all(workers.map((worker) => new Promise((resolve) => worker.onmessage = resolve)));
Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => new Response("ok"));
console.log("ready");
