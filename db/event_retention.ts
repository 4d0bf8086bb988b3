/**
 * Retention of the `events` table: events older than a cutoff are deleted (the store does it once per
 * feed day). One statement on the `events_at_idx` range; it returns how many went, for the metric.
 */
import type { Queryable } from "./database.ts";

const DELETE_EVENTS_BEFORE = `
with gone as (delete from events where at < $1::timestamptz returning 1)
select count(*)::int as deleted from gone`;

/** Deletes the events that happened before `cutoff`; returns how many. */
export async function deleteEventsBefore(db: Queryable, cutoff: Date): Promise<number> {
  const [row] = await db.query<{ deleted: number }>(DELETE_EVENTS_BEFORE, [cutoff.toISOString()]);
  return row?.deleted ?? 0;
}
