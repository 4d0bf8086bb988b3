/**
 * Every query of the committed dashboards (`dashboards/*.json`): panel targets and variables, with the
 * data source each goes to. Read from the JSON itself, as Grafana reads it, for the tests that hold the
 * SQL against the schema (tests/grafana_queries_test.ts) and PromQL against /metrics.
 */
import { z } from "zod";
import { POSTGRES, PROMETHEUS } from "./panels.ts";

export const DASHBOARDS_DIR = new URL("./dashboards/", import.meta.url);

const SourceSchema = z.object({ uid: z.string() });

const TargetSchema = z.object({
  datasource: SourceSchema,
  rawSql: z.string().optional(),
  expr: z.string().optional(),
  format: z.string().optional(),
});

interface Panel {
  type: string;
  title: string;
  interval?: string;
  targets: z.infer<typeof TargetSchema>[];
  options?: { layers?: { location?: { latitude?: string; longitude?: string } }[] };
  panels: Panel[];
}

const PanelSchema: z.ZodType<Panel> = z.lazy(() =>
  z.object({
    type: z.string(),
    title: z.string(),
    interval: z.string().optional(),
    targets: z.array(TargetSchema).default([]),
    options: z.object({
      layers: z.array(z.object({
        location: z.object({ latitude: z.string().optional(), longitude: z.string().optional() }).optional(),
      })).optional(),
    }).optional(),
    // A collapsed row keeps its panels inside it.
    panels: z.array(PanelSchema).default([]),
  })
);

const VariableSchema = z.object({
  name: z.string(),
  type: z.string(),
  datasource: SourceSchema.optional(),
  query: z.union([z.string(), z.object({ rawSql: z.string().optional(), expr: z.string().optional() })])
    .optional(),
});

const DashboardSchema = z.object({
  uid: z.string(),
  title: z.string(),
  panels: z.array(PanelSchema),
  templating: z.object({ list: z.array(VariableSchema) }),
});

export interface DashboardQuery {
  /** The dashboard's file name. */
  dashboard: string;
  /** The panel's title, or `variable <name>`. */
  where: string;
  source: "postgres" | "prometheus";
  text: string;
  /** For a variable: its name. */
  variable?: string;
  /** `table` or `time_series` (SQL). */
  format?: string;
  /** The least `$__interval` the panel allows. */
  minInterval?: string;
  /** Columns the panel reads by name (a map's latitude and longitude). */
  columns: string[];
}

function sourceOf(uid: string | undefined, where: string): DashboardQuery["source"] {
  if (uid === POSTGRES.uid) return "postgres";
  if (uid === PROMETHEUS.uid) return "prometheus";
  throw new Error(`${where}: unknown data source ${uid}`);
}

/** The queries of one dashboard's JSON text, variables first (panels depend on them). */
export function queriesOf(dashboard: string, json: string): DashboardQuery[] {
  const board = DashboardSchema.parse(JSON.parse(json));
  const queries: DashboardQuery[] = [];
  for (const variable of board.templating.list) {
    if (variable.type !== "query" || variable.query === undefined) continue;
    const where = `variable ${variable.name}`;
    const text = typeof variable.query === "string"
      ? variable.query
      : variable.query.rawSql ?? variable.query.expr ?? "";
    queries.push({
      dashboard,
      where,
      source: sourceOf(variable.datasource?.uid, `${dashboard}: ${where}`),
      text,
      variable: variable.name,
      columns: [],
    });
  }
  const visit = (panel: Panel) => {
    const columns = (panel.options?.layers ?? []).flatMap((layer) =>
      [layer.location?.latitude, layer.location?.longitude].filter((c): c is string => c !== undefined)
    );
    for (const target of panel.targets) {
      const source = sourceOf(target.datasource.uid, `${dashboard}: ${panel.title}`);
      const text = source === "postgres" ? target.rawSql : target.expr;
      if (text === undefined) throw new Error(`${dashboard}: ${panel.title}: a target without its query`);
      queries.push({
        dashboard,
        where: panel.title,
        source,
        text,
        format: target.format,
        minInterval: panel.interval,
        columns,
      });
    }
    panel.panels.forEach(visit);
  };
  board.panels.forEach(visit);
  return queries;
}

/** The queries of every dashboard in `dir`, in file name order. */
export async function dashboardQueries(dir: URL = DASHBOARDS_DIR): Promise<DashboardQuery[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".json")) names.push(entry.name);
  }
  names.sort();
  const queries: DashboardQuery[] = [];
  for (const name of names) queries.push(...queriesOf(name, await Deno.readTextFile(new URL(name, dir))));
  return queries;
}
