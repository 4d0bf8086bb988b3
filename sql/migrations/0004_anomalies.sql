-- What looked wrong in each snapshot (feed/anomalies.ts): implausible values, teleports, callsigns used
-- by two sessions at once. One row per kind, callsign and pilot per snapshot, so a redelivered snapshot
-- adds nothing (G2). Deleted with the events by EVENT_RETENTION_DAYS.
create table anomalies (
  id bigserial primary key,
  at timestamptz not null,
  kind text not null check (kind in ('implausible', 'teleport', 'duplicate_callsign')),
  callsign text not null,
  cid integer,
  detail text not null,
  "values" jsonb not null
);

create unique index anomalies_once_idx on anomalies (at, kind, callsign, coalesce(cid, 0));
create index anomalies_kind_at_idx on anomalies (kind, at);
create index anomalies_callsign_at_idx on anomalies (callsign, at);
