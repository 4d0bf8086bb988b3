// `deno task sim`: the simulated VATSIM feed on localhost, for `VATSIM_STATUS_URL=<url> deno task start`.
// Flags (or environment): --port (SIM_PORT, default 8090), --pilots (SIM_PILOTS, default 2000),
// --speed (SIM_SPEED, default 1), --seed (SIM_SEED, default 1).
// Faults are switched while it runs: `curl -X POST <base>/control/fault/slow` (…/none to stop).

import { MAX_PILOTS } from "./model.ts";
import { FAULT_MODES, startSimulator } from "./server.ts";

function setting(name: string, env: string, fallback: number): number {
  const flag = Deno.args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const raw = flag < 0
    ? Deno.env.get(env)
    : Deno.args[flag].includes("=")
    ? Deno.args[flag].split("=")[1]
    : Deno.args[flag + 1];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    console.error(`--${name} (${env}) must be a number, not ${JSON.stringify(raw)}`);
    Deno.exit(2);
  }
  return value;
}

const pilots = setting("pilots", "SIM_PILOTS", 2000);
if (!Number.isInteger(pilots) || pilots < 0 || pilots > MAX_PILOTS) {
  console.error(`--pilots (SIM_PILOTS) must be an integer from 0 to ${MAX_PILOTS}`);
  Deno.exit(2);
}
const speed = setting("speed", "SIM_SPEED", 1);
if (!(speed > 0)) {
  console.error("--speed (SIM_SPEED) must be positive");
  Deno.exit(2);
}

const sim = startSimulator({
  port: setting("port", "SIM_PORT", 8090),
  pilots,
  speed,
  seed: setting("seed", "SIM_SEED", 1),
});
const base = sim.statusUrl.replace(/\/status\.json$/, "");
console.log(`VATSIM feed simulator: ${pilots} pilots, a snapshot every ${sim.model.cadenceMs / speed} ms`);
console.log(`VATSIM_STATUS_URL=${sim.statusUrl}`);
console.log(`faults: curl -X POST ${base}/control/fault/<${FAULT_MODES.join("|")}>`);

Deno.addSignalListener("SIGINT", () => {
  sim.close().then(() => Deno.exit(0), () => Deno.exit(1));
});
