/**
 * The front's copy of the hot views (db/hot_views.ts): the latest JSON answers of the parameterless
 * "now" routes, pushed by the cache after each stored snapshot, with their ETags computed once on
 * arrival. A request those views cover is answered from memory; any other goes to the database.
 */
import type { CacheKind } from "../cache/store.ts";
import type { MetricsRegistry } from "../runtime/metrics.ts";

export interface HotView {
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
  /** The same bytes gzipped, once on arrival (JSON of 2,000 flights shrinks about tenfold). */
  gzip?: Uint8Array<ArrayBuffer>;
}

/** What the routes see: a view when there is one. Counts hits and misses by view. */
export interface HotViewSource {
  get(kind: CacheKind): HotView | undefined;
}

export class HotViews implements HotViewSource {
  readonly #views = new Map<CacheKind, HotView>();
  /** Views arrive in order but their digests finish in any order: only the newest arrival may land. */
  #arrivals = 0;
  readonly #landed = new Map<CacheKind, number>();

  constructor(private readonly metrics?: MetricsRegistry) {}

  async put(kind: CacheKind, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const arrival = ++this.#arrivals;
    const [etag, gzip] = await Promise.all([etagOf(bytes), gzipped(bytes)]);
    if ((this.#landed.get(kind) ?? 0) > arrival) return;
    this.#landed.set(kind, arrival);
    this.#views.set(kind, { bytes, etag, gzip });
  }

  get(kind: CacheKind): HotView | undefined {
    const view = this.#views.get(kind);
    this.metrics?.add(view ? "cache_hits_total" : "cache_misses_total", { view: kind });
    return view;
  }
}

export async function gzipped(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Whether a request's Accept-Encoding takes gzip (listed, and not with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? "").split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";").map((p) => p.trim());
    return (coding === "gzip" || coding === "*") && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** A weak ETag of exact bytes: the first 18 bytes of their SHA-256, base64. */
export async function etagOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return `W/"${btoa(String.fromCharCode(...new Uint8Array(digest, 0, 18)))}"`;
}
