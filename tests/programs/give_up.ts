/**
 * A tiny composition root for tests/escalation_test.ts: an actor system whose root supervisor gives up
 * ends this process with exit code 1, as main.ts does. The scenario (first argument) makes it give up:
 * - `root`: a child of the root keeps crashing beyond the root's intensity;
 * - `nested`: a child of a nested supervisor keeps crashing; the nested supervisor gives up and escalates,
 *   the root restarts it once, and when it gives up again the root exceeds its own intensity.
 */
import { getLogger } from "@logtape/logtape";
import { ProbeProtocol } from "../actors/probe.ts";
import { probe, tree } from "../helpers/system.ts";
import { configureLogging } from "../../runtime/logging.ts";
import { ActorSystem } from "../../supervision/system.ts";
import type { SupervisorSpecInput } from "../../supervision/spec.ts";

const quickBackoff = { minMs: 1, maxMs: 1, randomFactor: 0, resetAfterMs: 60_000 };
const worker = probe("worker", { config: { report: undefined } });
const scenarios: Record<string, { spec: SupervisorSpecInput; crashes: number }> = {
  root: { spec: tree([worker], { intensity: 1, backoff: quickBackoff }), crashes: 2 },
  nested: {
    spec: tree([{
      type: "supervisor",
      name: "inner",
      intensity: 1,
      periodMs: 10_000,
      backoff: quickBackoff,
      children: [worker],
    }], { intensity: 1, backoff: quickBackoff }),
    crashes: 4,
  },
};

const scenario = scenarios[Deno.args[0]];
if (!scenario) {
  console.error(`usage: give_up.ts ${Object.keys(scenarios).join("|")}`);
  Deno.exit(2);
}

const logSettings = { level: "info", format: "json" } as const;
await configureLogging(logSettings);
const log = getLogger(["main"]);
const system = new ActorSystem(scenario.spec, {
  log: logSettings,
  onGiveUp: (reason) => {
    log.fatal("the root supervisor gave up ({reason}); exiting so the outside restarter takes over", {
      reason,
    });
    Deno.exit(1);
  },
});
await system.start();
// The mailbox outlives each incarnation, so every crash waits for the next one.
const target = system.ref("worker", ProbeProtocol);
for (let i = 1; i <= scenario.crashes; i++) target.tell("probe.throw", { message: `crash ${i}` });

// Never reached when the root gives up; a clean exit here makes the test fail with this line.
setTimeout(async () => {
  log.error("the root supervisor did not give up");
  await system.stop();
  Deno.exit(0);
}, 30_000);
