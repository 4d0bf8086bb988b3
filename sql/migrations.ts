/**
 * The migrations of `sql/migrations/`, in the order they apply, imported as text: they are part of the
 * module graph, so a compiled binary carries them and nothing reads them from disk at run time.
 * db/migrate_test.ts checks that this list names every `.sql` file there, with its exact text.
 */
import snapshots from "./migrations/0001_snapshots.sql" with { type: "text" };
import network from "./migrations/0002_network.sql" with { type: "text" };
import timeIndexes from "./migrations/0003_time_indexes.sql" with { type: "text" };
import anomalies from "./migrations/0004_anomalies.sql" with { type: "text" };
import groundPositions from "./migrations/0005_ground_positions.sql" with { type: "text" };
import presentSessions from "./migrations/0006_present_sessions.sql" with { type: "text" };

/** One migration: its file name (the version is the name without `.sql`) and its SQL. */
export interface MigrationSource {
  file: string;
  sql: string;
}

export const MIGRATIONS: readonly MigrationSource[] = [
  { file: "0001_snapshots.sql", sql: snapshots },
  { file: "0002_network.sql", sql: network },
  { file: "0003_time_indexes.sql", sql: timeIndexes },
  { file: "0004_anomalies.sql", sql: anomalies },
  { file: "0005_ground_positions.sql", sql: groundPositions },
  { file: "0006_present_sessions.sql", sql: presentSessions },
];
