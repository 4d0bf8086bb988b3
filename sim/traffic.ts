// Makes new pilot sessions and prefiles: picks members, callsigns, airports, aircraft and flight plans.

import type { Airport } from "./airports.ts";
import type { Flight, FlightPlanRecord, Member } from "./flight.ts";
import { distanceNm } from "./geo.ts";
import type { Prng } from "./prng.ts";
import {
  AIRCRAFT_TYPES,
  type AircraftType,
  AIRLINES,
  FIRST_NAMES,
  LAST_NAMES,
  PILOT_RATINGS,
  SERVER_IDENTS,
} from "./reference.ts";
import { hhmmDuration, hhmmUtc } from "./time.ts";

/** A plan filed ahead of connecting. */
export interface Prefile extends Member {
  plan: FlightPlanRecord;
  dep: Airport;
  arr: Airport;
  type: AircraftType;
  lastUpdated: string;
}

export class Traffic {
  #nextCid: number;
  /** Callsigns in use by a connected pilot or a prefile. */
  readonly callsigns = new Set<string>();
  readonly #large: Airport[];

  constructor(readonly rng: Prng, readonly airports: readonly Airport[]) {
    this.#nextCid = rng.int(800000, 900000);
    this.#large = airports.filter((a) => a.large);
  }

  member(): Member {
    this.#nextCid += this.rng.int(1, 97);
    let callsign: string;
    do {
      callsign = this.rng.chance(0.85)
        ? `${this.rng.pick(AIRLINES)}${this.rng.int(1, 9999)}`
        : `N${this.rng.int(100, 999)}${this.rng.letters(2)}`;
    } while (this.callsigns.has(callsign));
    this.callsigns.add(callsign);
    const name = this.rng.chance(0.3)
      ? String(this.#nextCid)
      : `${this.rng.pick(FIRST_NAMES)} ${this.rng.pick(LAST_NAMES)}`;
    return { cid: this.#nextCid, name, callsign };
  }

  /** A departure (mostly a large airport), an arrival in range of the aircraft, and the aircraft. */
  route(): { dep: Airport; arr: Airport; type: AircraftType } {
    const type = this.rng.pick(AIRCRAFT_TYPES);
    const dep = this.rng.chance(0.7) ? this.rng.pick(this.#large) : this.rng.pick(this.airports);
    for (let attempt = 0; attempt < 40; attempt++) {
      const arr = this.rng.chance(0.6) ? this.rng.pick(this.#large) : this.rng.pick(this.airports);
      const nm = distanceNm(dep, arr);
      if (arr !== dep && nm >= Math.min(80, type.maxRangeNm / 4) && nm <= type.maxRangeNm) {
        return { dep, arr, type };
      }
    }
    // Nothing in range after many tries (a remote departure): fly to the nearest other large airport.
    let best = this.#large[0] === dep ? this.#large[1] : this.#large[0];
    for (const a of this.#large) {
      if (a !== dep && distanceNm(dep, a) < distanceNm(dep, best)) best = a;
    }
    return { dep, arr: best, type };
  }

  plan(
    dep: Airport,
    arr: Airport,
    type: AircraftType,
    departAt: number,
    transponder: string,
  ): FlightPlanRecord {
    const nm = distanceNm(dep, arr);
    const cruiseFt = plannedCruise(type, dep, arr);
    const enrouteMin = nm / type.tasKt * 60 + 20;
    const waypoints = Array.from(
      { length: 2 + Math.min(12, Math.floor(nm / 250)) },
      () => this.rng.letters(5),
    );
    const date = new Date(departAt).toISOString();
    return {
      flight_rules: type.wake === "L" ? "V" : "I",
      aircraft: `${type.code}/${type.wake}-${type.equipment}`,
      aircraft_faa: type.wake === "H" ? `H/${type.code}/L` : `${type.code}/L`,
      aircraft_short: type.code,
      departure: dep.icao,
      arrival: arr.icao,
      alternate: this.rng.chance(0.7) ? this.rng.pick(this.#large).icao : "",
      cruise_tas: String(type.tasKt),
      altitude: String(cruiseFt),
      deptime: hhmmUtc(departAt),
      enroute_time: hhmmDuration(enrouteMin),
      fuel_time: hhmmDuration(enrouteMin + 75),
      remarks: `PBN/A1B1C1D1S1S2 DOF/${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)} ` +
        `REG/${this.rng.letters(5)} RMK/TCAS SIMBRIEF /V/`,
      route: waypoints.join(" DCT "),
      revision_id: this.rng.int(1, 4),
      assigned_transponder: transponder,
    };
  }

  transponder(): string {
    let code = "";
    for (let i = 0; i < 4; i++) code += String(this.rng.int(0, 7));
    return code;
  }

  prefile(now: string, nowMs: number): Prefile {
    const member = this.member();
    const { dep, arr, type } = this.route();
    const plan = this.plan(dep, arr, type, nowMs + this.rng.int(20, 180) * 60_000, this.transponder());
    return { ...member, plan, dep, arr, type, lastUpdated: now };
  }

  /** A session that has just logged on, on the ground at its departure (from a prefile when given). */
  connect(logonTime: string, nowMs: number, from?: Prefile): Flight {
    const transponder = from?.plan.assigned_transponder ?? this.transponder();
    const member = from ?? this.member();
    const { dep, arr, type } = from ?? this.route();
    const withPlan = from !== undefined || this.rng.chance(0.93);
    const plan = from?.plan ??
      (withPlan ? this.plan(dep, arr, type, nowMs + this.rng.int(10, 40) * 60_000, transponder) : null);
    const routeNm = distanceNm(dep, arr);
    return {
      cid: member.cid,
      name: member.name,
      callsign: member.callsign,
      server: this.rng.pick(SERVER_IDENTS),
      pilotRating: this.rng.pick(PILOT_RATINGS).id,
      logonTime,
      plan,
      dep,
      arr,
      type,
      cruiseFt: plannedCruise(type, dep, arr),
      windKt: this.rng.int(-40, 60),
      distanceNm: routeNm,
      flownNm: 0,
      phase: plan === null ? "parked" : "preflight",
      groundTicks: plan === null ? this.rng.int(40, 960) : this.rng.int(20, 120),
      lat: dep.lat,
      lon: dep.lon,
      altitude: Math.max(0, Math.round(dep.elevationFt)),
      groundspeed: 0,
      heading: this.rng.int(0, 359),
      transponder,
      qnhMb: this.rng.int(995, 1035),
    };
  }
}

/**
 * The cruise level filed for a route: the type's usual level, lower on short legs, and always at least
 * 1,500 ft above the higher airport (Toluca is at 8,466 ft); rounded to 1,000 ft.
 */
export function plannedCruise(type: AircraftType, dep: Airport, arr: Airport): number {
  const reachable = Math.min(dep.elevationFt, arr.elevationFt) + distanceNm(dep, arr) * 0.4 * 318;
  const lowest = Math.ceil((Math.max(dep.elevationFt, arr.elevationFt, 0) + 1500) / 1000) * 1000;
  return Math.max(lowest, Math.min(type.cruiseFt, Math.floor(reachable / 1000) * 1000));
}
