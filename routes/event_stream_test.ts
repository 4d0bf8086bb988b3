import assert from "node:assert/strict";
import { type FeedEvent, feedEventSchema } from "../feed/diff_events.ts";
import { createApp } from "./app.ts";
import { EventFeed } from "./event_feed.ts";
import { EventHistorySchema, eventStreamRoutes } from "./event_stream.ts";
import { errorOf, fakeDeps, jsonOf } from "./test_deps.ts";

const logon = (callsign: string, at: string): FeedEvent =>
  feedEventSchema.parse({
    type: "CONTROLLER_LOGON",
    at,
    session: { cid: 1_000_001, callsign, logon_time: at },
    station: "controller",
    name: "A Controller",
    frequency: "118.500",
    facility: 4,
    rating: 3,
    server: "GERMANY",
    visual_range: 50,
  });

Deno.test("history: newest first, by type and since, bounded by limit; a bad type is a 400", async () => {
  const events = new EventFeed(3);
  events.add([
    logon("EDDF_TWR", "2026-01-01T12:00:00.000000Z"),
    logon("EDDF_GND", "2026-01-01T12:00:15.000000Z"),
  ]);
  events.add([
    logon("EGLL_TWR", "2026-01-01T12:00:30.000000Z"),
    logon("LFPG_TWR", "2026-01-01T12:00:45.000000Z"),
  ], 7);
  assert.equal(events.droppedAtSource, 7);
  const app = createApp(fakeDeps({ events }));
  const all = EventHistorySchema.parse(await jsonOf(await app.request("/api/events/history"), 200));
  // The feed keeps 3: the oldest is gone.
  assert.deepEqual(all.events.map((e) => e.at.slice(11, 19)), ["12:00:45", "12:00:30", "12:00:15"]);
  const since = await jsonOf(
    await app.request("/api/events/history?since=2026-01-01T12:00:30Z&limit=5"),
    200,
  );
  assert.equal(EventHistorySchema.parse(since).events.length, 2);
  const none = await jsonOf(await app.request("/api/events/history?type=FLIGHT_CREATED"), 200);
  assert.deepEqual(EventHistorySchema.parse(none).events, []);
  await errorOf(await app.request("/api/events/history?type=WEATHER"), 400, "invalid_parameter");
});

Deno.test("stream: events of the asked type as they arrive, and the stream ends when the client goes", async () => {
  const events = new EventFeed();
  const app = eventStreamRoutes({ events });
  const client = new AbortController();
  const response = await app.request("/stream?type=CONTROLLER_LOGON", { signal: client.signal });
  assert.equal(response.headers.get("Content-Type"), "text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  events.add([logon("EDDF_TWR", "2026-01-01T12:00:00.000000Z")]);
  let text = "";
  while (!text.includes("\n\n")) text += (await reader.read()).value ?? "";
  assert.match(text, /^event: feed-event\ndata: \{"type":"CONTROLLER_LOGON"/);
  assert.match(text, /"callsign":"EDDF_TWR"/);
  client.abort();
  await reader.cancel().catch(() => {});
});

Deno.test("stream: one more than the limit is a 503", async () => {
  const app = eventStreamRoutes({ events: new EventFeed() }, { maxStreams: 1 });
  const client = new AbortController();
  const first = await app.request("/stream", { signal: client.signal });
  const second = await app.request("/stream");
  assert.equal(second.status, 503);
  assert.equal((await second.json()).error.code, "too_many_streams");
  client.abort();
  await first.body?.cancel();
});
