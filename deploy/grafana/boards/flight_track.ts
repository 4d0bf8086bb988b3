/** One callsign's flight: its track on a map, its altitude and speed, its sessions and plan. */
import { dashboard, type JsonObject, sql, sqlVariable } from "../panels.ts";
import {
  ALTITUDE_COLORS,
  LEGEND_OPTIONS,
  lines,
  mapOptions,
  POSITION_UNITS,
  TABLE_OPTIONS,
} from "./common.ts";

export const FLIGHT_TRACK_UID = "vatsim-flight-track";

export function flightTrackDashboard(): JsonObject {
  return dashboard({
    uid: FLIGHT_TRACK_UID,
    title: "VATSIM flight track",
    description: "Where one callsign flew: its kept positions in the range, every session of it.",
    range: "12h",
    variables: [sqlVariable("callsign", "Callsign", "flight_callsigns")],
    sections: [
      ["Track of $callsign", [{
        type: "geomap",
        title: "Track",
        width: 24,
        height: 16,
        targets: [sql("flight_track")],
        options: mapOptions("Positions", "fit", "circle"),
        defaults: ALTITUDE_COLORS,
        overrides: POSITION_UNITS,
      }]],
      ["Profile", [{
        type: "timeseries",
        title: "Altitude and ground speed",
        width: 24,
        height: 9,
        targets: [sql("flight_profile", "time_series")],
        options: LEGEND_OPTIONS,
        defaults: lines(),
        overrides: POSITION_UNITS,
      }]],
      ["Sessions", [{
        type: "table",
        title: "Sessions and flight plans",
        width: 24,
        height: 7,
        targets: [sql("flight_sessions")],
        options: TABLE_OPTIONS,
      }]],
    ],
  });
}
