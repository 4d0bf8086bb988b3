/** Flight phases: flights by phase over time and now, and each flight's phase (linked to its track). */
import { dashboard, type JsonObject, linkOverride, sql } from "../panels.ts";
import { areas, LEGEND_OPTIONS, TABLE_OPTIONS } from "./common.ts";
import { FLIGHT_TRACK_UID } from "./flight_track.ts";

const RULES = "By ground speed and vertical rate alone (traffic/phase.ts without airport elevations): " +
  "under 50 kt is on the ground, and there is no approach phase.";

export function flightPhasesDashboard(): JsonObject {
  return dashboard({
    uid: "vatsim-flight-phases",
    title: "VATSIM flight phases",
    description:
      "What the flights online are doing: on the ground, taking off, climbing, cruising, descending.",
    sections: [
      ["Phases", [
        {
          type: "timeseries",
          title: "Flights by phase",
          description: RULES,
          width: 16,
          height: 10,
          targets: [sql("phases_over_time", "time_series")],
          options: LEGEND_OPTIONS,
          defaults: areas(),
          // One reading of every flight online per interval: no finer than a minute.
          interval: "1m",
        },
        {
          type: "piechart",
          title: "Phases at the newest snapshot in the range",
          description: RULES,
          width: 8,
          height: 10,
          targets: [sql("phases_now")],
          options: {
            reduceOptions: { calcs: [], fields: "/^flights$/", values: true },
            pieType: "donut",
            legend: {
              displayMode: "table",
              placement: "right",
              showLegend: true,
              values: ["value", "percent"],
            },
          },
        },
      ]],
      ["Flights", [{
        type: "table",
        title: "Flights at the newest snapshot in the range",
        description: `${RULES} A callsign opens its track.`,
        width: 24,
        height: 12,
        targets: [sql("phases_flights")],
        options: TABLE_OPTIONS,
        overrides: [linkOverride("callsign", "Track", FLIGHT_TRACK_UID, "callsign")],
      }]],
    ],
  });
}
