/**
 * Supervision configuration as plain data, validated with zod once at start (as OTP validates child
 * specs): a malformed tree is refused with a message naming the field, before any worker is spawned.
 */
import { z } from "zod";
import { MailboxOptionsSchema } from "../runtime/mailbox.ts";
import { BackoffOptionsSchema, crashLoopSpanMs } from "./backoff.ts";
import { ConfigError } from "../runtime/errors.ts";

/** permanent: always restarted; transient: only after an abnormal exit; temporary: never. */
export const RestartTypeSchema = z.enum(["permanent", "transient", "temporary"]);
export type RestartType = z.infer<typeof RestartTypeSchema>;

export const StrategySchema = z.enum(["one_for_one", "one_for_all", "rest_for_one"]);
export type Strategy = z.infer<typeof StrategySchema>;

const NameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "lower-case letters, digits, - and _");

const PermissionListSchema = z.union([z.literal("inherit"), z.boolean(), z.array(z.string())]);
/**
 * A worker's Deno permissions (the Worker option `deno.permissions`): "inherit" gives it the main
 * thread's; in the object form every kind left out is denied.
 */
const WorkerPermissionsSchema = z.union([
  z.enum(["inherit", "none"]),
  z.strictObject({
    env: PermissionListSchema,
    net: PermissionListSchema,
    read: PermissionListSchema,
    write: PermissionListSchema,
    run: PermissionListSchema,
    ffi: PermissionListSchema,
    import: PermissionListSchema,
    sys: z.union([z.literal("inherit"), z.boolean()]),
  }).partial(),
]);

export const ActorSpecSchema = z.object({
  type: z.literal("actor").default("actor"),
  name: NameSchema,
  /** URL of a module whose default export is a defineActor(...) value. */
  module: z.string().url(),
  config: z.unknown().default({}),
  restart: RestartTypeSchema.default("permanent"),
  /** Time allowed to stop (draining included) before the worker is terminated. */
  shutdownMs: z.number().int().positive().default(5_000),
  startTimeoutMs: z.number().int().positive().default(30_000),
  /** Ping interval; an actor silent for 1.5 intervals is declared hung (detected within two). 0 = off. */
  heartbeatMs: z.number().int().nonnegative().default(2_000),
  /** Messages handed to the actor before it acknowledges them; 1 for actors that receive large buffers. */
  prefetch: z.number().int().positive().default(32),
  mailbox: MailboxOptionsSchema.default(MailboxOptionsSchema.parse({})),
  isolation: z.enum(["worker", "inline"]).default("worker"),
  /** The worker's; unset, the main thread's. An inline actor runs on the main thread and has those. */
  permissions: WorkerPermissionsSchema.optional(),
});
export type ActorSpec = z.output<typeof ActorSpecSchema>;

const SupervisorFieldsSchema = z.object({
  type: z.literal("supervisor"),
  name: NameSchema,
  strategy: StrategySchema.default("one_for_one"),
  restart: RestartTypeSchema.default("permanent"),
  /** At most `intensity` restarts within `periodMs`, else the supervisor gives up (OTP default 1 in 5 s). */
  intensity: z.number().int().nonnegative().default(1),
  periodMs: z.number().int().positive().default(5_000),
  backoff: BackoffOptionsSchema.default(BackoffOptionsSchema.parse({})),
});

// The tree is recursive, which zod cannot infer: the recursion is spelled out here, the fields come from
// the schemas above.
export type SupervisorSpec = z.output<typeof SupervisorFieldsSchema> & { children: ChildSpec[] };
export type SupervisorSpecInput = z.input<typeof SupervisorFieldsSchema> & { children: ChildSpecInput[] };
export type ChildSpec = ActorSpec | SupervisorSpec;
export type ChildSpecInput = z.input<typeof ActorSpecSchema> | SupervisorSpecInput;

export const SupervisorSpecSchema: z.ZodType<SupervisorSpec, SupervisorSpecInput> = SupervisorFieldsSchema
  .extend({
    children: z.array(z.lazy(() => ChildSpecSchema)),
  });
export const ChildSpecSchema: z.ZodType<ChildSpec, ChildSpecInput> = z.union([
  z.lazy(() => SupervisorSpecSchema),
  ActorSpecSchema,
]);

/** Validates a whole tree; names must be unique across it because they are bus addresses. */
export function parseTree(input: unknown): SupervisorSpec {
  const parsed = SupervisorSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `invalid supervision tree at ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  const seen = new Set<string>();
  const visit = (spec: ChildSpec): void => {
    if (seen.has(spec.name)) {
      throw new ConfigError(`invalid supervision tree: name ${spec.name} is used twice`);
    }
    seen.add(spec.name);
    if (spec.type !== "supervisor") return;
    checkEscalates(spec);
    spec.children.forEach(visit);
  };
  visit(parsed.data);
  return parsed.data;
}

/**
 * Refuses a supervisor that might never give up on a crash loop: its restart window counts crashes, but
 * each restart waits for the backoff, so if a child crashing on every start needs longer than `periodMs`
 * for `intensity + 1` crashes, the window never holds more than `intensity` and the loop goes on for ever
 * instead of escalating (G5).
 */
function checkEscalates(spec: SupervisorSpec): void {
  if (spec.intensity === 0) return;
  const spanMs = crashLoopSpanMs(spec.intensity, spec.backoff);
  if (spanMs < spec.periodMs) return;
  throw new ConfigError(
    `invalid supervision tree at ${spec.name}: a child crashing on every start may take ${spanMs} ms ` +
      `(its backoff delays) to crash ${spec.intensity + 1} times, not less than periodMs ${spec.periodMs}, ` +
      `so the supervisor might restart it for ever; lengthen periodMs or lower intensity or backoff.maxMs`,
  );
}
