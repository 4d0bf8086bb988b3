/**
 * The container's health check: exits 0 when `GET /health/ready` on this container's port answers 200,
 * else 1 with the reasons on stderr (Docker keeps them in `docker inspect`). It is a Deno script because
 * the distroless final image has no shell, curl or wget.
 */

/** How long one probe may take; Docker's own timeout (HEALTHCHECK --timeout) is longer. */
const PROBE_TIMEOUT_MS = 5_000;
/** Docker keeps only the last 4 KiB of a check's output; the reasons fit well within that. */
const MAX_REASON_CHARS = 2_000;

/** One readiness probe of the service on `port` of this host: ok only for a 200. */
export async function probe(port: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const body = await response.text();
    return { ok: response.status === 200, detail: `${response.status} ${body.slice(0, MAX_REASON_CHARS)}` };
  } catch (error) {
    return { ok: false, detail: `no answer: ${describe(error)}` };
  }
}

/** fetch's own message is only "fetch failed"; the cause says why (refused, timed out, …). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

if (import.meta.main) {
  // The service listens on PORT (default 8080), the same variable it reads itself.
  const { ok, detail } = await probe(Deno.env.get("PORT") || "8080");
  if (!ok) {
    console.error(`not ready: ${detail}`);
    Deno.exit(1);
  }
}
