import assert from "node:assert/strict";
import { FIXTURES } from "../tests/helpers/fixtures.ts";
import { diffSnapshots } from "./diff.ts";
import { type FeedEvent, feedEventSchema } from "./diff_events.ts";
import { atis, controller, snapshot } from "./diff_test_helpers.ts";
import { parseSnapshot } from "./parse_snapshot.ts";

const types = (events: FeedEvent[]) => events.map((e) => e.type);

Deno.test("controllers: logon, frequency change, logoff only after the grace period", () => {
  const s0 = diffSnapshots(null, snapshot(0, { controllers: [controller()] }));
  assert.deepEqual(types(s0.events), ["CONTROLLER_LOGON"]);
  const moved = diffSnapshots(
    s0.state,
    snapshot(0.25, { controllers: [controller({ frequency: "118.700" })] }),
  );
  assert.deepEqual(moved.events.map((e) => e.type === "FREQUENCY_CHANGE" && `${e.from}→${e.to}`), [
    "118.500→118.700",
  ]);
  // Controller info lines (text_atis of a `controllers` entry) are not an ATIS.
  const info = diffSnapshots(
    moved.state,
    snapshot(0.5, { controllers: [controller({ frequency: "118.700", text_atis: ["new info"] })] }),
  );
  assert.deepEqual(info.events, []);
  const gone = diffSnapshots(info.state, snapshot(2.5));
  assert.deepEqual(gone.events, [], "2 min missing is still within the grace period");
  const off = diffSnapshots(gone.state, snapshot(2.75));
  const [logoff] = off.events;
  assert.ok(logoff.type === "CONTROLLER_LOGOFF" && logoff.station === "controller");
  assert.equal(logoff.lastSeen, info.state.updateTimestamp);
  assert.equal(off.state.controllers.size, 0);
});

Deno.test("ATIS: logon carries the first text; letter and text changes; '' and null are the same letter", () => {
  const s0 = diffSnapshots(null, snapshot(0, { atis: [atis()] }));
  assert.deepEqual(types(s0.events), ["CONTROLLER_LOGON", "ATIS_CHANGED"]);
  const [, first] = s0.events;
  assert.ok(first.type === "ATIS_CHANGED" && first.previousCode === null && first.previousLines === null);

  const letter = diffSnapshots(s0.state, snapshot(0.25, { atis: [atis({ atis_code: "B" })] }));
  const [b] = letter.events;
  assert.ok(b.type === "ATIS_CHANGED" && b.codeChanged && !b.textChanged && b.previousCode === "A");

  const text = diffSnapshots(
    letter.state,
    snapshot(0.5, { atis: [atis({ atis_code: "B", text_atis: ["HEATHROW INFORMATION B", "RWY 09R"] })] }),
  );
  const [t] = text.events;
  assert.ok(t.type === "ATIS_CHANGED" && !t.codeChanged && t.textChanged);

  const blank = diffSnapshots(null, snapshot(0, { atis: [atis({ atis_code: "", text_atis: null })] }));
  const again = diffSnapshots(
    blank.state,
    snapshot(0.25, { atis: [atis({ atis_code: null, text_atis: [] })] }),
  );
  assert.deepEqual(again.events, []);
});

Deno.test("a controller and an ATIS station with the same key stay two sessions", () => {
  const same = { cid: 5, callsign: "EDDF_ATIS" };
  const s0 = diffSnapshots(null, snapshot(0, { controllers: [controller(same)], atis: [atis(same)] }));
  assert.equal(s0.state.controllers.size, 2);
  assert.deepEqual(s0.sessions.controllers.loggedOn.length, 2);
});

Deno.test("pair-a then pair-b: controller sessions, frequency and ATIS changes", async () => {
  const read = async (name: string) => {
    const result = parseSnapshot(await Deno.readFile(new URL(name, FIXTURES)));
    if (!result.ok) throw new Error(result.reason);
    return result.snapshot;
  };
  const a = await read("vatsim-data_2021-04-09T1543Z_pair-a.json");
  const b = await read("vatsim-data_2021-04-09T1619Z_pair-b.json");
  const second = diffSnapshots(diffSnapshots(null, a).state, b);
  const { controllers } = second.sessions;
  // Counted from the files (controllers and ATIS stations together): 163 sessions in pair-a, 161 in
  // pair-b, 94 in both.
  assert.equal(controllers.continued.length, 94);
  assert.equal(controllers.loggedOn.length, 67);
  assert.equal(controllers.loggedOff.length, 69);
  assert.equal(
    controllers.continued.length + controllers.loggedOff.length,
    a.controllers.length + a.atis.length,
  );
  assert.equal(
    controllers.continued.length + controllers.loggedOn.length,
    b.controllers.length + b.atis.length,
  );

  const changes = second.events.filter((e) => e.type === "FREQUENCY_CHANGE");
  assert.deepEqual(
    changes.map((e) => e.type === "FREQUENCY_CHANGE" && `${e.session.callsign} ${e.from}→${e.to}`),
    [
      "AE_OBS 120.450→119.100",
    ],
  );
  // 26 stations present in both broadcast a new ATIS; the other 20 ATIS_CHANGED are first texts at logon.
  const atisChanges = second.events.filter((e) => e.type === "ATIS_CHANGED" && e.previousLines !== null);
  assert.equal(atisChanges.length, 26);
  assert.equal(second.events.filter((e) => e.type === "ATIS_CHANGED").length, 46);
  for (const event of second.events) feedEventSchema.parse(event);
});
