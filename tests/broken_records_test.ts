/**
 * A recorded snapshot with a handful of records broken on purpose (wrong types, missing fields, junk
 * values), replayed through the real service (main.ts) into PGlite and into PostgreSQL: each broken
 * record is quarantined alone with a reason naming its field, every other record is stored (G3), and
 * implausible but well-typed values (a negative QNH, 5,000 kt) are kept.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../db/database.ts";
import { normaliseFeedTimestamp } from "../feed/timestamp.ts";
import type { StatusReport } from "../routes/deps.ts";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { freshPgliteDir } from "./helpers/pglite.ts";
import { requirePostgres, withTempDatabase } from "./helpers/postgres.ts";
import { startService } from "./helpers/service.ts";

const FIXTURE = `${FIXTURES_DIR}vatsim-data_2025-08-06T0654Z_current-schema.json`;

type Json = Record<string, unknown>;
type Section = "pilots" | "controllers" | "atis" | "prefiles";

/** One record to break: where it is, the field the reason must name, and how to break it. */
interface Breakage {
  section: Section;
  index: number;
  field: string;
  breakIt: (record: Json) => void;
}

const BREAKAGES: Breakage[] = [
  { section: "pilots", index: 10, field: "latitude", breakIt: (p) => p.latitude = String(p.latitude) },
  { section: "pilots", index: 20, field: "cid", breakIt: (p) => delete p.cid },
  { section: "pilots", index: 30, field: "logon_time", breakIt: (p) => p.logon_time = "yesterday" },
  { section: "pilots", index: 40, field: "flight_plan", breakIt: (p) => p.flight_plan = "IFR to EGLL" },
  { section: "controllers", index: 5, field: "facility", breakIt: (c) => c.facility = "TWR" },
  { section: "controllers", index: 6, field: "callsign", breakIt: (c) => delete c.callsign },
  { section: "atis", index: 2, field: "cid", breakIt: (a) => a.cid = `${a.cid}x` },
  { section: "prefiles", index: 3, field: "cid", breakIt: (f) => f.cid = -5 },
];

/** Pilots whose values are well typed but implausible: kept (and flagged by the parser), not rejected. */
const IMPLAUSIBLE: { index: number; change: Json }[] = [
  { index: 50, change: { qnh_mb: -1013 } },
  { index: 60, change: { groundspeed: 5000 } },
];

interface Expected {
  updateTimestamp: string;
  pilots: number;
  controllerSessions: number;
  atis: number;
  prefiles: number;
  implausibleCallsigns: string[];
}

/** Writes the broken snapshot into a new folder; returns the folder and what the store must hold. */
async function brokenSnapshotFolder(): Promise<{ folder: string; expected: Expected }> {
  const snapshot = JSON.parse(await Deno.readTextFile(FIXTURE)) as Record<Section, Json[]> & {
    general: { update_timestamp: string };
  };
  const count = (section: Section) =>
    snapshot[section].length - BREAKAGES.filter((b) => b.section === section).length;
  const updateTimestamp = normaliseFeedTimestamp(snapshot.general.update_timestamp);
  assert.ok(updateTimestamp !== null);
  const expected: Expected = {
    updateTimestamp,
    pilots: count("pilots"),
    controllerSessions: count("controllers") + count("atis"),
    atis: count("atis"),
    prefiles: count("prefiles"),
    implausibleCallsigns: IMPLAUSIBLE.map(({ index }) => String(snapshot.pilots[index].callsign)),
  };
  for (const { section, index, breakIt } of BREAKAGES) breakIt(snapshot[section][index]);
  for (const { index, change } of IMPLAUSIBLE) Object.assign(snapshot.pilots[index], change);
  const folder = await Deno.makeTempDir({ prefix: "broken_records_" });
  await Deno.writeTextFile(`${folder}/vatsim-data_broken.json`, JSON.stringify(snapshot));
  return { folder, expected };
}

