/** The network now and over time: clients of each kind, typed events, aircraft types, pilots on a map. */
import { dashboard, type JsonObject, sql } from "../panels.ts";
import {
  ALTITUDE_COLORS,
  bars,
  LEGEND_OPTIONS,
  lines,
  mapOptions,
  POSITION_UNITS,
  TABLE_OPTIONS,
} from "./common.ts";

export function networkDashboard(): JsonObject {
  return dashboard({
    uid: "vatsim-network",
    title: "VATSIM network",
    description: "Who is on the network: pilots, controllers and ATIS stations as the collector stored them.",
    sections: [
      ["Now", [{
        type: "stat",
        title: "Newest snapshot in the range",
        width: 24,
        height: 4,
        targets: [sql("network_latest")],
        options: {
          reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
          colorMode: "none",
          graphMode: "none",
          textMode: "value_and_name",
          justifyMode: "center",
        },
      }]],
      ["Over time", [
        {
          type: "timeseries",
          title: "Clients on the network",
          description: "The most of each kind in any snapshot of the interval.",
          width: 24,
          height: 9,
          targets: [sql("network_clients", "time_series")],
          options: LEGEND_OPTIONS,
          defaults: lines(),
        },
        {
          type: "timeseries",
          title: "Events by type",
          width: 14,
          height: 9,
          targets: [sql("network_events", "time_series")],
          options: LEGEND_OPTIONS,
          defaults: bars(),
        },
        {
          type: "barchart",
          title: "Aircraft types flown",
          width: 10,
          height: 9,
          targets: [sql("network_aircraft")],
          options: {
            orientation: "horizontal",
            xField: "aircraft",
            showValue: "auto",
            legend: { showLegend: false },
          },
          defaults: { unit: "short", min: 0 },
        },
      ]],
      ["Map", [{
        type: "geomap",
        title: "Pilots at the newest snapshot in the range",
        width: 24,
        height: 16,
        targets: [sql("network_pilots_map")],
        options: mapOptions("Pilots", "world", "plane"),
        defaults: ALTITUDE_COLORS,
        overrides: POSITION_UNITS,
      }]],
      ["Details", [{
        type: "table",
        title: "Pilot list at the newest snapshot in the range",
        width: 24,
        height: 10,
        targets: [sql("network_pilots_map")],
        options: TABLE_OPTIONS,
        overrides: POSITION_UNITS,
      }]],
    ],
  });
}
