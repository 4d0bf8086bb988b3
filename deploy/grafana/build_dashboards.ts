/**
 * Writes the provisioned dashboards (`dashboards/*.json`) from their definitions in `boards/` and the
 * SQL of `sql/queries/grafana/`. Run after changing either:
 *
 *   deno run --allow-read --allow-write deploy/grafana/build_dashboards.ts
 */
import { DASHBOARDS_DIR } from "./dashboard_queries.ts";
import type { JsonObject } from "./panels.ts";
import { airportsDashboard } from "./boards/airports.ts";
import { atcCoverageDashboard } from "./boards/atc_coverage.ts";
import { flightPhasesDashboard } from "./boards/flight_phases.ts";
import { flightTrackDashboard } from "./boards/flight_track.ts";
import { networkDashboard } from "./boards/network.ts";
import { runtimeDashboard } from "./boards/runtime.ts";

/** Each dashboard file's name and its text, as it is committed. */
export function buildDashboards(): Map<string, string> {
  const boards: Record<string, () => JsonObject> = {
    "network.json": networkDashboard,
    "airports.json": airportsDashboard,
    "atc_coverage.json": atcCoverageDashboard,
    "flight_track.json": flightTrackDashboard,
    "flight_phases.json": flightPhasesDashboard,
    "runtime.json": runtimeDashboard,
  };
  return new Map(
    Object.entries(boards).map(([name, build]) => [name, JSON.stringify(build(), null, 2) + "\n"]),
  );
}

if (import.meta.main) {
  for (const [name, text] of buildDashboards()) {
    await Deno.writeTextFile(new URL(name, DASHBOARDS_DIR), text);
    console.log(`wrote deploy/grafana/dashboards/${name}`);
  }
}
