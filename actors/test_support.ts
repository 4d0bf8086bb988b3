/** Shared pieces of the actors' in-process tests. */
import { ActorSystem } from "../supervision/system.ts";
import type { ChildSpecInput } from "../supervision/spec.ts";
import type { SnapshotSummary } from "./protocol.ts";

/**
 * A system holding one collector actor, in-process, with heartbeats off and quiet logs. The services it
 * talks to are not started: the test stands in for them with `system.bus.serve(...)`.
 */
export function soloActor(name: string, overrides: Partial<ChildSpecInput> = {}): ActorSystem {
  return new ActorSystem({
    type: "supervisor",
    name: "root",
    children: [{
      name,
      module: new URL(`./${name}.ts`, import.meta.url).href,
      isolation: "inline",
      heartbeatMs: 0,
      ...overrides,
    } as ChildSpecInput],
  }, { log: { level: "fatal", format: "pretty" } });
}

/** Feed time `s` seconds after a fixed instant, in the normalised form (6 fractional digits). */
export const feedTime = (s: number): string =>
  new Date(Date.UTC(2024, 0, 1) + s * 1000).toISOString().replace("Z", "000Z");

/** A snapshot summary at feed time `s` with `pilots` pilots. */
export const summaryAt = (s: number, pilots: number): SnapshotSummary => ({
  updateTimestamp: feedTime(s),
  pilots,
  controllers: 10,
  atis: 2,
  prefiles: 3,
  servers: 1,
  connectedClients: pilots + 10,
  uniqueUsers: pilots + 10,
});
