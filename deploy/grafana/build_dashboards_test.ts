/** The committed dashboards are exactly what build_dashboards.ts writes from boards/ and the SQL files. */
import assert from "node:assert/strict";
import { buildDashboards } from "./build_dashboards.ts";
import { DASHBOARDS_DIR, queriesOf } from "./dashboard_queries.ts";

Deno.test("the committed dashboards are what build_dashboards.ts writes (run it after editing boards/ or SQL)", async () => {
  const built = buildDashboards();
  const committed: string[] = [];
  for await (const entry of Deno.readDir(DASHBOARDS_DIR)) {
    if (entry.name.endsWith(".json")) committed.push(entry.name);
  }
  assert.deepEqual(committed.sort(), [...built.keys()].sort());
  for (const [name, text] of built) {
    assert.equal(
      await Deno.readTextFile(new URL(name, DASHBOARDS_DIR)),
      text,
      `${name} differs from what is built`,
    );
  }
});

Deno.test("each dashboard has its own uid, panel ids that do not repeat, and queries", () => {
  const uids = new Set<string>();
  for (const [name, text] of buildDashboards()) {
    const board: { uid: string; panels: { id: number }[] } = JSON.parse(text);
    assert.ok(!uids.has(board.uid), `${name}: uid ${board.uid} used twice`);
    uids.add(board.uid);
    const ids = board.panels.map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, `${name}: panel ids repeat`);
    assert.ok(queriesOf(name, text).length > 0, `${name} has no query`);
  }
});
