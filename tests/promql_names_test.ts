/**
 * Every PromQL expression of the Grafana dashboards and of the alert rules names only metrics that
 * `/metrics` exposes: checked against a real scrape of the service after a replay (histograms as their
 * `_bucket`, `_sum` and `_count` series). With promtool at hand the panel expressions must also parse
 * (the alert rules are parsed by tests/prometheus_config_test.ts); in CI (`CI=true`) it must be there.
 */
import assert from "node:assert/strict";
import { dashboardQueries } from "../deploy/grafana/dashboard_queries.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { PAIR_A, PAIR_B } from "./helpers/replay.ts";
import { startService } from "./helpers/service.ts";

const ALERTS = new URL("../deploy/prometheus/alerts.yml", import.meta.url);
const IN_CI = Deno.env.get("CI") === "true";
/** Series Prometheus makes itself for every target, which alert rules may use. */
const SYNTHETIC = new Set(["up"]);
/** Grafana's own variables in PromQL, as durations (any will do for names and parsing). */
const GRAFANA_VARIABLES: Record<string, string> = { __rate_interval: "1m", __interval: "1m", __range: "1h" };
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan"]);

/** `expr` with Grafana's variables as durations; any other `$` is an error. */
function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (text, name: string) => {
    const value = GRAFANA_VARIABLES[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${text} in ${expr}`);
    return value;
  });
}

/**
 * The metric names an expression reads. Strings, label matchers, ranges and label lists (`by (…)`,
 * `on (…)`) are cut out first; what remains that is neither a function (followed by `(`), a keyword
 * nor part of a number or duration is a metric name.
 */
function metricNames(expr: string): Set<string> {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const [name] of bare.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()/g)) {
    if (!KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return names;
}

/**
 * The `expr` of every rule in a rules file as this project writes them: one line, or a block (`|`, `>-`)
 * of the lines indented under it. Fails unless there is exactly one per rule.
 */
function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split("\n");
  const expressions: string[] = [];
  lines.forEach((line, i) => {
    const match = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!match) return;
    const [, indent, value] = match;
    if (!/^[|>][-+]?$/.test(value)) {
      expressions.push(value.replace(/^'(.*)'$|^"(.*)"$/, "$1$2"));
      return;
    }
    const block: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() !== "" && next.search(/\S/) <= indent.length) break;
      block.push(next.trim());
    }
    expressions.push(block.join("\n").trim());
  });
  const rules = lines.filter((line) => /^\s*- (alert|record):/.test(line)).length;
  assert.equal(expressions.length, rules, "one expr per rule");
  return expressions;
}

/** The series names a scrape exposes: each family's name, or a histogram's three series. */
function exposedNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const series = type === "histogram"
      ? ["_bucket", "_sum", "_count"]
      : type === "summary"
      ? ["", "_sum", "_count"]
      : [""];
    for (const suffix of series) names.add(name + suffix);
  }
  return names;
}

Deno.test("metric names are read out of PromQL as Prometheus would", () => {
  const cases: [string, string[]][] = [
    ['histogram_quantile(0.9, sum by (le) (rate(a_bucket{x="y",le!="1"}[$__rate_interval])))', ["a_bucket"]],
    ["sum(rate(b_total[5m] offset 1h)) / on () group_left (x) max(c) * 1e3 > bool 0x1F", ["b_total", "c"]],
    ["count(d > 0) or vector(0) unless absent(e{job='j'})", ["d", "e"]],
    ['max(f) by (actor) and on () min_over_time(up{job="vatsim"}[2m]) == 1', ["f", "up"]],
  ];
  for (const [expr, names] of cases) {
    assert.deepEqual([...metricNames(withoutGrafanaVariables(expr))].sort(), names, expr);
  }
  assert.throws(() => withoutGrafanaVariables("rate(x[$interval])"), /unknown Grafana variable/);
  const rules =
    "  - alert: A\n    expr: a > 1\n  - alert: B\n    expr: >-\n      b\n      or c\n    for: 1m\n";
  assert.deepEqual(ruleExpressions(rules), ["a > 1", "b\nor c"]);
});

Deno.test("every PromQL expression of the dashboards and alerts names only metrics that /metrics exposes", async () => {
  const feed = await Deno.makeTempDir({ prefix: "promql_feed_" });
  const dataDir = await Deno.makeTempDir({ prefix: "promql_data_" });
  for (const name of [PAIR_A, PAIR_B]) await Deno.symlink(`${FIXTURES_DIR}${name}`, `${feed}/${name}`);
  const service = await startService({ FEED: feed, POLL_INTERVAL_MS: "100", DATA_DIR: dataDir });
  let scrape: string;
  let exitCode: number;
  try {
    await service.waitForJson<{ snapshots: { stored: number } }>(
      "/api/status",
      "both snapshots stored",
      (s) => s.snapshots.stored === 2,
      60_000,
    );
    const response = await fetch(`${service.url}/metrics`);
    assert.equal(response.status, 200);
    scrape = await response.text();
  } finally {
    // Checked after: a failure above is the one to report.
    exitCode = await service.stop();
    await Deno.remove(feed, { recursive: true });
    await Deno.remove(dataDir, { recursive: true });
  }
  assert.equal(exitCode, 0, "the service stopped cleanly");
  const exposed = exposedNames(scrape);
  const panels = (await dashboardQueries()).filter((q) => q.source === "prometheus");
  const alerts = ruleExpressions(await Deno.readTextFile(ALERTS));
  assert.ok(panels.length > 0 && alerts.length > 0);
  const unknown: string[] = [];
  for (const { where, dashboard, text } of panels) {
    for (const name of metricNames(withoutGrafanaVariables(text))) {
      if (!exposed.has(name)) unknown.push(`${dashboard}: ${where}: ${name}`);
    }
  }
  for (const expr of alerts) {
    for (const name of metricNames(expr)) {
      if (!exposed.has(name) && !SYNTHETIC.has(name)) unknown.push(`alerts.yml: ${name} in ${expr}`);
    }
  }
  assert.deepEqual(unknown, [], "names /metrics does not expose");
});

async function promtoolAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command("promtool", { args: ["--version"], stdout: "null", stderr: "null" })
      .output())
      .success;
  } catch {
    return false;
  }
}

const havePromtool = await promtoolAvailable();
if (!havePromtool && !IN_CI) {
  console.log(
    "promql_names_test: promtool not found (apt-get install prometheus); its parse test is ignored",
  );
}

Deno.test({
  name: "every PromQL expression of the dashboards parses (promtool check rules)",
  ignore: !havePromtool && !IN_CI,
  async fn() {
    const panels = (await dashboardQueries()).filter((q) => q.source === "prometheus");
    // Each expression as a recording rule: promtool parses them all and names the one that fails.
    const rules = panels.map((q, i) => ({ record: `panel_${i}`, expr: withoutGrafanaVariables(q.text) }));
    const dir = await Deno.makeTempDir({ prefix: "promql_rules_" });
    try {
      const file = `${dir}/panels.json`;
      await Deno.writeTextFile(file, JSON.stringify({ groups: [{ name: "panels", rules }] }));
      const { code, stdout, stderr } = await new Deno.Command("promtool", { args: ["check", "rules", file] })
        .output();
      const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
      assert.equal(code, 0, `promtool check rules says:\n${output}`);
      assert.match(output, new RegExp(`SUCCESS: ${rules.length} rules found`));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
