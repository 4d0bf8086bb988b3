-- What the data routes ask of the past (db/queries.ts): which sessions were alive at a moment. A session
-- lives from first_seen until it ends (completed_at / logoff_at; open while it is active), so a GiST
-- index on that range finds the few thousand alive at any moment among months of rows. The range does
-- not contain last_seen, which every snapshot moves: those updates stay HOT (no index writes).

create index flights_alive_idx on flights
  using gist (tstzrange(first_seen, coalesce(completed_at, 'infinity'::timestamptz), '[]'));

create index controller_sessions_alive_idx on controller_sessions
  using gist (tstzrange(first_seen, coalesce(logoff_at, 'infinity'::timestamptz), '[]'));

-- A callsign's sessions, newest first (/api/flights/{callsign} and its track).
create index flights_callsign_seen_idx on flights (callsign, first_seen);
