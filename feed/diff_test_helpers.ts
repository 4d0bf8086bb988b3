// Small, valid feed records for the diff tests; each field can be overridden.

import type { FeedSnapshot } from "./parse_snapshot.ts";
import type { Atis, Controller, FlightPlan, Pilot, Prefile } from "./v3_schema.ts";

/** A normalised feed timestamp `minutes` after 12:00 on 2021-04-09. */
export function feedTime(minutes: number): string {
  return new Date(Date.UTC(2021, 3, 9, 12, 0, 0) + minutes * 60_000).toISOString().replace("Z", "000Z");
}

/** A flight plan with the given revision. */
export function plan(revision_id: number, overrides: Partial<FlightPlan> = {}): FlightPlan {
  return {
    flight_rules: "I",
    aircraft: "B738/M-SDE2E3FGHIJ2J3J4J5M1RWXY/LB1",
    aircraft_faa: "B738/L",
    aircraft_short: "B738",
    departure: "EGLL",
    arrival: "EHAM",
    alternate: "EHRD",
    cruise_tas: "440",
    altitude: "24000",
    deptime: "1200",
    enroute_time: "0100",
    fuel_time: "0300",
    remarks: "/V/",
    route: "DET L6 DVR",
    revision_id,
    assigned_transponder: null,
    ...overrides,
  };
}

/** A pilot of cid 1000001, callsign BAW1, logged on at 11:50. */
export function pilot(overrides: Partial<Pilot> = {}): Pilot {
  return {
    cid: 1000001,
    name: "Test Pilot",
    callsign: "BAW1",
    server: "UK-1",
    pilot_rating: 0,
    military_rating: null,
    latitude: 51.47,
    longitude: -0.45,
    altitude: 83,
    groundspeed: 0,
    transponder: "2000",
    heading: 270,
    qnh_i_hg: 29.92,
    qnh_mb: 1013,
    flight_plan: plan(1),
    logon_time: feedTime(-10),
    last_updated: feedTime(0),
    ...overrides,
  };
}

/** A prefile of cid 1000002, callsign KLM2. */
export function prefile(overrides: Partial<Prefile> = {}): Prefile {
  return {
    cid: 1000002,
    name: "1000002",
    callsign: "KLM2",
    flight_plan: plan(1),
    last_updated: feedTime(0),
    ...overrides,
  };
}

/** A controller of cid 1000003, callsign EGLL_TWR. */
export function controller(overrides: Partial<Controller> = {}): Controller {
  return {
    cid: 1000003,
    name: "Test Controller",
    callsign: "EGLL_TWR",
    frequency: "118.500",
    facility: 4,
    rating: 3,
    server: "UK-1",
    visual_range: 50,
    text_atis: ["Heathrow Tower"],
    last_updated: feedTime(0),
    logon_time: feedTime(-30),
    ...overrides,
  };
}

/** An ATIS station of cid 1000004, callsign EGLL_ATIS. */
export function atis(overrides: Partial<Atis> = {}): Atis {
  return {
    ...controller({ cid: 1000004, callsign: "EGLL_ATIS", frequency: "128.075", facility: 4 }),
    text_atis: ["HEATHROW INFORMATION A", "RWY 27L"],
    atis_code: "A",
    ...overrides,
  };
}

/** A snapshot taken `minutes` after 12:00 holding the given records. */
export function snapshot(
  minutes: number,
  records: Partial<Pick<FeedSnapshot, "pilots" | "controllers" | "atis" | "prefiles">> = {},
): FeedSnapshot {
  const at = feedTime(minutes);
  return {
    general: {
      version: 3,
      reload: 1,
      update: at.slice(0, 19).replace(/[-:T]/g, ""),
      update_timestamp: at,
      connected_clients: 0,
      unique_users: 0,
    },
    pilots: records.pilots ?? [],
    controllers: records.controllers ?? [],
    atis: records.atis ?? [],
    servers: [],
    prefiles: records.prefiles ?? [],
    facilities: [],
    ratings: [],
    pilot_ratings: [],
    military_ratings: [],
  };
}
