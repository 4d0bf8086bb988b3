-- Sessions in the newest snapshot are no longer rewritten every snapshot.
--
-- Until now each snapshot updated every flight row it saw: `last_seen`, and the latest position when the
-- aircraft moved. At a peak (about 2,000 pilots every 15 s) that rewrote nearly every active row, about
-- 16 ms of each snapshot's transaction on the bench machine, plus a dead row version per session every
-- 15 s for vacuum to reclaim. Now:
--
-- - `present` marks the sessions of the newest snapshot written. It changes only when a session leaves
--   the feed (then `last_seen` takes the time of the snapshot before, the last one it was in) or comes
--   back, so a snapshot updates a few rows instead of all of them.
-- - `network_clock` holds the time of the newest snapshot written. A present session was last seen then.
-- - The `flights` view gives every reader the exact `last_seen` as before: the stored one, or the clock for
--   a present session.
-- - The latest position is no longer copied onto the session: it is the session's newest row in
--   `positions`, which already held every kept position.
--
-- Writers use flight_sessions; readers keep using flights.

alter table flights rename to flight_sessions;

alter table flight_sessions
  drop column latitude,
  drop column longitude,
  drop column altitude,
  drop column groundspeed,
  drop column heading,
  drop column transponder,
  drop column position_at;

-- Existing rows hold their exact last_seen: none is present until the next snapshot sees it again.
alter table flight_sessions add column present boolean not null default false;

-- The sessions a snapshot may find gone: a few thousand among months of completed ones.
create index flight_sessions_present_idx on flight_sessions (id) where present;

-- One row: the update_timestamp of the newest snapshot written (never moves back).
create table network_clock (
  only_row boolean primary key default true check (only_row),
  at timestamptz not null
);

insert into network_clock (at)
select coalesce(max(update_timestamp), '-infinity'::timestamptz) from snapshots;

create view flights as
select s.id, s.cid, s.callsign, s.logon_time, s.first_seen,
  case when s.present then greatest(s.last_seen, c.at) else s.last_seen end as last_seen,
  s.name, s.server, s.pilot_rating, s.military_rating, s.plan_revision, s.flight_rules, s.departure,
  s.arrival, s.aircraft, s.status, s.completed_at
from flight_sessions s
cross join network_clock c;
