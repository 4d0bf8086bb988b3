/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` string that carries a
 * span's context in an envelope's `trace` field or an HTTP header, and the random ids of new spans.
 */
import type { SpanContext } from "@opentelemetry/api";

/** The `sampled` trace flag: every span this runtime records is exported. */
export const SAMPLED = 0x01;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * Reads a `traceparent`; null when it is not a valid one, which per the spec starts a new trace.
 *
 * @example
 * ```ts
 * parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
 * // { traceId: "0af7…319c", spanId: "b7ad6b7169203331", traceFlags: 1, isRemote: true }
 * ```
 */
export function parseTraceparent(value: string): SpanContext | null {
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is forbidden; version 00 has nothing after the flags, later versions may add fields.
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
}

/** Writes a span's context as a version-00 `traceparent`. */
export function formatTraceparent(context: Pick<SpanContext, "traceId" | "spanId" | "traceFlags">): string {
  return `00-${context.traceId}-${context.spanId}-${HEX[context.traceFlags & 0xff]}`;
}

/** A random 16-byte trace id, as 32 lowercase hex digits. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A random 8-byte span id, as 16 lowercase hex digits. */
export function newSpanId(): string {
  return randomHex(8);
}

function randomHex(bytes: number): string {
  let hex = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(bytes))) hex += HEX[byte];
  return hex;
}
