// Simulated ATC: positions at large airports (delivery, ground, tower, approach, centre, ATIS) that log on
// and off, plus a few observers; ATIS stations change their information letter and text over time.

import type { Airport } from "./airports.ts";
import type { Prng } from "./prng.ts";
import { FIRST_NAMES, LAST_NAMES, SERVER_IDENTS } from "./reference.ts";
import { feedTimestamp } from "./time.ts";

/** The controller record as the feed sends it (ATIS records add `atis_code`). */
export interface ControllerRecord {
  cid: number;
  name: string;
  callsign: string;
  frequency: string;
  facility: number;
  rating: number;
  server: string;
  visual_range: number;
  text_atis: string[] | null;
  last_updated: string;
  logon_time: string;
}

export interface AtisRecord extends Omit<ControllerRecord, "text_atis" | "last_updated" | "logon_time"> {
  atis_code: string;
  text_atis: string[];
  last_updated: string;
  logon_time: string;
}

interface Position {
  airport: Airport;
  suffix: "DEL" | "GND" | "TWR" | "APP" | "CTR" | "ATIS" | "OBS";
  callsign: string;
  facility: number;
  frequency: string;
  visualRange: number;
  /** Null while nobody staffs the position. */
  session: { cid: number; name: string; rating: number; server: string; logonTime: string } | null;
  atisCode: number;
  textAtis: string[] | null;
}

const KINDS = [
  { suffix: "DEL", facility: 2, range: 20, band: [121.6, 121.99] },
  { suffix: "GND", facility: 3, range: 25, band: [121.6, 121.99] },
  { suffix: "TWR", facility: 4, range: 50, band: [118.0, 120.99] },
  { suffix: "APP", facility: 5, range: 150, band: [119.0, 135.99] },
  { suffix: "CTR", facility: 6, range: 600, band: [124.0, 135.99] },
  { suffix: "ATIS", facility: 4, range: 50, band: [126.0, 128.99] },
] as const;

/** Mean ticks a staffed position stays on (2 h at 15 s) and an empty one stays empty (1 h). */
const MEAN_ONLINE_TICKS = 480;
const MEAN_OFFLINE_TICKS = 240;
/** Mean ticks between ATIS information changes (30 min). */
const MEAN_ATIS_TICKS = 120;

export class Atc {
  readonly #positions: Position[] = [];
  #nextCid: number;