/** Replays the folder through main.ts until its one snapshot is stored, then checks the tables. */
async function replayAndCheck(env: { DATA_DIR: string; DATABASE_URL?: string }): Promise<void> {
  const { folder, expected } = await brokenSnapshotFolder();
  try {
    const service = await startService({ ...env, FEED: folder, POLL_INTERVAL_MS: "200" });
    try {
      const report = await service.waitForJson<StatusReport>(
        "/api/status",
        "the broken snapshot stored",
        (s) => s.snapshots.stored === 1,
      );
      assert.equal(report.snapshots.fetched, 1);
      assert.equal(report.snapshots.quarantined, 0, "no whole snapshot was quarantined");
      assert.equal(report.counts.pilots, expected.pilots);
    } finally {
      assert.equal(await service.stop(), 0);
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }

  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    const quarantine = await db.query<{ scope: string; section: string; reason: string; raw: string }>(
      `select scope, section, reason, convert_from(raw, 'UTF8') as raw from quarantine
       where update_timestamp = $1::timestamptz order by section, id`,
      [expected.updateTimestamp],
    );
    const all = await db.query<{ n: number }>("select count(*)::int as n from quarantine");
    assert.equal(all[0].n, BREAKAGES.length, "only the broken records are quarantined");
    const wanted = [...BREAKAGES].sort((a, b) => a.section.localeCompare(b.section) || a.index - b.index);
    assert.equal(quarantine.length, wanted.length);
    for (const [i, { section, index, field }] of wanted.entries()) {
      const row = quarantine[i];
      assert.equal(row.scope, "record");
      assert.equal(row.section, section);
      assert.match(row.reason, new RegExp(`^${section}\\[${index}\\]\\.${field}: `), row.reason);
      assert.ok(JSON.parse(row.raw), "the record is kept as JSON");
    }
    assert.match(quarantine.find((row) => /\.latitude: /.test(row.reason))?.raw ?? "", /"latitude":"-?\d/);

    const [counts] = await db.query<
      { snapshots: number; pilots: number; flights: number; sessions: number; atis: number; prefiles: number }
    >(
      `select
        (select count(*)::int from snapshots) as snapshots,
        (select pilots from snapshots) as pilots,
        (select count(*)::int from flights) as flights,
        (select count(*)::int from controller_sessions) as sessions,
        (select count(*)::int from atis) as atis,
        (select count(*)::int from flight_plans where logon_time is null) as prefiles`,
    );
    assert.deepEqual(counts, {
      snapshots: 1,
      pilots: expected.pilots,
      flights: expected.pilots,
      sessions: expected.controllerSessions,
      atis: expected.atis,
      prefiles: expected.prefiles,
    });

    // Implausible values are stored as they came.
    const kept = await db.query<{ callsign: string; groundspeed: number }>(
      `select f.callsign, p.groundspeed from flights f join positions p on p.flight_id = f.id
      where f.callsign = any($1::text[]) order by f.callsign`,
      [expected.implausibleCallsigns],
    );
    assert.deepEqual(kept.map((f) => f.callsign), [...expected.implausibleCallsigns].sort());
    assert.ok(kept.some((f) => f.groundspeed === 5000), JSON.stringify(kept));
  } finally {
    await db.close();
  }
}

Deno.test("a snapshot with broken records replayed into PGlite: each broken record quarantined with its field, the rest stored", async () => {
  const dataDir = await freshPgliteDir();
  try {
    await replayAndCheck({ DATA_DIR: dataDir });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test({
  name:
    "a snapshot with broken records replayed into PostgreSQL: each broken record quarantined with its field, the rest stored",
  ...requirePostgres,
  fn: () =>
    withTempDatabase(async (url) => {
      const dataDir = await Deno.makeTempDir({ prefix: "broken_records_pg_" });
      try {
        await replayAndCheck({ DATA_DIR: dataDir, DATABASE_URL: url });
      } finally {
        await Deno.remove(dataDir, { recursive: true });
      }
    }),
});
