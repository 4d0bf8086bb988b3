/**
 * Throwaway PostgreSQL databases for tests, and the rule for a missing server: outside CI its tests are
 * ignored with a note; in CI (`CI=true`) they run and fail, because a silent skip would hide it.
 */
import postgres from "postgres";

const ADMIN_URL = Deno.env.get("TEST_POSTGRES_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres";
const IN_CI = Deno.env.get("CI") === "true";
const PROBE_TIMEOUT_MS = 2_000;

/** The admin URL with any password masked, for messages. */
const adminTarget = (() => {
  try {
    const url = new URL(ADMIN_URL);
    if (url.password) url.password = "***";
    return url.href;
  } catch {
    return "(TEST_POSTGRES_URL is not a valid URL)";
  }
})();

function admin(): postgres.Sql {
  return postgres(ADMIN_URL, { max: 1, connect_timeout: PROBE_TIMEOUT_MS / 1000, onnotice: () => {} });
}

async function probe(): Promise<boolean> {
  let sql: postgres.Sql;
  try {
    sql = admin();
  } catch {
    return false;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS));
  try {
    return await Promise.race([sql`select 1`.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
    await sql.end({ timeout: 0 });
  }
}

/** Whether the admin server (`TEST_POSTGRES_URL`, default the local one) answered within 2 s. */
export const postgresAvailable: boolean = await probe();

if (!postgresAvailable && !IN_CI) {
  console.log(`note: PostgreSQL at ${adminTarget} did not answer; PostgreSQL tests are ignored`);
}

/**
 * Spread into `Deno.test({...})`: ignored when the server is missing, except in CI, where the test
 * runs and {@linkcode withTempDatabase} fails it with "PostgreSQL is required in CI".
 */
export const requirePostgres: { ignore: boolean } = { ignore: !postgresAvailable && !IN_CI };

/**
 * Creates a database `test_<random>`, runs `fn` with its URL, and drops it (`with (force)`, so
 * connections fn left open do not block the drop) even when fn throws.
 *
 * @example
 * ```ts
 * Deno.test({ name: "writes", ...requirePostgres, fn: () => withTempDatabase(async (url) => {}) });
 * ```
 */
export async function withTempDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  if (!postgresAvailable) {
    throw new Error(
      IN_CI
        ? `PostgreSQL is required in CI: nothing answered at ${adminTarget} (set TEST_POSTGRES_URL)`
        : `PostgreSQL is not available at ${adminTarget}`,
    );
  }
  const name = `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const sql = admin();
  try {
    await sql.unsafe(`create database ${name}`);
    try {
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return await fn(url.href);
    } finally {
      await sql.unsafe(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