  constructor(readonly rng: Prng, airports: readonly Airport[], stations: number, nowMs: number) {
    this.#nextCid = rng.int(1_300_000, 1_400_000);
    const large = airports.filter((a) => a.large);
    const chosen = new Set<Airport>();
    const taken = new Set<string>();
    while (chosen.size < Math.min(stations, large.length)) chosen.add(rng.pick(large));
    for (const airport of chosen) {
      for (const kind of KINDS) {
        if (kind.suffix !== "TWR" && !rng.chance(0.6)) continue;
        const callsign = kind.suffix === "CTR"
          ? `${airport.icao.slice(1)}_CTR`
          : `${airport.icao}_${kind.suffix}`;
        if (taken.has(callsign)) continue;
        taken.add(callsign);
        this.#positions.push({
          airport,
          suffix: kind.suffix,
          callsign,
          facility: kind.facility,
          frequency: (Math.round(rng.range(kind.band[0], kind.band[1]) / 0.005) * 0.005).toFixed(3),
          visualRange: kind.range,
          session: null,
          atisCode: rng.int(0, 25),
          textAtis: null,
        });
      }
    }
    const observers = Math.max(2, Math.round(stations / 10));
    for (let i = 0; i < observers; i++) {
      const callsign = `${rng.letters(2)}${rng.int(1, 99)}_OBS`;
      if (taken.has(callsign)) continue;
      taken.add(callsign);
      this.#positions.push({
        airport: rng.pick(large),
        suffix: "OBS",
        callsign,
        facility: 0,
        frequency: "199.998",
        visualRange: 300,
        session: null,
        atisCode: 0,
        textAtis: null,
      });
    }
    // Start as if the network had been running: about two thirds staffed, logged on a while ago.
    for (const p of this.#positions) {
      if (rng.chance(MEAN_ONLINE_TICKS / (MEAN_ONLINE_TICKS + MEAN_OFFLINE_TICKS))) {
        this.#logOn(p, nowMs - rng.int(1, 240) * 60_000);
      }
    }
  }

  /** One tick: log-ons, log-offs and ATIS changes. */
  tick(nowMs: number): void {
    for (const p of this.#positions) {
      if (p.session === null) {
        if (this.rng.chance(1 / MEAN_OFFLINE_TICKS)) this.#logOn(p, nowMs);
      } else if (this.rng.chance(1 / MEAN_ONLINE_TICKS)) {
        p.session = null;
      } else if (p.suffix === "ATIS" && this.rng.chance(1 / MEAN_ATIS_TICKS)) {
        p.atisCode = (p.atisCode + 1) % 26;
        p.textAtis = this.#atisText(p, nowMs);
      }
    }
  }

  records(now: string): { controllers: ControllerRecord[]; atis: AtisRecord[] } {
    const controllers: ControllerRecord[] = [];
    const atis: AtisRecord[] = [];
    for (const p of this.#positions) {
      const s = p.session;
      if (s === null) continue;
      const base = {
        cid: s.cid,
        name: s.name,
        callsign: p.callsign,
        frequency: p.frequency,
        facility: p.facility,
        rating: s.rating,
        server: s.server,
        visual_range: p.visualRange,
      };
      if (p.suffix === "ATIS") {
        atis.push({
          ...base,
          atis_code: String.fromCharCode(65 + p.atisCode),
          text_atis: p.textAtis ?? [],
          last_updated: now,
          logon_time: s.logonTime,
        });
      } else {
        controllers.push({ ...base, text_atis: p.textAtis, last_updated: now, logon_time: s.logonTime });
      }
    }
    return { controllers, atis };
  }

  #logOn(p: Position, atMs: number): void {
    this.#nextCid += this.rng.int(1, 500);
    p.session = {
      cid: this.#nextCid,
      name: `${this.rng.pick(FIRST_NAMES)} ${this.rng.pick(LAST_NAMES)}`,
      rating: p.suffix === "OBS" ? 1 : this.rng.int(2, 7),
      server: this.rng.pick(SERVER_IDENTS),
      logonTime: feedTimestamp(atMs),
    };
    if (p.suffix === "ATIS") {
      p.atisCode = this.rng.int(0, 25);
      p.textAtis = this.#atisText(p, atMs);
    } else if (p.suffix !== "OBS") {
      p.textAtis = this.rng.chance(0.6)
        ? [`${p.airport.name.toUpperCase()}`, `CHARTS AND BRIEFING AT ${p.airport.icao}.EXAMPLE`]
        : null;
    }
  }

  #atisText(p: Position, atMs: number): string[] {
    const letter = String.fromCharCode(65 + p.atisCode);
    const time = new Date(atMs).toISOString().slice(11, 16).replace(":", "");
    const wind = `${String(this.rng.int(0, 35) * 10).padStart(3, "0")}${
      String(this.rng.int(2, 25)).padStart(2, "0")
    }KT`;
    const runway = String(this.rng.int(1, 36)).padStart(2, "0");
    const qnh = this.rng.int(995, 1035);
    const temperatures = `${metarTemperature(this.rng.int(-5, 32))}/${
      metarTemperature(this.rng.int(-10, 20))
    }`;
    return [
      `${p.airport.icao} ATIS INFO ${letter} ${time}Z. ${wind} 9999 FEW030 ${temperatures}`,
      `Q${qnh}. RWY ${runway} IN USE. TRANSITION LEVEL 70.`,
      `ADVISE ON INITIAL CONTACT YOU HAVE INFORMATION ${letter}.`,
    ];
  }
}

/** `M05` for -5 °C, `12` for 12 °C, as METARs write temperatures. */
function metarTemperature(celsius: number): string {
  return `${celsius < 0 ? "M" : ""}${String(Math.abs(celsius)).padStart(2, "0")}`;
}
