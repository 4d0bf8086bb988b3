import assert from "node:assert/strict";
import { testOnMigratedDatabases } from "../tests/helpers/databases.ts";
import { deleteEventsBefore } from "./event_retention.ts";

testOnMigratedDatabases("event retention deletes only the events before the cutoff", async (db) => {
  for (const [i, at] of ["2024-01-01T00:00:00Z", "2024-01-09T23:59:59Z", "2024-01-10T00:00:00Z"].entries()) {
    await db.query(
      "insert into events (type, at, subject, event_key, payload) values ('FLIGHT_CREATED', $1::timestamptz, 's', $2, '{}')",
      [at, `key ${i}`],
    );
  }
  assert.equal(await deleteEventsBefore(db, new Date("2024-01-10T00:00:00Z")), 2);
  assert.equal(await deleteEventsBefore(db, new Date("2024-01-10T00:00:00Z")), 0);
  const rows = await db.query<{ event_key: string }>("select event_key from events");
  assert.deepEqual(rows, [{ event_key: "key 2" }]);
});
