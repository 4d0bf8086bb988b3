/**
 * The SQL of the provisioned Grafana dashboards: every panel and variable query is the exact text of a
 * file in sql/queries/grafana/ (each file used), and each returns rows from the real schema filled by a
 * replay of pair-a then pair-b, with Grafana's variables and macros expanded as Grafana does, read as the
 * read-only role Grafana logs in as (deploy/postgres/grafana_reader.sql), which may write nothing.
 */
import assert from "node:assert/strict";
import { type Database, openDatabase } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { dashboardQueries } from "../deploy/grafana/dashboard_queries.ts";
import { requirePostgres, withTempDatabase } from "./helpers/postgres.ts";
import { PAIR_A, PAIR_B, replayFixtures } from "./helpers/replay.ts";

const QUERY_DIR = new URL("../sql/queries/grafana/", import.meta.url);
/** What Grafana picks for `$__interval` on a panel without a least interval of its own (any will do). */
const DEFAULT_INTERVAL = "1m";

interface TimeRange {
  from: Date;
  to: Date;
}

/** Go's RFC3339Nano, as Grafana writes times into SQL: no fraction digits beyond the last non-zero one. */
const rfc3339 = (date: Date) =>
  date.toISOString().replace(/\.(\d*?)0*Z$/, (_end, digits: string) => digits ? `.${digits}Z` : "Z");

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

function intervalSeconds(text: string): number {
  const match = /^'?(\d+)(ms|s|m|h|d|w)'?$/.exec(text.trim());
  if (!match) throw new Error(`not an interval: ${text}`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/**
 * What Grafana sends for `sql`: first the variables (the browser's part: a single value goes in as it
 * is, quotes doubled), then the macros of its PostgreSQL data source
 * (pkg/tsdb/grafana-postgresql-datasource/macros.go). A variable or macro it does not know is an error
 * here, since Grafana would leave it in the SQL.
 */
function expandGrafana(sql: string, range: TimeRange, variables: Record<string, string>): string {
  const withVariables = sql.replace(/\$\{(\w+)\}|\$(\w+)\b(?!\()/g, (_text, braced, bare) => {
    const name: string = braced ?? bare;
    const value = variables[name];
    if (value === undefined) throw new Error(`unknown variable $${name}`);
    return value.replaceAll("'", "''");
  });
  const [from, to] = [`'${rfc3339(range.from)}'`, `'${rfc3339(range.to)}'`];
  const group = (column: string, interval: string) => {
    const seconds = intervalSeconds(interval);
    return `floor(extract(epoch from ${column})/${seconds})*${seconds}`;
  };
  return withVariables.replace(
    /\$([_a-zA-Z0-9]+)\(([^)]*)\)/g,
    (text, name: string, argText: string, offset: number, whole: string) => {
      const [column, interval] = argText.split(",").map((arg) => arg.trim());
      switch (name) {
        case "__time":
          return `${column} AS "time"`;
        case "__timeEpoch":
          return `extract(epoch from ${column}) as "time"`;
        case "__timeFilter":
          return `${column} BETWEEN ${from} AND ${to}`;
        case "__timeFrom":
          return from;
        case "__timeTo":
          return to;
        case "__timeGroup":
          // Grafana's compatibility rule: directly followed by a comma, it is the aliased form.
          return group(column, interval) + (whole[offset + text.length] === "," ? ` AS "time"` : "");
        case "__timeGroupAlias":
          return `${group(column, interval)} AS "time"`;
        default:
          throw new Error(`unknown macro $${name}`);
      }
    },
  );
}

Deno.test("Grafana's variables and macros are expanded as Grafana's PostgreSQL data source does", () => {
  const range = { from: new Date("2021-04-09T15:42:09.500Z"), to: new Date("2021-04-09T16:20:39Z") };
  const expand = (sql: string) => expandGrafana(sql, range, { callsign: "O'HARE1", __interval: "5m" });
  assert.equal(
    expand("where $__timeFilter(p.at)"),
    "where p.at BETWEEN '2021-04-09T15:42:09.5Z' AND '2021-04-09T16:20:39Z'",
  );
  assert.equal(expand("$__timeFrom()::timestamptz"), "'2021-04-09T15:42:09.5Z'::timestamptz");
  assert.equal(expand("select $__time(at), x"), `select at AS "time", x`);
  assert.equal(
    expand("select $__timeGroupAlias(at, $__interval)"),
    `select floor(extract(epoch from at)/300)*300 AS "time"`,
  );
  assert.equal(
    expand("group by $__timeGroup(at, '1h')\n"),
    "group by floor(extract(epoch from at)/3600)*3600\n",
  );
  assert.equal(
    expand("select $__timeGroup(at, 30s), x"),
    `select floor(extract(epoch from at)/30)*30 AS "time", x`,
  );
  assert.equal(expand("where callsign = '$callsign'"), "where callsign = 'O''HARE1'");
  assert.throws(() => expand("$__unixEpochGroup(at, 5m)"), /unknown macro/);
  assert.throws(() => expand("where cid = $cid"), /unknown variable/);
});

async function queryFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(QUERY_DIR)) {
    if (entry.isFile && entry.name.endsWith(".sql")) {
      files.set(entry.name, await Deno.readTextFile(new URL(entry.name, QUERY_DIR)));
    }
  }
  return files;
}

