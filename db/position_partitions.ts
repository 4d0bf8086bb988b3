/**
 * Day partitions of `positions`: created ahead of the snapshots that need them, and dropped whole for
 * retention (cheaper than deleting rows). Rows of a day without a partition wait in `positions_default`
 * and move into the day's partition when it is created.
 */
import type { Database, Queryable } from "./database.ts";

const DAY_MS = 86_400_000;

/** `positions_p20210409` holds [2021-04-09, 2021-04-10) UTC. */
export function positionPartitionName(day: Date): string {
  return `positions_p${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

const PARTITION_NAME = /^positions_p(\d{4})(\d{2})(\d{2})$/;

function startOfDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

const LIST_PARTITIONS = `
select c.relname as name
from pg_inherits i
join pg_class c on c.oid = i.inhrelid
where i.inhparent = 'positions'::regclass`;

/** The names of the day partitions that exist, oldest first (the default partition left out). */
export async function positionPartitions(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ name: string }>(LIST_PARTITIONS);
  return rows.map((r) => r.name).filter((name) => PARTITION_NAME.test(name)).sort();
}

/**
 * Makes sure every UTC day touching [from, to) has its partition; returns the names created. Each day
 * is created in its own transaction: built apart, filled with that day's rows from the default
 * partition, then attached (attaching checks the default holds none of the day any more).
 */
export async function ensurePositionPartitions(db: Database, from: Date, to: Date): Promise<string[]> {
  const existing = new Set(await positionPartitions(db));
  const created: string[] = [];
  for (let day = startOfDay(from); day < to; day = new Date(day.getTime() + DAY_MS)) {
    const name = positionPartitionName(day);
    if (existing.has(name)) continue;
    const lower = day.toISOString();
    const upper = new Date(day.getTime() + DAY_MS).toISOString();
    await db.transaction(async (tx) => {
      // Serialises concurrent creators; the check below then sees the winner's partition.
      await tx.query("lock table positions in share row exclusive mode");
      if ((await positionPartitions(tx)).includes(name)) return;
      await tx.query(`create table ${name} (like positions including all)`);
      await tx.query(
        `with moved as (
           delete from positions_default where at >= $1::timestamptz and at < $2::timestamptz returning *
         )
         insert into ${name} select * from moved`,
        [lower, upper],
      );
      await tx.query(
        `alter table positions attach partition ${name} for values from ('${lower}') to ('${upper}')`,
      );
      created.push(name);
    });
  }
  return created;
}

/**
 * Retention: drops the day partitions that end at or before `cutoff`, and deletes older rows from the
 * default partition. Returns the partitions dropped.
 */
export async function dropPositionPartitionsBefore(db: Database, cutoff: Date): Promise<string[]> {
  const dropped: string[] = [];
  for (const name of await positionPartitions(db)) {
    const [, year, month, day] = PARTITION_NAME.exec(name) ?? [];
    const end = Date.UTC(Number(year), Number(month) - 1, Number(day)) + DAY_MS;
    if (end > cutoff.getTime()) continue;
    await db.query(`drop table if exists ${name}`);
    dropped.push(name);
  }
  await db.query("delete from positions_default where at < $1::timestamptz", [cutoff.toISOString()]);
  return dropped;
}
