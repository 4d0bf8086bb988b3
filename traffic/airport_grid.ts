/**
 * A nearest-airport lookup over a grid of 1° cells: a search looks only at the cells that can hold a
 * point within its radius, widening the radius step by step, so a lookup near an airport reads a few
 * cells instead of every airport in the world.
 */
import { distanceNm, type LatLon } from "../sim/geo.ts";

const RAD = Math.PI / 180;
const EARTH_RADIUS_NM = 3440.065;
/** The first search radius; each miss widens it fourfold, up to the caller's limit. */
const FIRST_RADIUS_NM = 5;

/** The nearest item and how far it is. */
export interface Nearest<T> {
  item: T;
  distanceNm: number;
}

export class AirportGrid<T> {
  readonly #cells = new Map<number, { item: T; at: LatLon }[]>();

  /** `locate` gives each item's position. */
  constructor(items: Iterable<T>, locate: (item: T) => LatLon) {
    for (const item of items) {
      const at = locate(item);
      const key = cellKey(row(at.lat), Math.floor(at.lon));
      const cell = this.#cells.get(key);
      if (cell) cell.push({ item, at });
      else this.#cells.set(key, [{ item, at }]);
    }
  }

  /** The item nearest to `at` by great-circle distance, if one lies within `maxNm`. */
  nearest(at: LatLon, maxNm: number): Nearest<T> | null {
    for (let radius = Math.min(FIRST_RADIUS_NM, maxNm);; radius = Math.min(radius * 4, maxNm)) {
      const found = this.#nearestWithin(at, radius);
      // Every item within `radius` was looked at, so one found that close is the nearest of all.
      if (found !== null) return found;
      if (radius >= maxNm) return null;
    }
  }

  #nearestWithin(at: LatLon, radiusNm: number): Nearest<T> | null {
    const { south, north, halfWidth } = reach(at.lat, at.lat, radiusNm);
    const [west, east] = halfWidth >= 180
      ? [-180, 179]
      : [Math.floor(at.lon - halfWidth), Math.floor(at.lon + halfWidth)];
    let best: Nearest<T> | null = null;
    for (let lat = row(south); lat <= row(north); lat++) {
      for (let lon = west; lon <= Math.min(east, west + 359); lon++) {
        for (const entry of this.#cells.get(cellKey(lat, lon)) ?? []) {
          const nm = distanceNm(at, entry.at);
          if (nm <= radiusNm && (best === null || nm < best.distanceNm)) {
            best = { item: entry.item, distanceNm: nm };
          }
        }
      }
    }
    return best;
  }
}

/**
 * How far, in degrees, a point within `nm` of some point with a latitude in [south, north] can lie:
 * hav(d) = hav(Δφ) + cos φ1 cos φ2 hav(Δλ), so its latitude differs by at most d and its longitude by
 * at most 2·asin(sin(d/2) / cos φmax), φmax the widest latitude either can have (180: any longitude).
 */
export function reach(
  south: number,
  north: number,
  nm: number,
): { south: number; north: number; halfWidth: number } {
  const delta = nm / EARTH_RADIUS_NM;
  const s = Math.max(-90, south - delta / RAD);
  const n = Math.min(90, north + delta / RAD);
  const spread = Math.sin(delta / 2) / Math.cos(Math.max(Math.abs(s), Math.abs(n)) * RAD);
  return { south: s, north: n, halfWidth: spread >= 1 ? 180 : 2 * Math.asin(spread) / RAD };
}

/** The cell row of a latitude; the pole shares the row below it. */
function row(lat: number): number {
  return Math.min(89, Math.floor(lat));
}

/** Cells are keyed by the floor of their south-west corner; longitudes wrap around the antimeridian. */
function cellKey(lat: number, lon: number): number {
  return (lat + 90) * 360 + (((lon + 180) % 360) + 360) % 360;
}
