/**
 * Fault case: junk values that the feed parser accepts but PostgreSQL cannot hold (U+0000 in text, a
 * lone surrogate, integers past the `integer` columns), one record each, through the real processor and
 * store. G3 wants that record quarantined alone and the rest of its snapshot stored.
 */
import { FIXTURES_DIR } from "../helpers/fixtures.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { assertLedger, describeBody, settle } from "./ledger.ts";
import { withPipeline } from "./pipeline.ts";

type Json = Record<string, unknown>;
type Feed = Record<string, Json[]> & { general: Json };

const fixture = JSON.parse(
  Deno.readTextFileSync(`${FIXTURES_DIR}vatsim-data_2025-08-06T0654Z_current-schema.json`),
) as Feed;
const planned = fixture.pilots.findIndex((p) => p.flight_plan !== null);

/** One broken record per case; each case is its own snapshot (its own feed time). */
const JUNK: [string, (feed: Feed) => void][] = [
  ["U+0000 in a pilot's name", (f) => f.pilots[0].name = "Jane\u0000Doe"],
  ["U+0000 in a controller's frequency", (f) => f.controllers[0].frequency = "118.\u0000500"],
  ["U+0000 in a plan's remarks", (f) => (f.pilots[planned].flight_plan as Json).remarks = "/v/\u0000"],
  ["U+0000 in an ATIS line", (f) => f.atis[0].text_atis = ["INFO A\u0000"]],
  ["a lone surrogate in a pilot's name", (f) => f.pilots[1].name = "Jane \ud800"],
  ["a CID of 3,000,000,000", (f) => f.pilots[2].cid = 3_000_000_000],
  ["an altitude of 1e10 ft", (f) => f.pilots[3].altitude = 1e10],
  ["a heading of 1e300", (f) => f.pilots[4].heading = 1e300],
  ["a plan revision of 3e9", (f) => (f.pilots[planned].flight_plan as Json).revision_id = 3e9],
  ["a visual range of 1e12 nm", (f) => f.controllers[1].visual_range = 1e12],
];

Deno.test({
  name: "fault suite: junk values PostgreSQL cannot hold are quarantined alone, their snapshots stored",
  ...requirePostgres,
  // Regression: each such record once made the store's write of its whole snapshot fail with SQLSTATE
  // class 22, which the store took as refused for good and dropped (lost 10). feed/v3_schema.ts now
  // rejects text with U+0000 or a lone surrogate and numbers past PostgreSQL's integer range.
  fn: () =>
    withPipeline(async (pipeline) => {
      const bodies = JUNK.map(([name, breakIt], i) => {
        const feed = structuredClone(fixture);
        feed.general.update_timestamp = new Date(Date.UTC(2026, 1, 1, 0, 0, 15 * i)).toISOString();
        breakIt(feed);
        return { name, bytes: new TextEncoder().encode(JSON.stringify(feed)) };
      });
      const sent = bodies.map(({ name, bytes }) => describeBody(name, bytes));
      bodies.forEach(({ name, bytes }) => pipeline.send(bytes, name));
      // A dropped snapshot never settles: wait for the store to have handled every one instead.
      await pipeline.storeIdle(JUNK.length);
      assertLedger("junk values", await settle(pipeline.url, sent), JUNK.length);
    }),
});
