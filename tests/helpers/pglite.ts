/**
 * Fresh PGlite data folders for tests. Initialising PGlite takes seconds, so one template is built per
 * machine and PGlite version, and each caller gets a copy of it (tens of milliseconds).
 */
import { openDatabase } from "../../db/database.ts";

/** The resolved module path names the PGlite version, so a new version gets a new template. */
const PGLITE_VERSION =
  /pglite[@/](\d+\.\d+\.\d+[^/]*)/.exec(import.meta.resolve("@electric-sql/pglite"))?.[1] ??
    "unknown";

let template: Promise<string> | undefined;

/**
 * A new temp folder laid out as `openDatabase` expects (`${dir}/pglite`), holding an initialised,
 * empty PGlite. The caller removes it: `await Deno.remove(dir, { recursive: true })`.
 *
 * @example
 * ```ts
 * const dataDir = await freshPgliteDir();
 * const db = await openDatabase({ dataDir });
 * ```
 */
export async function freshPgliteDir(): Promise<string> {
  template ??= ensureTemplate().catch((error) => {
    template = undefined;
    throw error;
  });
  const source = await template;
  const dir = await Deno.makeTempDir({ dir: await scratchDir(), prefix: "pglite_test_" });
  try {
    await copyTree(`${source}/pglite`, `${dir}/pglite`);
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  return dir;
}

/** Finds or builds the template. It is built aside and renamed into place, which is atomic, so a
 * parallel test process sees either no template or a whole one, never a half-written folder. */
async function ensureTemplate(): Promise<string> {
  const parent = await scratchDir();
  const path = `${parent}/vatsim-pglite-template-${PGLITE_VERSION}`;
  if (await exists(path)) return path;

  const building = await Deno.makeTempDir({ dir: parent, prefix: "vatsim-pglite-template-building-" });
  try {
    const db = await openDatabase({ dataDir: building });
    await db.close();
    await Deno.rename(building, path);
  } catch (error) {
    await Deno.remove(building, { recursive: true });
    // Another process may have won the race to rename: its template is as good as ours.
    if (!(await exists(path))) throw error;
  }
  return path;
}

/**
 * Where templates and copies go: /dev/shm when it is usable, because a PGlite folder is ~40 MB in
 * ~1000 files and copying it to disk took most of a second here (~60 ms to memory); else the folder
 * Deno.makeTempDir uses.
 */
async function scratchDir(): Promise<string> {
  for (const dir of ["/dev/shm", undefined]) {
    try {
      const probe = await Deno.makeTempDir({ dir });
      await Deno.remove(probe);
      return probe.replace(/[\\/][^\\/]+$/, "");
    } catch {
      // Not there or not writable: try the next one.
    }
  }
  throw new Error("no writable temp directory");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  const copies: Promise<void>[] = [];
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) copies.push(copyTree(source, target));
    else if (entry.isFile) copies.push(Deno.copyFile(source, target));
  }
  // Settle every copy before reporting a failure, so none is still writing when the caller cleans up.
  const failed = (await Promise.allSettled(copies)).find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}
