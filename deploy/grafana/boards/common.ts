/** Panel settings the dashboards share: time series looks, table sizes, the map layer. */
import type { JsonObject } from "../panels.ts";

/** Lines over time. */
export function lines(unit = "short"): JsonObject {
  return { unit, custom: { drawStyle: "line", lineWidth: 1, fillOpacity: 10, showPoints: "auto" } };
}

/** Stacked areas over time (parts of a whole: phases, facilities). */
export function areas(unit = "short"): JsonObject {
  return {
    unit,
    min: 0,
    custom: {
      drawStyle: "line",
      lineWidth: 1,
      fillOpacity: 40,
      showPoints: "auto",
      stacking: { mode: "normal", group: "A" },
    },
  };
}

/** Stacked bars per interval (counts of things that happened: events, movements). */
export function bars(unit = "short"): JsonObject {
  return {
    unit,
    min: 0,
    custom: { drawStyle: "bars", fillOpacity: 80, lineWidth: 1, stacking: { mode: "normal", group: "A" } },
  };
}

export const LEGEND_OPTIONS: JsonObject = {
  legend: { displayMode: "list", placement: "bottom", showLegend: true },
  tooltip: { mode: "multi", sort: "desc" },
};

export const TABLE_OPTIONS: JsonObject = { showHeader: true, cellHeight: "sm", footer: { show: false } };

/**
 * A map of markers at `latitude`/`longitude`, coloured by altitude. `fit` zooms to the data (one
 * flight); otherwise the whole world shows. Planes point along `heading`.
 */
export function mapOptions(layer: string, view: "fit" | "world", symbol: "plane" | "circle"): JsonObject {
  return {
    view: view === "fit"
      ? { id: "fit", lat: 0, lon: 0, zoom: 5, allLayers: true }
      : { id: "zero", lat: 30, lon: 0, zoom: 1.6, allLayers: true },
    controls: { showZoom: true, mouseWheelZoom: true, showAttribution: true, showScale: true },
    basemap: { type: "default", name: "Basemap" },
    layers: [{
      type: "markers",
      name: layer,
      tooltip: true,
      location: { mode: "coords", latitude: "latitude", longitude: "longitude" },
      config: {
        showLegend: true,
        style: {
          size: { fixed: symbol === "plane" ? 6 : 4 },
          color: { field: "altitude", fixed: "dark-green" },
          opacity: 0.8,
          symbol: { mode: "fixed", fixed: `img/icons/marker/${symbol}.svg` },
          rotation: symbol === "plane"
            ? { field: "heading", mode: "mod", fixed: 0, min: 0, max: 360 }
            : { fixed: 0, mode: "mod", min: -360, max: 360 },
          symbolAlign: { horizontal: "center", vertical: "center" },
        },
      },
    }],
    tooltip: { mode: "details" },
  };
}

/** Altitude colours for the maps: low green, high red. */
export const ALTITUDE_COLORS: JsonObject = { color: { mode: "continuous-GrYlRd" } };

/** Units of a position's altitude and ground speed, where they are shown; ground speed on the right. */
export const POSITION_UNITS: JsonObject[] = [
  { matcher: { id: "byName", options: "altitude" }, properties: [{ id: "unit", value: "lengthft" }] },
  {
    matcher: { id: "byName", options: "groundspeed" },
    properties: [{ id: "unit", value: "velocityknot" }, { id: "custom.axisPlacement", value: "right" }],
  },
];
