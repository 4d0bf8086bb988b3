import assert from "node:assert/strict";
import { DatabaseError, openDatabase } from "./database.ts";
import { freshPgliteDir } from "../tests/helpers/pglite.ts";

Deno.test("PGlite keeps its data across close and reopen", async () => {
  const dataDir = await freshPgliteDir();
  try {
    const first = await openDatabase({ dataDir });
    try {
      await first.query("create table t (x text)");
      await first.transaction((tx) => tx.query("insert into t values ($1)", ["kept"]));
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir });
    try {
      assert.deepEqual(await again.query("select x from t"), [{ x: "kept" }]);
    } finally {
      await again.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("PGlite refuses a second engine on a folder in use, until the first closes", async () => {
  const dataDir = await freshPgliteDir();
  try {
    const first = await openDatabase({ dataDir });
    try {
      const error = await openDatabase({ dataDir }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof DatabaseError);
      assert.match(error.message, /it is already open/);
    } finally {
      await first.close();
    }
    const second = await openDatabase({ dataDir });
    await second.close();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("PGlite that cannot open names its folder", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dataDir}/pglite`, "a file where the folder should be");
    const error = await openDatabase({ dataDir }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof DatabaseError);
    assert.match(error.message, /^cannot open PGlite in .*\/pglite: /);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("PGlite calls after close fail as DatabaseErrors, and close twice is harmless", async () => {
  const dataDir = await freshPgliteDir();
  try {
    const db = await openDatabase({ dataDir });
    await db.close();
    await db.close();
    await assert.rejects(db.query("select 1"), DatabaseError);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
