/**
 * A test actor that can be told to misbehave in every way the runtime must survive: throw, reject outside
 * a handler, throw in a timer, spin in a CPU loop, end its worker, stop itself, or be slow. It reports its
 * lifecycle to the address in `config.report` so tests can check start and stop order.
 */
import { z } from "zod";
import { defineActor } from "../../runtime/actor.ts";
import { defineProtocol } from "../../runtime/protocol.ts";
import { CircuitOpenError } from "../../supervision/circuit_breaker.ts";

export const ProbeProtocol = defineProtocol({
  "probe.echo": {
    body: z.object({ text: z.string() }),
    reply: z.object({ text: z.string(), name: z.string(), incarnation: z.number() }),
  },
  "probe.add": { body: z.object({ n: z.number().int() }) },
  /** A probe.add whose body carries a buffer, sent moved (transferred) rather than copied. */
  "probe.add_bytes": { body: z.object({ n: z.number().int(), bytes: z.instanceof(ArrayBuffer) }) },
  "probe.total": { body: z.object({}), reply: z.object({ total: z.number(), adds: z.number() }) },
  "probe.throw": { body: z.object({ message: z.string() }) },
  "probe.reject": { body: z.object({}) },
  "probe.timer_throw": { body: z.object({}) },
  "probe.hang": { body: z.object({ ms: z.number().optional() }) },
  "probe.exit": { body: z.object({}) },
  "probe.stop_self": { body: z.object({}) },
  "probe.sleep": { body: z.object({ ms: z.number() }) },
  "probe.forward": { body: z.object({ to: z.string(), n: z.number().int() }) },
  /** A probe.add whose body travels packed (runtime/packed.ts), with a payload to read back. */
  "probe.add_packed": {
    packed: true,
    body: z.object({ n: z.number().int(), payload: z.array(z.union([z.number(), z.string(), z.null()])) }),
  },
  /** Sends `n` on to `to` as a probe.add_packed, from this worker. */
  "probe.forward_packed": {
    body: z.object({
      to: z.string(),
      n: z.number().int(),
      payload: z.array(z.union([z.number(), z.string(), z.null()])),
    }),
  },
  /** The payload of the last probe.add_packed. */
  "probe.last_payload": {
    body: z.object({}),
    reply: z.object({ payload: z.array(z.union([z.number(), z.string(), z.null()])).nullable() }),
  },
  "probe.silent_ask": { body: z.object({}), reply: z.object({}) },
  /** The `n` of every probe.add handled by this incarnation, in the order handled. */
  "probe.seen": { body: z.object({}), reply: z.object({ ns: z.array(z.number()) }) },
  /** A call through the breaker "io" (opens after one failure); `fail` makes the call fail. */
  "probe.guarded": {
    body: z.object({ fail: z.boolean() }),
    reply: z.object({ outcome: z.enum(["ok", "failed"]) }),
  },
});

export const LifecycleProtocol = defineProtocol({
  "lifecycle.event": {
    body: z.object({ actor: z.string(), event: z.enum(["started", "stopped"]), incarnation: z.number() }),
  },
});

const ConfigSchema = z.object({
  report: z.string().optional(),
  failStart: z.boolean().default(false),
  startDelayMs: z.number().default(0),
  stopDelayMs: z.number().default(0),
  /** Spin this long in stop(), to test the shutdown timeout with a thread that will not yield. */
  stopSpinMs: z.number().default(0),
  /** Each probe.add takes this long (without blocking the thread): a slow consumer for backpressure. */
  addDelayMs: z.number().default(0),
});

interface ProbeState {
  total: number;
  adds: number;
  seen: number[];
  payload: (number | string | null)[] | null;
}

/** The state after one probe.add of `n`, whichever kind carried it. */
function added(state: ProbeState, n: number): ProbeState {
  return { ...state, total: state.total + n, adds: state.adds + 1, seen: [...state.seen, n] };
}

export default defineActor({
  protocol: ProbeProtocol,
  config: ConfigSchema,
  async start(ctx) {
    if (ctx.config.startDelayMs > 0) await new Promise((r) => setTimeout(r, ctx.config.startDelayMs));
    if (ctx.config.failStart) throw new Error("configured to fail at start");
    if (ctx.config.report) {
      ctx.ref(ctx.config.report, LifecycleProtocol)
        .tell("lifecycle.event", { actor: ctx.name, event: "started", incarnation: ctx.incarnation });
    }
    return { total: 0, adds: 0, seen: [], payload: null } as ProbeState;
  },
  async handle(state, message, ctx) {
    switch (message.kind) {
      case "probe.echo":
        message.reply({ text: message.body.text, name: ctx.name, incarnation: ctx.incarnation });
        return state;
      case "probe.add":
        if (ctx.config.addDelayMs > 0) await new Promise((r) => setTimeout(r, ctx.config.addDelayMs));
        return added(state, message.body.n);
      case "probe.add_bytes":
        return added(state, message.body.n);
      case "probe.total":
        message.reply({ total: state.total, adds: state.adds });
        return state;
      case "probe.throw":
        throw new Error(message.body.message);
      case "probe.reject":
        Promise.reject(new Error("rejected outside any handler"));
        return state;
      case "probe.timer_throw":
        setTimeout(() => {
          throw new Error("thrown in a timer");
        }, 0);
        return state;
      case "probe.hang": {
        const until = message.body.ms === undefined ? Infinity : performance.now() + message.body.ms;
        while (performance.now() < until) { /* spin */ }
        return state;
      }
      case "probe.exit":
        (globalThis as unknown as { close(): void }).close();
        return state;
      case "probe.stop_self":
        ctx.stopSelf();
        return state;
      case "probe.sleep":
        await new Promise((r) => setTimeout(r, message.body.ms));
        return state;
      case "probe.forward":
        ctx.ref(message.body.to, ProbeProtocol).tell("probe.add", { n: message.body.n });
        return state;
      case "probe.add_packed":
        return { ...added(state, message.body.n), payload: message.body.payload };
      case "probe.forward_packed": {
        const { to, n, payload } = message.body;
        ctx.ref(to, ProbeProtocol).tell("probe.add_packed", { n, payload });
        return state;
      }
      case "probe.last_payload":
        message.reply({ payload: state.payload });
        return state;
      case "probe.silent_ask":
        return state;
      case "probe.seen":
        message.reply({ ns: state.seen });
        return state;
      case "probe.guarded": {
        const io = ctx.breaker("io", { maxFailures: 1, resetTimeoutMs: 60_000, callTimeoutMs: 5_000 });
        try {
          await io.call(() => message.body.fail ? Promise.reject(new Error("io down")) : Promise.resolve());
          message.reply({ outcome: "ok" });
        } catch (error) {
          // An open breaker is left to the runtime, which must not count it as a crash.
          if (error instanceof CircuitOpenError) throw error;
          message.reply({ outcome: "failed" });
        }
        return state;
      }
    }
  },
  async stop(_state, ctx) {
    if (ctx.config.stopDelayMs > 0) await new Promise((r) => setTimeout(r, ctx.config.stopDelayMs));
    const until = performance.now() + ctx.config.stopSpinMs;
    while (performance.now() < until) { /* spin */ }
    if (ctx.config.report) {
      ctx.ref(ctx.config.report, LifecycleProtocol)
        .tell("lifecycle.event", { actor: ctx.name, event: "stopped", incarnation: ctx.incarnation });
    }
  },
});
