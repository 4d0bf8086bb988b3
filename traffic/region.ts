/**
 * The regions of the traffic summary: an ICAO code prefix (`EG`, `K`) or a box. An airport belongs to a
 * prefix region by its code; a flight by the nearest airport within {@link REGION_RADIUS_NM}, as there
 * are no airspace boundaries here. In a box region, both belong by their position.
 */
import { z } from "zod";
import { type Box, BoxSchema } from "../db/query_params.ts";
import { reach } from "./airport_grid.ts";
import { type AirportInfo, airportsWithPrefix, nearestAirport } from "./airports.ts";

export const REGION_PREFIX_PATTERN = /^[A-Z0-9]{1,4}$/;
/** A flight further than this from every airport belongs to no prefix region (mid-ocean, say). */
export const REGION_RADIUS_NM = 100;

export const RegionSchema = z.union([
  z.object({
    prefix: z.string().regex(REGION_PREFIX_PATTERN).refine(
      (prefix) => airportsWithPrefix(prefix).length > 0,
      "no airport has this prefix",
    ),
  }),
  z.object({ box: BoxSchema }),
]);
export type Region = z.output<typeof RegionSchema>;

/** Whether a position is in the box (west > east: across the antimeridian). */
export function boxContains([west, south, east, north]: Box, lat: number, lon: number): boolean {
  if (lat < south || lat > north) return false;
  return west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
}

/** The box grown to hold every point within `nm` of it (all longitudes when it would wrap onto itself). */
export function expandBox([west, south, east, north]: Box, nm: number): Box {
  const { south: s, north: n, halfWidth: margin } = reach(south, north, nm);
  const span = west <= east ? east - west : east - west + 360;
  if (span + 2 * margin >= 360) return [-180, s, 180, n];
  const wrap = (lon: number) => lon < -180 ? lon + 360 : lon > 180 ? lon - 360 : lon;
  return [wrap(west - margin), s, wrap(east + margin), n];
}

/** A box holding every position that can belong to the region, `marginNm` around it. */
export function regionBox(region: Region, marginNm: number): Box {
  if ("box" in region) return expandBox(region.box, marginNm);
  const airports = airportsWithPrefix(region.prefix);
  const lats = airports.map((a) => a.latitude);
  const lons = airports.map((a) => a.longitude);
  const box: Box = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  return expandBox(box, marginNm);
}

export function airportInRegion(region: Region, airport: AirportInfo): boolean {
  return "box" in region
    ? boxContains(region.box, airport.latitude, airport.longitude)
    : airport.icao.startsWith(region.prefix);
}

export function positionInRegion(region: Region, lat: number, lon: number): boolean {
  if ("box" in region) return boxContains(region.box, lat, lon);
  return nearestAirport(lat, lon, REGION_RADIUS_NM)?.item.icao.startsWith(region.prefix) ?? false;
}
