import assert from "node:assert/strict";
import { ReplaySource } from "./replay_source.ts";

Deno.test("replays the .json files of a folder (or links to them) once each, in name order, then ends", async () => {
  const folder = await Deno.makeTempDir();
  try {
    for (const name of ["b.json", "a.json", "notes.txt", "c.json"]) {
      await Deno.writeTextFile(`${folder}/${name}`, name);
    }
    await Deno.mkdir(`${folder}/d.json`);
    // Links count for what they point at: a file is replayed, a folder or a dangling link is not.
    await Deno.writeTextFile(`${folder}/elsewhere.txt`, "e.json");
    await Deno.symlink(`${folder}/elsewhere.txt`, `${folder}/e.json`);
    await Deno.symlink(`${folder}/d.json`, `${folder}/f.json`);
    await Deno.symlink(`${folder}/nothing`, `${folder}/g.json`);
    const source = new ReplaySource(folder);
    const seen: string[] = [];
    for (let file = await source.next(); file !== null; file = await source.next()) {
      assert.equal(new TextDecoder().decode(file.bytes), file.name);
      seen.push(file.name);
    }
    assert.deepEqual(seen, ["a.json", "b.json", "c.json", "e.json"]);
    assert.equal(source.remaining, 0);
    assert.equal(await source.next(), null);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a missing folder is an error that names it", async () => {
  await assert.rejects(
    new ReplaySource("/no/such/folder").next(),
    /cannot read the replay folder \/no\/such\/folder/,
  );
});
