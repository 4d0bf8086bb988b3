/**
 * Applies the plain .sql files of sql/migrations/ in name order, each in its own transaction, and
 * records each with its SHA-256 so an edited migration is refused instead of silently diverging. The
 * files come in as text imports (sql/migrations.ts), so a compiled binary needs none of them on disk.
 */
import { MIGRATIONS, type MigrationSource } from "../sql/migrations.ts";
import type { Database, Queryable } from "./database.ts";
import { DatabaseError } from "./errors.ts";
import { splitStatements } from "./sql_statements.ts";

// Any fixed key will do, as long as every migrator of this schema takes the same one: it serialises
// concurrent migrators (two collectors starting at once) and is released with each transaction.
const TAKE_LOCK = "select pg_advisory_xact_lock(7263541009)";
const CREATE_TABLE = `create table if not exists schema_migrations (
  version text primary key,
  checksum text not null,
  applied_at timestamptz not null default now()
)`;
const SELECT_RECORDED = "select version, checksum from schema_migrations";
const SELECT_CHECKSUM = "select checksum from schema_migrations where version = $1";
const RECORD = "insert into schema_migrations (version, checksum) values ($1, $2)";

/** A migration that cannot be applied: it failed, or it changed after it was applied. */
export class MigrationError extends DatabaseError {
  override readonly name: string = "MigrationError";
  /** The migration's file name, e.g. `0001_snapshots.sql`. */
  readonly file: string;

  constructor(file: string, reason: string, options: { statement?: string; cause?: unknown } = {}) {
    super(reason, options);
    this.file = file;
  }
}

/** What {@linkcode migrate} did: versions applied by this call, and the latest recorded version. */
export interface MigrationResult {
  applied: string[];
  current: string | null;
}

interface Migration {
  version: string;
  file: string;
  checksum: string;
  statements: string[];
}

/**
 * Brings the schema up to date. Idempotent, and safe to run from several processes at once.
 *
 * @example
 * ```ts
 * const { applied, current } = await migrate(db);
 * ```
 */
export async function migrate(
  db: Database,
  options: { migrations?: readonly MigrationSource[] } = {},
): Promise<MigrationResult> {
  const migrations = await prepareMigrations(options.migrations ?? MIGRATIONS);
  const recorded = await db.transaction(async (tx) => {
    await prepare(tx);
    return await tx.query<{ version: string; checksum: string }>(SELECT_RECORDED);
  });
  const checksums = new Map(recorded.map((row) => [row.version, row.checksum]));
  for (const migration of migrations) verify(migration, checksums.get(migration.version));

  const applied: string[] = [];
  for (const migration of migrations) {
    if (checksums.has(migration.version)) continue;
    if (await db.transaction((tx) => apply(tx, migration))) applied.push(migration.version);
  }
  const versions = (await db.query<{ version: string }>(SELECT_RECORDED)).map((row) => row.version).sort();
  return { applied, current: versions.at(-1) ?? null };
}

async function prepare(tx: Queryable): Promise<void> {
  await tx.query(TAKE_LOCK);
  await tx.query(CREATE_TABLE);
}

/** Applies one migration under the lock, unless another migrator got there first. */
async function apply(tx: Queryable, migration: Migration): Promise<boolean> {
  await prepare(tx);
  const [row] = await tx.query<{ checksum: string }>(SELECT_CHECKSUM, [migration.version]);
  if (row !== undefined) {
    verify(migration, row.checksum);
    return false;
  }
  for (const [index, statement] of migration.statements.entries()) {
    try {
      await tx.query(statement);
    } catch (error) {
      const reason = error instanceof DatabaseError ? error.reason : String(error);
      throw new MigrationError(
        migration.file,
        `migration ${migration.file} failed at statement ${index + 1}: ${reason}`,
        { statement, cause: error },
      );
    }
  }
  await tx.query(RECORD, [migration.version, migration.checksum]);
  return true;
}

function verify(migration: Migration, recorded: string | undefined): void {
  if (recorded === undefined || recorded === migration.checksum) return;
  throw new MigrationError(
    migration.file,
    `migration ${migration.file} changed after it was applied (recorded sha256 ${recorded.slice(0, 12)}…, ` +
      `file ${migration.checksum.slice(0, 12)}…): add a new migration instead of editing an applied one`,
  );
}

/** Name order, whatever order they were given in; the checksum is that of the file's UTF-8 bytes. */
async function prepareMigrations(sources: readonly MigrationSource[]): Promise<Migration[]> {
  const sorted = [...sources].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return await Promise.all(sorted.map(async ({ file, sql }) => {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sql)));
    return {
      version: file.replace(/\.sql$/, ""),
      file,
      checksum: digest.toHex(),
      statements: splitStatements(sql),
    };
  }));
}
