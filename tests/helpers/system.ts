/** Builds small actor systems of probe actors for runtime tests, and waits for conditions in them. */
import type { z } from "zod";
import { ActorSystem, type ActorSystemOptions } from "../../supervision/system.ts";
import type { ChildSpecInput, SupervisorSpecInput } from "../../supervision/spec.ts";
import { LifecycleProtocol } from "../actors/probe.ts";

export const PROBE = new URL("../actors/probe.ts", import.meta.url).href;
export const REPORT = "$lifecycle";

type Lifecycle = z.output<(typeof LifecycleProtocol)["lifecycle.event"]["body"]>;

/** An actor spec for a probe: quick heartbeats and shutdowns so failures show up fast in tests. */
export function probe(
  name: string,
  overrides: Partial<ChildSpecInput> & { config?: object } = {},
): ChildSpecInput {
  return {
    name,
    module: PROBE,
    heartbeatMs: 200,
    shutdownMs: 1_000,
    startTimeoutMs: 10_000,
    ...overrides,
    config: { report: REPORT, ...overrides.config },
  } as ChildSpecInput;
}

export function tree(
  children: ChildSpecInput[],
  options: Partial<Omit<SupervisorSpecInput, "children">> = {},
): SupervisorSpecInput {
  return {
    type: "supervisor",
    name: "root",
    intensity: 10,
    periodMs: 10_000,
    backoff: { minMs: 10, maxMs: 50, randomFactor: 0, resetAfterMs: 60_000 },
    ...options,
    children,
  };
}

export interface TestSystem {
  system: ActorSystem;
  events: Lifecycle[];
  gaveUp: string[];
}

/** Starts a system, runs the test body, and always stops the system (so no worker or timer leaks). */
export async function withSystem(
  spec: SupervisorSpecInput,
  body: (t: TestSystem) => Promise<void>,
  options: ActorSystemOptions = {},
): Promise<void> {
  const gaveUp: string[] = [];
  const system = new ActorSystem(spec, {
    log: { level: "fatal", format: "pretty" },
    ...options,
    onGiveUp: (reason) => gaveUp.push(reason),
  });
  const events: Lifecycle[] = [];
  system.bus.serve(REPORT, LifecycleProtocol, (message) => void events.push(message.body));
  try {
    await system.start();
    await body({ system, events, gaveUp });
  } finally {
    await system.stop();
  }
}

/** Polls until `check` returns true; throws with `what` after the timeout. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
