/**
 * The bench's one report: a row per figure, each with its baseline measured in the same run, the ratio,
 * the goal and whether it is met, printed as one Markdown table and kept in the JSON report beside each
 * section's raw numbers.
 */

export interface Row {
  /** Which section measured it: bus, crash, collector, front, load, memory. */
  section: string;
  measure: string;
  result: string;
  /** What the result is compared with, measured in the same run ("—" when nothing fits). */
  baseline: string;
  ratio: string;
  goal: string;
  /** Null when no goal is set for the figure. */
  met: boolean | null;
}

/** A row of a section; unset fields are "—" (and met null). */
export function row(
  section: string,
  fields: Partial<Omit<Row, "section">> & Pick<Row, "measure" | "result">,
): Row {
  return { section, baseline: "—", ratio: "—", goal: "—", met: null, ...fields };
}

/** The rows as one Markdown table. */
export function markdownTable(rows: Row[]): string {
  const header = ["section", "measure", "result", "baseline (same run)", "ratio", "goal", "met"];
  const cells = (r: Row) => [r.section, r.measure, r.result, r.baseline, r.ratio, r.goal, metCell(r.met)];
  const line = (values: string[]) => `| ${values.map((v) => v.replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map((r) => line(cells(r)))].join("\n");
}

function metCell(met: boolean | null): string {
  return met === null ? "—" : met ? "yes" : "**no**";
}

/** "12.3 ms". */
export const ms = (value: number) => `${value} ms`;
