// Fixed tables of the simulated feed: the reference lists exactly as the real v3 feed sends them, the FSD
// servers, and the aircraft and airline codes the simulated pilots use.

export const FACILITIES = [
  { id: 0, short: "OBS", long: "Observer" },
  { id: 1, short: "FSS", long: "Flight Service Station" },
  { id: 2, short: "DEL", long: "Clearance Delivery" },
  { id: 3, short: "GND", long: "Ground" },
  { id: 4, short: "TWR", long: "Tower" },
  { id: 5, short: "APP", long: "Approach/Departure" },
  { id: 6, short: "CTR", long: "Enroute" },
];

export const RATINGS = [
  { id: -1, short: "INAC", long: "Inactive" },
  { id: 0, short: "SUS", long: "Suspended" },
  { id: 1, short: "OBS", long: "Observer" },
  { id: 2, short: "S1", long: "Tower Trainee" },
  { id: 3, short: "S2", long: "Tower Controller" },
  { id: 4, short: "S3", long: "Senior Student" },
  { id: 5, short: "C1", long: "Enroute Controller" },
  { id: 6, short: "C2", long: "Controller 2 (not in use)" },
  { id: 7, short: "C3", long: "Senior Controller" },
  { id: 8, short: "I1", long: "Instructor" },
  { id: 9, short: "I2", long: "Instructor 2 (not in use)" },
  { id: 10, short: "I3", long: "Senior Instructor" },
  { id: 11, short: "SUP", long: "Supervisor" },
  { id: 12, short: "ADM", long: "Administrator" },
];

export const PILOT_RATINGS = [
  { id: 0, short_name: "NEW", long_name: "Basic Member" },
  { id: 1, short_name: "PPL", long_name: "Private Pilot License" },
  { id: 3, short_name: "IR", long_name: "Instrument Rating" },
  { id: 7, short_name: "CMEL", long_name: "Commercial Multi-Engine License" },
  { id: 15, short_name: "ATPL", long_name: "Airline Transport Pilot License" },
  { id: 31, short_name: "FI", long_name: "Flight Instructor" },
  { id: 63, short_name: "FE", long_name: "Flight Examiner" },
];

export const MILITARY_RATINGS = [
  { id: 0, short_name: "M0", long_name: "No Military Rating" },
  { id: 1, short_name: "M1", long_name: "Military Pilot License" },
  { id: 3, short_name: "M2", long_name: "Military Instrument Rating" },
  { id: 7, short_name: "M3", long_name: "Military Multi-Engine Rating" },
  { id: 15, short_name: "M4", long_name: "Military Mission Ready Pilot" },
];

export const SERVERS = [
  { ident: "AMSTERDAM", hostname_or_ip: "192.0.2.10", location: "Amsterdam, Netherlands" },
  { ident: "CANADA", hostname_or_ip: "192.0.2.11", location: "Toronto, Canada" },
  { ident: "GERMANY", hostname_or_ip: "192.0.2.12", location: "Frankfurt, Germany" },
  { ident: "UK", hostname_or_ip: "192.0.2.13", location: "London, United Kingdom" },
  { ident: "USA-EAST", hostname_or_ip: "192.0.2.14", location: "New York, USA" },
  { ident: "USA-WEST", hostname_or_ip: "192.0.2.15", location: "San Francisco, USA" },
  { ident: "SINGAPORE", hostname_or_ip: "192.0.2.16", location: "Singapore" },
].map((s) => ({
  ...s,
  name: s.ident,
  clients_connection_allowed: 1,
  client_connections_allowed: true,
  is_sweatbox: false,
}));

export const SERVER_IDENTS = SERVERS.map((s) => s.ident);

/** An aircraft type: ICAO code, wake category, equipment suffix, cruise TAS (kt), usual cruise level. */
export interface AircraftType {
  code: string;
  wake: "L" | "M" | "H";
  equipment: string;
  tasKt: number;
  cruiseFt: number;
  maxRangeNm: number;
}

