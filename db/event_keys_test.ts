import assert from "node:assert/strict";
import { diffSnapshots } from "../feed/diff.ts";
import { feedTime, pilot, plan, snapshot } from "../feed/diff_test_helpers.ts";
import { eventKey, eventPayload } from "./event_keys.ts";

Deno.test("a session's creation has one key whatever the snapshot; an update one per snapshot", () => {
  const first = diffSnapshots(null, snapshot(0, { pilots: [pilot()] }));
  const restarted = diffSnapshots(null, snapshot(1, { pilots: [pilot()] }));
  const [created] = first.events;
  const [recreated] = restarted.events;
  assert.equal(created.type, "FLIGHT_CREATED");
  assert.notEqual(created.at, recreated.at);
  assert.equal(eventKey(created), eventKey(recreated));

  const renamed = diffSnapshots(first.state, snapshot(1, { pilots: [pilot({ name: "Renamed" })] }));
  const again = diffSnapshots(renamed.state, snapshot(2, { pilots: [pilot({ name: "Again" })] }));
  assert.notEqual(eventKey(renamed.events[0]), eventKey(again.events[0]));
});

Deno.test("a plan revision is keyed by its revision_id; the payload names the plan, not its text", () => {
  const first = diffSnapshots(null, snapshot(0, { pilots: [pilot()] }));
  const revised = diffSnapshots(first.state, snapshot(1, { pilots: [pilot({ flight_plan: plan(2) })] }));
  const [event] = revised.events;
  assert.equal(event.type, "FLIGHT_PLAN_REVISED");
  assert.match(eventKey(event), /\|revision 2$/);
  assert.equal(event.at, feedTime(1));
  assert.deepEqual(JSON.parse(eventPayload(event)).plan, { revision_id: 2 });
});
