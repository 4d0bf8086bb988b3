/**
 * The processor: parses and validates each raw snapshot, then sends its summary and rejected records to
 * the store and the summary to the cache. A body that is not a v3 snapshot goes to the store's quarantine
 * with the reason (G3); nothing a snapshot contains can crash the processor.
 */
import { z } from "zod";
import { defineActor } from "../runtime/actor.ts";
import { parseSnapshot, summariseSnapshot } from "../feed/parse_snapshot.ts";
import { peekUpdateTimestamp } from "../feed/timestamp.ts";
import { CacheProtocol, ProcessorProtocol, SERVICES, StoreProtocol } from "./protocol.ts";

const ConfigSchema = z.object({
  /** Rejected records sent to the quarantine per snapshot; the rest are counted, not kept. */
  maxRejectedPerSnapshot: z.number().int().nonnegative().max(100).default(100),
});

export default defineActor({
  protocol: ProcessorProtocol,
  config: ConfigSchema,
  start: (ctx) => ({
    store: ctx.ref(SERVICES.store, StoreProtocol),
    cache: ctx.ref(SERVICES.cache, CacheProtocol),
  }),
  handle(state, message, ctx) {
    const { fetch, raw } = message.body;
    const bytes = new Uint8Array(raw);
    const startedAt = performance.now();
    const parsed = parseSnapshot(bytes);
    ctx.metrics.count("snapshot_processing_ms_total", performance.now() - startedAt);
    if (!parsed.ok) {
      ctx.metrics.count("snapshots_rejected_total");
      ctx.log.warn("{source} is not a v3 snapshot, quarantined: {reason}", {
        source: fetch.source,
        reason: parsed.reason,
      });
      const updateTimestamp = peekUpdateTimestamp(bytes);
      state.store.tell("store.quarantine", { fetch, reason: parsed.reason, raw, updateTimestamp }, {
        transfer: [raw],
      });
      return state;
    }
    const summary = summariseSnapshot(parsed.snapshot);
    const rejected = parsed.rejected.slice(0, ctx.config.maxRejectedPerSnapshot).map((r) => ({
      section: r.section,
      reason: r.reason,
      raw: r.raw,
    }));
    if (parsed.rejected.length > 0) ctx.metrics.count("records_rejected_total", parsed.rejected.length);
    for (const record of parsed.flagged) {
      for (const flag of record.flags) ctx.metrics.count("records_flagged_total", 1, { flag });
    }
    ctx.metrics.count("snapshots_processed_total");
    state.store.tell("store.snapshot", { fetch, summary, rejected, rejectedTotal: parsed.rejected.length });
    state.cache.tell("cache.put", { summary, fetch });
    return state;
  },
});
