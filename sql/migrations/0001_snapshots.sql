-- One row per feed snapshot, keyed by the feed's update_timestamp (G2: a redelivered snapshot is a no-op),
-- and the quarantine for snapshots or records that were rejected (G3), with their raw bytes, bounded.

create table snapshots (
  id bigserial primary key,
  update_timestamp timestamptz not null unique,
  fetched_at timestamptz not null,
  stored_at timestamptz not null default now(),
  source text not null,
  bytes integer not null check (bytes >= 0),
  fetch_ms real,
  pilots integer not null,
  controllers integer not null,
  atis integer not null,
  prefiles integer not null,
  servers integer not null,
  connected_clients integer,
  unique_users integer,
  status text not null default 'stored'
);

create table quarantine (
  id bigserial primary key,
  at timestamptz not null default now(),
  source text,
  scope text not null check (scope in ('snapshot', 'record')),
  -- The feed section a rejected record came from (pilots, controllers, ...); null for whole snapshots.
  section text,
  reason text not null,
  -- At most the store's limit; raw_bytes keeps the original size and truncated says whether it was cut.
  raw bytea,
  raw_bytes integer not null check (raw_bytes >= 0),
  truncated boolean not null,
  update_timestamp timestamptz
);

create index quarantine_at_idx on quarantine (at);
