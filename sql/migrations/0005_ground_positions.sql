-- What the traffic reads ask of positions (db/traffic.ts): movements are found where a flight crosses the
-- ground speed below which it counts as on the ground (traffic/phase.ts, 50 kt), so only its slow kept
-- positions are searched, and these partial indexes hold nothing else. The predicate is the one the
-- statements write (db/traffic_sql.ts); the two must change together.

-- Network-wide windows (a region's summary): the slow positions of a time range.
create index positions_slow_at_idx on positions (at) where groundspeed < 50;

-- One airport over days (movements, trends): a latitude band, then longitude and time read in the index.
create index positions_slow_place_idx on positions (latitude, longitude, at) where groundspeed < 50;
