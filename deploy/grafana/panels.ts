/**
 * Building blocks of the provisioned Grafana dashboards: panels, queries and the dashboard around them,
 * as the plain JSON Grafana reads. SQL comes verbatim from `sql/queries/grafana/*.sql`, never inline.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The data sources of provisioning/datasources/datasources.yml, by uid. */
export const POSTGRES = { type: "grafana-postgresql-datasource", uid: "vatsim-postgres" } as const;
export const PROMETHEUS = { type: "prometheus", uid: "vatsim-prometheus" } as const;

/** Tag of every dashboard here; the dashboards link to each other through it. */
export const TAG = "vatsim";

const QUERIES = new URL("../../sql/queries/grafana/", import.meta.url);

/** The text of `sql/queries/grafana/<name>.sql`, exactly as the panel sends it. */
export function sqlText(name: string): string {
  return Deno.readTextFileSync(new URL(`${name}.sql`, QUERIES));
}

/** A PostgreSQL query; `time_series` needs a `time` column. */
export function sql(name: string, format: "table" | "time_series" = "table"): JsonObject {
  return { datasource: { ...POSTGRES }, editorMode: "code", format, rawQuery: true, rawSql: sqlText(name) };
}

/** A Prometheus range query; `legend` is a Grafana legend format such as `{{actor}}`. */
export function promql(expr: string, legend: string): JsonObject {
  return { datasource: { ...PROMETHEUS }, editorMode: "code", expr, legendFormat: legend, range: true };
}

/** A Prometheus instant query, for tables and stats that show the present. */
export function promqlNow(expr: string, legend: string): JsonObject {
  return { ...promql(expr, legend), range: false, instant: true, format: "table" };
}

export interface PanelSpec {
  type: "timeseries" | "stat" | "table" | "barchart" | "bargauge" | "piechart" | "geomap" | "state-timeline";
  title: string;
  description?: string;
  /** Grid columns (of 24) and rows. */
  width: number;
  height: number;
  targets: JsonObject[];
  options?: JsonObject;
  defaults?: JsonObject;
  overrides?: JsonObject[];
  transformations?: JsonObject[];
  /** The least `$__interval` Grafana may choose, for queries that cost per bucket. */
  interval?: string;
}

/** A value mapping from numbers (or texts) to a shown text and colour. */
export function valueMap(entries: Record<string, [text: string, color: string]>): JsonObject {
  const options: JsonObject = {};
  Object.entries(entries).forEach(([value, [text, color]], index) => options[value] = { text, color, index });
  return { type: "value", options };
}

/** A link from a table column to a dashboard, passing the cell as a variable and the time range. */
export function linkOverride(column: string, title: string, uid: string, variable: string): JsonObject {
  const url = `/d/${uid}?var-${variable}=\${__value.raw}&\${__url_time_range}`;
  return {
    matcher: { id: "byName", options: column },
    properties: [{ id: "links", value: [{ title, url }] }],
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** Sections: a row title, then its panels laid out left to right. */
  sections: [title: string, panels: PanelSpec[]][];
  variables?: JsonObject[];
  /** Default time range back from now, e.g. `6h`. */
  range?: string;
  refresh?: string;
}

const GRID_WIDTH = 24;

/** The dashboard JSON: rows and panels placed on Grafana's 24-column grid, ids in order. */
export function dashboard(spec: DashboardSpec): JsonObject {
  const panels: JsonObject[] = [];
  let y = 0;
  for (const [title, section] of spec.sections) {
    panels.push({
      id: panels.length + 1,
      type: "row",
      title,
      collapsed: false,
      gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 },
      panels: [],
    });
    y += 1;
    let x = 0, rowHeight = 0;
    for (const panel of section) {
      if (x + panel.width > GRID_WIDTH) [x, y, rowHeight] = [0, y + rowHeight, 0];
      panels.push(panelJson(panel, panels.length + 1, { x, y, w: panel.width, h: panel.height }));
      x += panel.width;
      rowHeight = Math.max(rowHeight, panel.height);
    }
    y += rowHeight;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [TAG],
    timezone: "utc",
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: spec.refresh ?? "1m",
    time: { from: `now-${spec.range ?? "6h"}`, to: "now" },
    links: [{ type: "dashboards", title: "VATSIM", tags: [TAG], asDropdown: true, includeVars: false }],
    annotations: { list: [] },
    templating: { list: spec.variables ?? [] },
    panels,
  };
}

function panelJson(panel: PanelSpec, id: number, gridPos: JsonObject): JsonObject {
  const refIds = "ABCDEFGHIJ";
  const json: JsonObject = {
    id,
    type: panel.type,
    title: panel.title,
    description: panel.description ?? "",
    datasource: panel.targets[0].datasource,
    gridPos,
    targets: panel.targets.map((target, i) => ({ refId: refIds[i], ...target })),
    options: panel.options ?? {},
    fieldConfig: { defaults: panel.defaults ?? {}, overrides: panel.overrides ?? [] },
  };
  if (panel.transformations) json.transformations = panel.transformations;
  if (panel.interval) json.interval = panel.interval;
  return json;
}

/** A dashboard variable filled by a PostgreSQL query (its text from the .sql file), refreshed with the range. */
export function sqlVariable(name: string, label: string, file: string): JsonObject {
  const text = sqlText(file);
  return {
    name,
    label,
    type: "query",
    datasource: { ...POSTGRES },
    query: text,
    definition: text,
    refresh: 2,
    sort: 0,
    multi: false,
    includeAll: false,
    current: {},
    options: [],
  };
}
