/** Busy airports: take-offs and landings the collector saw, and the airports and routes of flight plans. */
import { dashboard, type JsonObject, sql } from "../panels.ts";
import { bars, LEGEND_OPTIONS, TABLE_OPTIONS } from "./common.ts";

const MOVEMENTS = "A take-off is a position under 50 kt followed by a faster one, a landing the reverse. " +
  "Each counts at its flight plan's airport (GET /api/traffic/movements/{icao} places it by position).";

export function airportsDashboard(): JsonObject {
  return dashboard({
    uid: "vatsim-airports",
    title: "VATSIM top airports and movements",
    description: "Where the traffic is: movements seen in the positions, and the flight plans' airports.",
    range: "24h",
    sections: [
      ["Movements", [
        {
          type: "timeseries",
          title: "Take-offs and landings",
          description: MOVEMENTS,
          width: 12,
          height: 9,
          targets: [sql("airports_movements_over_time", "time_series")],
          options: LEGEND_OPTIONS,
          defaults: bars(),
        },
        {
          type: "table",
          title: "Airports by movements",
          description: MOVEMENTS,
          width: 12,
          height: 9,
          targets: [sql("airports_movements_by_airport")],
          options: TABLE_OPTIONS,
        },
        {
          type: "table",
          title: "Movements, newest first",
          description: MOVEMENTS,
          width: 24,
          height: 10,
          targets: [sql("airports_movements")],
          options: TABLE_OPTIONS,
        },
      ]],
      ["Flight plans", [
        {
          type: "bargauge",
          title: "Airports by planned flights",
          description: "Flights online in the range, counted at their plan's departure and arrival.",
          width: 12,
          height: 10,
          targets: [sql("airports_planned")],
          options: {
            orientation: "horizontal",
            displayMode: "basic",
            reduceOptions: { calcs: [], fields: "/^flights$/", values: true },
            showUnfilled: true,
          },
          defaults: { unit: "short", min: 0 },
        },
        {
          type: "table",
          title: "Busiest routes",
          width: 12,
          height: 10,
          targets: [sql("airports_routes")],
          options: TABLE_OPTIONS,
        },
      ]],
    ],
  });
}