Deno.test("every SQL query of the dashboards is the text of a file in sql/queries/grafana/, each file used", async () => {
  const files = await queryFiles();
  const used = new Set<string>();
  for (const query of (await dashboardQueries()).filter((q) => q.source === "postgres")) {
    const file = [...files].find(([, text]) => text === query.text)?.[0];
    assert.ok(
      file,
      `${query.dashboard}: ${query.where}: its SQL is not the text of a file in sql/queries/grafana/`,
    );
    used.add(file);
  }
  assert.deepEqual([...files.keys()].filter((name) => !used.has(name)).sort(), [], "files no dashboard uses");
  for (const [name, text] of files) {
    // Grafana fills in variables in comments too, and a variable query naming itself would depend on itself.
    const comments = text.split("\n").filter((line) => line.includes("--")).map((line) =>
      line.slice(line.indexOf("--"))
    );
    assert.ok(comments.every((comment) => !comment.includes("$")), `${name}: a $ in a comment`);
  }
});

/**
 * Makes Grafana's role in the database at `url` with deploy/postgres/grafana_reader.sql, through psql as
 * the postgres image's init script does, and runs `fn` with a connection as that role (trust auth here,
 * so no password is checked). The role is cluster-wide: it is dropped again afterwards.
 */
async function withReader<T>(url: string, owner: Database, fn: (reader: Database) => Promise<T>): Promise<T> {
  const reader = `grafana_reader_test_${crypto.randomUUID().slice(0, 8)}`;
  const target = new URL(url);
  const psql = await new Deno.Command("psql", {
    args: [
      url,
      "-q",
      ...["-v", `reader=${reader}`, "-v", "reader_password=unused-with-trust"],
      ...["-v", `owner=${decodeURIComponent(target.username)}`, "-v", `database=${target.pathname.slice(1)}`],
      ...["-f", new URL("../deploy/postgres/grafana_reader.sql", import.meta.url).pathname],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(psql.code, 0, new TextDecoder().decode(psql.stderr));
  target.username = reader;
  target.password = "";
  try {
    const db = await openDatabase({ url: target.href, dataDir: "" });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  } finally {
    await owner.query(`drop owned by ${reader}`);
    await owner.query(`drop role ${reader}`);
  }
}

Deno.test({
  name: "every SQL query of the dashboards returns rows from a replay of pair-a then pair-b [postgres]",
  ...requirePostgres,
  fn: (t) =>
    withTempDatabase(async (url) => {
      const owner = await openDatabase({ url, dataDir: "" });
      try {
        // The role comes first, as on a new compose volume: the tables are made after it, by migrations.
        await withReader(url, owner, async (db) => {
          await migrate(owner);
          await replayFixtures(owner, [PAIR_A, PAIR_B]);
          await readEveryQuery(t, db);
          await t.step("the reader writes nothing, even when it asks for a read-write session", async () => {
            await assert.rejects(db.query("delete from flight_sessions"), /read-only transaction/);
            await db.query("set default_transaction_read_only = off");
            await assert.rejects(db.query("delete from flight_sessions"), /permission denied/);
            await assert.rejects(db.query("create table mine (x int)"), /permission denied/);
          });
        });
      } finally {
        await owner.close();
      }
    }),
});

async function readEveryQuery(t: Deno.TestContext, db: Database): Promise<void> {
  const [span] = await db.query<{ first: Date; last: Date }>(
    "select min(update_timestamp) as first, max(update_timestamp) as last from snapshots",
  );
  // The range one would pick around the data, a minute either side (Grafana's times are milliseconds).
  const range = {
    from: new Date(span.first.getTime() - 60_000),
    to: new Date(span.last.getTime() + 60_000),
  };
  const variables = new Map<string, Record<string, string>>();
  const queries = (await dashboardQueries()).filter((q) => q.source === "postgres");
  for (const query of queries) {
    await t.step(`${query.dashboard}: ${query.where}`, async () => {
      const own = variables.get(query.dashboard) ?? {};
      const interval = query.minInterval ?? DEFAULT_INTERVAL;
      const sql = expandGrafana(query.text, range, {
        ...own,
        __interval: interval,
        __interval_ms: String(intervalSeconds(interval) * 1000),
      });
      const rows = await db.query(sql);
      assert.ok(rows.length > 0, `no rows from:\n${sql}`);
      const columns = Object.keys(rows[0]);
      if (query.format === "time_series") {
        assert.ok(columns.includes("time"), "a time series without time");
      }
      for (const column of query.columns) {
        assert.ok(columns.includes(column), `no column ${column}`);
      }
      // Panels after it take the variable's first value, as Grafana does when none was chosen.
      if (query.variable) {
        variables.set(query.dashboard, { ...own, [query.variable]: String(rows[0][columns[0]]) });
      }
    });
  }
}
