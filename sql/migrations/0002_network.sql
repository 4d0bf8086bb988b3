-- The network model that the processor's diff produces (DESIGN.md, data model): flight sessions and their
-- plan versions, positions partitioned by day, controller sessions, ATIS and frequency changes, and the
-- event log. Every table has a natural unique key, so a redelivered snapshot, or a processor restarted with
-- an empty diff state re-creating its sessions, writes nothing twice (G2).

-- One row per pilot session. Latest values are those of the newest snapshot written; the position is the
-- last kept one (within the diff's thresholds of the reported one).
create table flights (
  id bigserial primary key,
  cid integer not null,
  callsign text not null,
  logon_time timestamptz not null,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  name text not null,
  server text not null,
  pilot_rating integer not null,
  military_rating integer,
  plan_revision integer,
  flight_rules text,
  departure text,
  arrival text,
  aircraft text,
  latitude double precision,
  longitude double precision,
  altitude integer,
  groundspeed integer,
  heading integer,
  transponder text,
  position_at timestamptz,
  -- Cancellations concern prefiles, which are not sessions: see flight_plans.cancelled_at.
  status text not null default 'active' check (status in ('active', 'completed')),
  completed_at timestamptz,
  unique (cid, callsign, logon_time)
) with (fillfactor = 70);

-- Every snapshot moves last_seen and the position of thousands of rows: no index covers those columns,
-- and pages keep free space (fillfactor), so the updates stay HOT (no index writes). A bounding box is
-- filtered over the active rows (a few thousand); the past is answered from positions.
-- /api/flights: the active ones now, or those alive at a moment (first_seen <= at <= last_seen).
create index flights_active_idx on flights (callsign) where status = 'active';
create index flights_first_seen_idx on flights (first_seen);
-- Callsign prefix (text_pattern_ops serves `like 'BAW%'` whatever the collation).
create index flights_callsign_prefix_idx on flights (callsign text_pattern_ops);
create index flights_departure_idx on flights (departure);
create index flights_arrival_idx on flights (arrival);
create index flights_aircraft_idx on flights (aircraft);

-- Versions of a plan, by the feed's revision_id. Prefiles have no session yet: logon_time is null.
create table flight_plans (
  id bigserial primary key,
  cid integer not null,
  callsign text not null,
  logon_time timestamptz,
  revision_id integer not null,
  -- The snapshot in which this version was first seen.
  filed_at timestamptz not null,
  flight_rules text not null,
  departure text not null,
  arrival text not null,
  aircraft text not null,
  plan jsonb not null,
  -- Set on a prefile withdrawn without its pilot connecting.
  cancelled_at timestamptz,
  constraint flight_plans_version_key unique nulls not distinct (cid, callsign, logon_time, revision_id)
);

create index flight_plans_session_idx on flight_plans (cid, callsign, filed_at);

-- One row per session and snapshot in which it moved or changed. The key includes the partition key, as
-- a partitioned table requires; a redelivered row conflicts on it.
create table positions (
  flight_id bigint not null,
  at timestamptz not null,
  latitude double precision not null,
  longitude double precision not null,
  altitude integer not null,
  groundspeed integer not null,
  heading integer not null,
  transponder text not null,
  primary key (flight_id, at)
) partition by range (at);

-- Rows of days without their own partition land here; db/network.ts moves them out when it creates one.
create table positions_default partition of positions default;

-- Controller and ATIS sessions (station says which feed section).
create table controller_sessions (
  id bigserial primary key,
  cid integer not null,
  callsign text not null,
  logon_time timestamptz not null,
  station text not null check (station in ('controller', 'atis')),
  name text not null,
  frequency text not null,
  facility integer not null,
  rating integer not null,
  server text not null,
  visual_range integer not null,
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  logoff_at timestamptz,
  unique (cid, callsign, logon_time)
) with (fillfactor = 70);

-- By time range: sessions that started before its end and had not logged off before its start.
create index controller_sessions_time_idx on controller_sessions (first_seen);
create index controller_sessions_logoff_idx on controller_sessions (logoff_at);
create index controller_sessions_callsign_idx on controller_sessions (callsign text_pattern_ops, first_seen);
create index controller_sessions_active_idx on controller_sessions (callsign) where logoff_at is null;

-- ATIS broadcasts: the first one of a session ('initial'), then every text or letter change (its time).
create table atis (
  id bigserial primary key,
  cid integer not null,
  callsign text not null,
  logon_time timestamptz not null,
  revision text not null,
  at timestamptz not null,
  code text,
  text text not null,
  code_changed boolean not null,
  text_changed boolean not null,
  unique (cid, callsign, logon_time, revision)
);

create index atis_callsign_idx on atis (callsign, at);

create table frequency_changes (
  id bigserial primary key,
  cid integer not null,
  callsign text not null,
  logon_time timestamptz not null,
  at timestamptz not null,
  from_frequency text not null,
  to_frequency text not null,
  unique (cid, callsign, logon_time, at)
);

-- The typed event log. event_key says what makes an event the same one (db/network.ts, eventKey): a
-- session's creation or end happens once whatever the snapshot, changes once per snapshot.
create table events (
  id bigserial primary key,
  type text not null,
  at timestamptz not null,
  subject text not null,
  event_key text not null unique,
  payload jsonb not null
);

create index events_at_idx on events (at);
create index events_type_at_idx on events (type, at);
create index events_subject_idx on events (subject, at);
