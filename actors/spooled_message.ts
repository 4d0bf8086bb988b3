/**
 * How a store message waits in the spool (db/spool.ts): JSON of its kind and validated body, with the
 * quarantine's raw bytes as base64. Read back, it is validated again by the same protocol schemas.
 */
import { z } from "zod";
import type { BodyOut } from "../runtime/protocol.ts";
import { StoreProtocol } from "./protocol.ts";

type SnapshotBody = BodyOut<typeof StoreProtocol, "store.snapshot">;
type QuarantineBody = BodyOut<typeof StoreProtocol, "store.quarantine">;

/** A message the store could not write yet. */
export type SpooledMessage =
  | { kind: "store.snapshot"; body: SnapshotBody }
  | { kind: "store.quarantine"; body: QuarantineBody };

const base64 = z.string().transform((text, ctx) => {
  try {
    return Uint8Array.fromBase64(text).buffer;
  } catch {
    ctx.issues.push({ code: "custom", message: "raw is not base64", input: text });
    return z.NEVER;
  }
});

const SpooledSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("store.snapshot"), body: StoreProtocol["store.snapshot"].body }),
  z.object({
    kind: z.literal("store.quarantine"),
    body: StoreProtocol["store.quarantine"].body.extend({ raw: base64 }),
  }),
]);

export function encodeSpooled(message: SpooledMessage): Uint8Array {
  const json = message.kind === "store.quarantine"
    ? { kind: message.kind, body: { ...message.body, raw: new Uint8Array(message.body.raw).toBase64() } }
    : message;
  return new TextEncoder().encode(JSON.stringify(json));
}

/** The message back, or why it cannot be (a file damaged on disk, or from an incompatible version). */
export function decodeSpooled(bytes: Uint8Array): { ok: true; message: SpooledMessage } | {
  ok: false;
  reason: string;
} {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = SpooledSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error).slice(0, 500) };
  return { ok: true, message: parsed.data };
}

/** What the spool file is named after: the snapshot's feed timestamp, or the quarantined source. */
export function spooledLabel(message: SpooledMessage): string {
  return message.kind === "store.snapshot"
    ? message.body.summary.updateTimestamp
    : `quarantine-${message.body.updateTimestamp ?? "unknown"}`;
}
