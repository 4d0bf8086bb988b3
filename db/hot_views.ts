/**
 * The hot views: the answers of the busiest read routes for "now" (`GET /api/flights`,
 * `/api/atc-positions` and `/api/atis` without parameters). The store reads and serialises them once
 * after it stores a snapshot; the cache keeps the bytes (Redis or memory) and hands them to the front,
 * which answers those requests from memory instead of with a database round trip each.
 *
 * They are exactly what the route would answer from the database: the same read, checked against the
 * same schema the front checks a store answer with, serialised the same way.
 */
import type { CacheKind } from "../cache/store.ts";
import type { Queryable } from "./database.ts";
import {
  AtcPositionsSchema,
  AtisListSchema,
  databaseQueries,
  type DataQueries,
  FlightPageSchema,
} from "./queries.ts";

/** One buffer of JSON per view, so each can be moved to the cache. */
export type HotViewBytes = Record<CacheKind, ArrayBuffer>;

interface HotView {
  /** The route whose parameterless answer this is. */
  route: string;
  read(reads: DataQueries): Promise<unknown>;
  schema: { parse(value: unknown): unknown };
}

export const HOT_VIEWS: Record<CacheKind, HotView> = {
  flights: { route: "/api/flights", read: (reads) => reads.flights({}), schema: FlightPageSchema },
  controllers: {
    route: "/api/atc-positions",
    read: (reads) => reads.atcPositions({}),
    schema: AtcPositionsSchema,
  },
  atis: { route: "/api/atis", read: (reads) => reads.atis({}), schema: AtisListSchema },
};

/** Reads and serialises every hot view as of the newest stored snapshot. */
export async function readHotViews(db: Queryable): Promise<HotViewBytes> {
  const reads = databaseQueries(db);
  const views = {} as HotViewBytes;
  for (const [kind, view] of Object.entries(HOT_VIEWS) as [CacheKind, HotView][]) {
    const bytes = new TextEncoder().encode(JSON.stringify(view.schema.parse(await view.read(reads))));
    views[kind] = bytes.buffer;
  }
  return views;
}