export const AIRCRAFT_TYPES: readonly AircraftType[] = [
  {
    code: "A320",
    wake: "M",
    equipment: "SDE2E3FGHIJ1RWXY/LB1",
    tasKt: 450,
    cruiseFt: 36000,
    maxRangeNm: 3000,
  },
  {
    code: "A20N",
    wake: "M",
    equipment: "SDE2E3FGHIJ1RWXY/LB1",
    tasKt: 450,
    cruiseFt: 37000,
    maxRangeNm: 3300,
  },
  { code: "A321", wake: "M", equipment: "SDE3FGHIRWY/LB1", tasKt: 455, cruiseFt: 35000, maxRangeNm: 3200 },
  { code: "B738", wake: "M", equipment: "SDE2E3FGHIRWXY/LB1", tasKt: 455, cruiseFt: 37000, maxRangeNm: 3000 },
  { code: "B38M", wake: "M", equipment: "SDE2E3FGHIRWXY/LB1", tasKt: 455, cruiseFt: 38000, maxRangeNm: 3500 },
  { code: "CRJ9", wake: "M", equipment: "SDE2E3FGRWY/LB1", tasKt: 440, cruiseFt: 35000, maxRangeNm: 1500 },
  { code: "E75L", wake: "M", equipment: "SDE2E3FGRWY/LB1", tasKt: 440, cruiseFt: 35000, maxRangeNm: 2000 },
  { code: "DH8D", wake: "M", equipment: "SDE2E3FGRY/S", tasKt: 300, cruiseFt: 25000, maxRangeNm: 1000 },
  { code: "C172", wake: "L", equipment: "GS/C", tasKt: 110, cruiseFt: 6500, maxRangeNm: 400 },
  {
    code: "B77W",
    wake: "H",
    equipment: "SDE2E3FGHIJ2J3J4J5M1RWXY/LB1D1",
    tasKt: 490,
    cruiseFt: 35000,
    maxRangeNm: 7300,
  },
  {
    code: "B789",
    wake: "H",
    equipment: "SDE2E3FGHIJ2J3J4J5M1RWXY/LB1D1",
    tasKt: 488,
    cruiseFt: 39000,
    maxRangeNm: 7500,
  },
  {
    code: "A359",
    wake: "H",
    equipment: "SDE2E3GHIJ1J3J4J5LM1ORWXY/LB1D1",
    tasKt: 488,
    cruiseFt: 39000,
    maxRangeNm: 8000,
  },
  {
    code: "A388",
    wake: "H",
    equipment: "SDE2E3GHIJ3J5J6M1M2P2RWXYZ/LB2D1",
    tasKt: 490,
    cruiseFt: 37000,
    maxRangeNm: 8000,
  },
];

export const AIRLINES = [
  "AAL",
  "AFR",
  "BAW",
  "DAL",
  "DLH",
  "EZY",
  "RYR",
  "UAE",
  "QTR",
  "SWR",
  "KLM",
  "UAL",
  "SWA",
  "ACA",
  "THY",
  "SIA",
  "CPA",
  "QFA",
  "JAL",
  "ANA",
  "IBE",
  "VLG",
  "WZZ",
  "EIN",
  "SAS",
  "AUA",
  "TAP",
  "ETD",
  "JBU",
  "ASA",
];

export const FIRST_NAMES = [
  "Alex",
  "Ben",
  "Chloe",
  "David",
  "Emma",
  "Felix",
  "Grace",
  "Hugo",
  "Isla",
  "Jonas",
  "Kai",
  "Lena",
  "Marco",
  "Nina",
  "Oscar",
  "Paula",
  "Quinn",
  "Rosa",
  "Sam",
  "Tara",
  "Ugo",
  "Vera",
  "Will",
  "Yara",
  "Zoe",
];

export const LAST_NAMES = [
  "Adams",
  "Berg",
  "Costa",
  "Dubois",
  "Evans",
  "Fischer",
  "Garcia",
  "Hansen",
  "Ito",
  "Jansen",
  "Kowalski",
  "Larsen",
  "Meyer",
  "Novak",
  "Olsen",
  "Petrov",
  "Rossi",
  "Silva",
  "Tanaka",
  "Urban",
  "Vogel",
  "Weber",
];
