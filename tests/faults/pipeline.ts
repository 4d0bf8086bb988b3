/**
 * The processor and the store actors in this process (inline, no workers), writing into a throwaway
 * PostgreSQL database: the real path of a snapshot from raw bytes to committed rows, without the
 * fetcher, so tests can push any body through it. The cache and the front are silent stand-ins.
 */
import { CacheProtocol, FrontProtocol, ProcessorProtocol, SERVICES } from "../../actors/protocol.ts";
import { ActorSystem } from "../../supervision/system.ts";
import { withCaseStore } from "./runs.ts";

const actor = (name: string) => new URL(`../../actors/${name}.ts`, import.meta.url).href;

export interface Pipeline {
  url: string;
  /** Hands one raw body to the processor, as the fetcher does. */
  send(bytes: Uint8Array, source: string): void;
  /** Restarts so far of the processor and the store: a body that crashed one shows here. */
  restarts(): number;
  /** Waits until the store has handled at least `messages` messages and has none waiting. */
  storeIdle(messages: number, timeoutMs?: number): Promise<void>;
}

export async function withPipeline<T>(fn: (pipeline: Pipeline) => Promise<T>): Promise<T> {
  return await withCaseStore(async ({ url, dataDir }) => {
    const system = new ActorSystem({
      type: "supervisor",
      name: "root",
      // Never meant to give up: 100 restarts with the default backoff (up to 30 s) take 47 minutes.
      intensity: 100,
      periodMs: 3_600_000,
      children: [
        {
          name: SERVICES.store,
          module: actor("store"),
          isolation: "inline",
          heartbeatMs: 0,
          // The hot views are the cache's business; reading them after each write would only slow this.
          config: { databaseUrl: url, dataDir, hotViewsEveryMs: 3_600_000 },
        },
        { name: SERVICES.processor, module: actor("processor"), isolation: "inline", heartbeatMs: 0 },
      ],
    }, { log: { level: "fatal", format: "pretty" }, spareWorkers: 0 });
    system.bus.serve(SERVICES.cache, CacheProtocol, () => {});
    system.bus.serve(SERVICES.front, FrontProtocol, () => {});
    await system.start();
    try {
      const processor = system.ref(SERVICES.processor, ProcessorProtocol);
      return await fn({
        url,
        send(bytes, source) {
          const raw = bytes.slice().buffer;
          processor.tell("processor.snapshot", {
            fetch: { source, fetchedAt: Date.now(), fetchMs: null, bytes: raw.byteLength },
            raw,
          }, { transfer: [raw] });
        },
        restarts: () =>
          [SERVICES.processor, SERVICES.store].reduce(
            (sum, name) => sum + (system.actor(name)?.health().restarts ?? 0),
            0,
          ),
        async storeIdle(messages, timeoutMs = 30_000) {
          const until = Date.now() + timeoutMs;
          for (;;) {
            const health = system.actor(SERVICES.store)?.health();
            if (health && health.handled >= messages && health.mailbox.depth === 0) return;
            if (Date.now() > until) throw new Error(`the store handled ${health?.handled} of ${messages}`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        },
      });
    } finally {
      await system.stop();
    }
  });
}
