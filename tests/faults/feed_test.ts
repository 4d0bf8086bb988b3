/**
 * Fault cases of the feed: the real service fetches a stand-in for status.vatsim.net that answers from
 * a script (5xx, 429, a redirect loop, 100 MB, cut and malformed bodies, wrong types, stale repeats,
 * timestamps out of order). No fault may crash an actor; every body sent whole is stored or quarantined,
 * and the network tables match a clean run of the same bodies through the processor and the store.
 */
import assert from "node:assert/strict";
import type { ServiceHealth } from "../../routes/services.ts";
import { requirePostgres } from "../helpers/postgres.ts";
import { networkCounts } from "../helpers/replay_check.ts";
import { type RunningService, startService } from "../helpers/service.ts";
import { waitFor } from "../helpers/system.ts";
import { assertLedger, settle } from "./ledger.ts";
import { type FeedAnswer, feedStub, simBodies } from "./inputs.ts";
import { withPipeline } from "./pipeline.ts";
import { untilSettled, withCaseStore } from "./runs.ts";

const [s1, s2, s3, s4] = simBodies({ count: 4, pilots: 150 }).map((body) => ({ body }));
const encode = (text: string) => ({ body: new TextEncoder().encode(text) });

/** A snapshot whose JSON is fine but whose shape is not a v3 snapshot's, or a body cut short. */
function reshaped(answer: { body: Uint8Array }, change: (feed: Record<string, unknown>) => void) {
  const feed = JSON.parse(new TextDecoder().decode(answer.body));
  change(feed);
  return encode(JSON.stringify(feed));
}
const cut = (answer: { body: Uint8Array }) => ({ body: answer.body.slice(0, answer.body.byteLength / 3) });

interface FeedCase {
  name: string;
  script: FeedAnswer[];
  /** Bodies that are not snapshots, which the store must quarantine. */
  quarantined: number;
  /** What the fetcher must have logged failing (a retry or a failed poll), to show the fault was met. */
  fetchError?: RegExp;
}

const CASES: FeedCase[] = [
  {
    name: "5xx",
    script: [s1, { status: 502 }, { status: 503 }, { status: 500 }, { status: 502 }, s2],
    quarantined: 0,
    fetchError: /answered 50[023]/,
  },
  {
    name: "429 with Retry-After",
    script: [s1, { status: 429, headers: { "retry-after": "1" } }, s2],
    quarantined: 0,
    fetchError: /answered 429/,
  },
  {
    name: "redirect loop",
    script: [s1, { redirectLoop: true }, { redirectLoop: true }, s2],
    quarantined: 0,
    fetchError: /redirect/i,
  },
  {
    name: "100 MB body",
    script: [s1, { huge: 100 }, s2],
    quarantined: 0,
    fetchError: /over the cap|than the cap/,
  },
  { name: "truncated and malformed", script: [s1, cut(s2), encode("{ not json"), s2, s3], quarantined: 2 },
  {
    name: "wrong types",
    script: [
      s1,
      reshaped(s2, (f) => f.pilots = { BAW1: "flying" }),
      reshaped(s3, (f) => (f.general as Record<string, unknown>).update_timestamp = 20250806),
      encode("[]"),
      s4,
    ],
    quarantined: 3,
  },
  { name: "stale repeats", script: [s1, s1, s1, s1, s2, s2, s1, s3], quarantined: 0 },
  { name: "timestamps out of order", script: [s1, s3, s2, s4, s1], quarantined: 0 },
];

/** Every actor still on its first incarnation: nothing the feed did counted as a crash. */
async function noRestarts(service: RunningService): Promise<void> {
  const { body } = await service.getJson<{ services: ServiceHealth[] }>("/api/services/health");
  for (const actor of body.services) {
    assert.equal(actor.restarts, 0, `${actor.name} restarted: ${JSON.stringify(actor.lastRestartReasons)}`);
  }
}

/** The network tables after the same bodies went undisturbed through the processor and the store. */
async function cleanCounts(bodies: Uint8Array[]) {
  return await withPipeline(async (pipeline) => {
    bodies.forEach((bytes, i) => pipeline.send(bytes, `clean ${i}`));
    await pipeline.storeIdle(bodies.length);
    return await networkCounts(pipeline.url);
  });
}

Deno.test({
  name: "fault suite: the feed failing in every way loses, doubles and crashes nothing",
  ...requirePostgres,
  fn: async (t) => {
    for (const { name, script, quarantined, fetchError } of CASES) {
      await t.step(name, async () => {
        const stub = feedStub(script);
        try {
          await withCaseStore(async (store) => {
            const service = await startService({
              ...store.env,
              VATSIM_STATUS_URL: stub.statusUrl,
              POLL_INTERVAL_MS: "100",
              FEED_BREAKER_RESET_MS: "300",
            });
            try {
              await waitFor(`the script of ${name} served`, () => stub.done(), 60_000);
              await untilSettled(store.url, stub.sent, service);
              await noRestarts(service);
              if (fetchError) {
                const errors = service.logs.filter((l) => l.logger.includes("fetcher") && l.properties.error);
                assert.ok(
                  errors.some((l) => fetchError.test(String(l.properties.error))),
                  `no fetch error like ${fetchError}: ${errors.map((l) => l.properties.error).join("; ")}`,
                );
              }
            } finally {
              assert.equal(await service.stop(), 0);
            }
            const clean = await cleanCounts(stub.bodies);
            assertLedger(`feed ${name}`, await settle(store.url, stub.sent, clean), quarantined);
          });
        } finally {
          await stub.close();
        }
      });
    }
  },
});

Deno.test({
  name: "fault suite: a black-holed first data URL does not stop the feed; the next one is used",
  ...requirePostgres,
  // Regression: the first URL's request used the whole retry budget and stayed preferred, so no poll
  // ever reached the second URL. feed/live_source.ts now hands a failed URL's turn to the next one.
  fn: async () => {
    const stub = feedStub([s1, s2], { blackHoleFirst: true });
    try {
      await withCaseStore(async (store) => {
        const service = await startService({
          ...store.env,
          VATSIM_STATUS_URL: stub.statusUrl,
          POLL_INTERVAL_MS: "100",
          FEED_BREAKER_RESET_MS: "300",
        });
        try {
          await waitFor("both snapshots fetched from the second URL", () => stub.done(), 45_000);
          await untilSettled(store.url, stub.sent, service);
        } finally {
          assert.equal(await service.stop(), 0);
        }
        assertLedger("feed black-holed first URL", await settle(store.url, stub.sent), 0);
      });
    } finally {
      await stub.close();
    }
  },
});
