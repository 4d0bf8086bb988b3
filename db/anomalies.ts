/**
 * The `anomalies` table (0004): written with the snapshot they came from, read by `GET /api/anomalies`,
 * and deleted with the events by the retention.
 */
import { z } from "zod";
import { type Anomaly, ANOMALY_KINDS, anomalySchema } from "../feed/anomalies.ts";
import type { Queryable } from "./database.ts";
import { CallsignSchema, Instant, Page } from "./query_params.ts";
import { iso } from "./queries_sql.ts";

const INSERT = `
with written as (
  insert into anomalies (at, kind, callsign, cid, detail, "values")
  select $1::timestamptz, u.kind, u.callsign, u.cid, u.detail, u.v::jsonb
  from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) as u(kind, callsign, cid, detail, v)
  on conflict do nothing
  returning 1
)
select count(*)::int as written from written`;

// Filters: kind $1, callsign prefix $2, from $3, to $4 (each null when not set); page $5 rows from $6.
const LIST = `
select ${iso("at")} as at, kind, callsign, cid, detail, "values", count(*) over () as total
from anomalies
where ($1::text is null or kind = $1) and ($2::text is null or starts_with(callsign, $2))
  and ($3::timestamptz is null or at >= $3) and ($4::timestamptz is null or at <= $4)
order by at desc, id
limit $5 offset $6`;

const DELETE_BEFORE = `
with gone as (delete from anomalies where at < $1::timestamptz returning 1)
select count(*)::int as deleted from gone`;

/** Writes a snapshot's anomalies (at its `update_timestamp`); returns how many were new. */
export async function insertAnomalies(
  tx: Queryable,
  at: string,
  anomalies: readonly Anomaly[],
): Promise<number> {
  if (anomalies.length === 0) return 0;
  const [row] = await tx.query<{ written: number }>(INSERT, [
    at,
    anomalies.map((a) => a.kind),
    anomalies.map((a) => a.callsign),
    anomalies.map((a) => a.cid),
    anomalies.map((a) => a.detail),
    anomalies.map((a) => JSON.stringify(a.values)),
  ]);
  return row?.written ?? 0;
}

export const AnomalyFilterSchema = z.object({
  kind: z.enum(ANOMALY_KINDS).optional(),
  callsign: CallsignSchema.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  ...Page,
});
export type AnomalyFilter = z.input<typeof AnomalyFilterSchema>;

/** An anomaly as found, with the snapshot it came from (its `update_timestamp`). */
export const StoredAnomalySchema = anomalySchema.extend({ at: z.string() });

export const AnomalyPageSchema = z.object({
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  anomalies: z.array(StoredAnomalySchema),
});
export type AnomalyPage = z.infer<typeof AnomalyPageSchema>;

/** Newest first, filtered and paged. */
export async function listAnomalies(db: Queryable, input: AnomalyFilter): Promise<AnomalyPage> {
  const filter = AnomalyFilterSchema.parse(input);
  const rows = await db.query<Record<string, unknown>>(LIST, [
    filter.kind ?? null,
    filter.callsign ?? null,
    filter.from ?? null,
    filter.to ?? null,
    filter.limit,
    filter.offset,
  ]);
  return {
    total: Number(rows[0]?.total ?? 0),
    limit: filter.limit,
    offset: filter.offset,
    anomalies: rows.map((row) =>
      StoredAnomalySchema.parse({
        ...row,
        cid: row.cid === null ? null : Number(row.cid),
        values: typeof row.values === "string" ? JSON.parse(row.values) : row.values,
      })
    ),
  };
}

/** Deletes the anomalies of snapshots before `cutoff`; returns how many. */
export async function deleteAnomaliesBefore(db: Queryable, cutoff: Date): Promise<number> {
  const [row] = await db.query<{ deleted: number }>(DELETE_BEFORE, [cutoff.toISOString()]);
  return row?.deleted ?? 0;
}
