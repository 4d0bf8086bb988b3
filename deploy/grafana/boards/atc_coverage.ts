/** ATC coverage: controllers online by facility, online time per facility, area and position, ATIS on air. */
import { dashboard, type JsonObject, sql } from "../panels.ts";
import { areas, LEGEND_OPTIONS, TABLE_OPTIONS } from "./common.ts";

export function atcCoverageDashboard(): JsonObject {
  return dashboard({
    uid: "vatsim-atc-coverage",
    title: "VATSIM ATC coverage",
    description: "Controllers online and the time they gave, from first to last sighting of each session.",
    range: "24h",
    sections: [
      ["Online", [{
        type: "timeseries",
        title: "Controllers online by facility",
        width: 24,
        height: 9,
        targets: [sql("atc_online", "time_series")],
        options: LEGEND_OPTIONS,
        defaults: areas(),
        // One count per interval, each a join over the sessions: no finer than a minute.
        interval: "1m",
      }]],
      ["Coverage in the range", [
        {
          type: "barchart",
          title: "Controller hours by facility",
          width: 8,
          height: 10,
          targets: [sql("atc_hours_by_facility")],
          options: {
            orientation: "horizontal",
            xField: "facility",
            showValue: "auto",
            legend: { showLegend: true },
          },
          defaults: { unit: "short", min: 0 },
        },
        {
          type: "table",
          title: "Areas by controller hours",
          width: 16,
          height: 10,
          targets: [sql("atc_areas")],
          options: TABLE_OPTIONS,
        },
        {
          type: "table",
          title: "Positions by controller hours",
          width: 24,
          height: 10,
          targets: [sql("atc_positions")],
          options: TABLE_OPTIONS,
        },
      ]],
      ["ATIS", [{
        type: "table",
        title: "ATIS on air at the newest snapshot in the range",
        width: 24,
        height: 10,
        targets: [sql("atc_atis")],
        options: TABLE_OPTIONS,
        overrides: [{
          matcher: { id: "byName", options: "text" },
          properties: [{ id: "custom.cellOptions", value: { type: "auto", wrapText: true } }],
        }],
      }]],
    ],
  });
}
