import assert from "node:assert/strict";
import { Spool, type SpoolEntry, type SpoolOptions } from "./spool.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function withSpoolDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const parent = await Deno.makeTempDir({ prefix: "spool_test_" });
  try {
    await fn(`${parent}/spool`);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
}

const open = (dir: string, bounds: Partial<SpoolOptions> = {}) =>
  Spool.open({ dir, maxBytes: 1_000_000, maxFiles: 1_000, ...bounds });

function oldest(spool: Spool): SpoolEntry {
  const entry = spool.oldest();
  assert.ok(entry, "the spool is empty");
  return entry;
}

async function drain(spool: Spool): Promise<string[]> {
  const records: string[] = [];
  for (let entry = spool.oldest(); entry; entry = spool.oldest()) {
    records.push(decode(await spool.read(entry)));
    await spool.remove(entry);
  }
  return records;
}

Deno.test("spool: records come back oldest first whatever their labels, and the folder ends empty", async () => {
  await withSpoolDir(async (dir) => {
    const spool = await open(dir, { maxFiles: 20_000 });
    // Names sort by sequence even where the count gains a digit (9 → 10) and the labels disagree.
    const labels = ["z", "a", "2025-08-06T06:54:57.998404Z", "", "m", "b", "y", "c", "x", "d", "w", "e"];
    for (const [i, label] of labels.entries()) await spool.append(encode(`record ${i}`), label);
    assert.equal(spool.files, labels.length);
    assert.equal(spool.bytes, labels.reduce((sum, _, i) => sum + `record ${i}`.length, 0));
    assert.deepEqual(await drain(spool), labels.map((_, i) => `record ${i}`));
    assert.equal(spool.bytes, 0);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("spool: a full spool drops its oldest records, by count and by bytes, and says so", async () => {
  await withSpoolDir(async (dir) => {
    const byCount = await open(dir, { maxFiles: 3 });
    for (let i = 0; i < 3; i++) assert.deepEqual((await byCount.append(encode(`r${i}`))).dropped, []);
    const { dropped } = await byCount.append(encode("r3"));
    assert.equal(dropped.length, 1);
    assert.match(dropped[0].name, /^0{15}1\.json$/);
    assert.match(dropped[0].reason, /spool full/);
    assert.deepEqual(await drain(byCount), ["r1", "r2", "r3"]);

    const byBytes = await open(dir, { maxBytes: 10 });
    await byBytes.append(encode("aaaa"));
    await byBytes.append(encode("bbbb"));
    const { dropped: pushedOut } = await byBytes.append(encode("ccccccc"));
    assert.deepEqual(pushedOut.map((d) => d.bytes), [4, 4]);
    assert.equal(byBytes.bytes, 7);
    const { entry, dropped: tooLarge } = await byBytes.append(encode("x".repeat(11)));
    assert.equal(entry, null);
    assert.match(tooLarge[0].reason, /larger than the spool/);
    assert.deepEqual(await drain(byBytes), ["ccccccc"]);
  });
});

Deno.test("spool: reopening finds the records left behind, removes temp files and ignores strangers", async () => {
  await withSpoolDir(async (dir) => {
    const first = await open(dir);
    for (const record of ["one", "two", "three"]) await first.append(encode(record), record);
    await first.remove(oldest(first));
    // What a crash during append leaves behind, and a file that is none of the spool's business.
    await Deno.writeTextFile(`${dir}/0000000000000009_x.json.tmp`, '{"half":');
    await Deno.writeTextFile(`${dir}/notes.txt`, "hello");

    const reopened = await open(dir);
    assert.equal(reopened.files, 2);
    assert.equal(reopened.bytes, 8);
    await reopened.append(encode("four"));
    assert.deepEqual(await drain(reopened), ["two", "three", "four"]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["notes.txt"]);

    // Emptied and reopened, it starts counting again; order still holds.
    const again = await open(dir);
    await again.append(encode("five"));
    await again.append(encode("six"));
    assert.deepEqual(await drain(await open(dir)), ["five", "six"]);
  });
});

Deno.test("spool: removing a record twice (a replay after a crash) is harmless", async () => {
  await withSpoolDir(async (dir) => {
    const spool = await open(dir);
    await spool.append(encode("only"));
    const entry = oldest(spool);
    await Deno.remove(`${dir}/${entry.name}`);
    await spool.remove(entry);
    await spool.remove(entry);
    assert.equal(spool.files, 0);
    assert.equal(spool.bytes, 0);
  });
});

Deno.test("spool: an attempt a crash cut short is counted at the next open, one that ended is not", async () => {
  await withSpoolDir(async (dir) => {
    const first = await open(dir);
    await first.append(encode("poison"));
    await first.append(encode("fine"));
    assert.equal(await first.beginAttempt(oldest(first)), 0);
    // The process dies here: no endAttempt.
    const second = await open(dir);
    assert.equal(await second.beginAttempt(oldest(second)), 1);
    const third = await open(dir);
    assert.equal(await third.beginAttempt(oldest(third)), 2);
    await third.endAttempt();
    await third.remove(oldest(third));
    assert.equal(await third.beginAttempt(oldest(third)), 0);
    await third.endAttempt();
    const fourth = await open(dir);
    assert.equal(await fourth.beginAttempt(oldest(fourth)), 0);
    await fourth.endAttempt();
    assert.deepEqual(await drain(fourth), ["fine"]);
  });
});

Deno.test("spool: a record appended without sync is there for a reopen, and can be synced later", async () => {
  await withSpoolDir(async (dir) => {
    const spool = await open(dir);
    const { entry } = await spool.append(encode("fast"), "", { sync: false });
    assert.ok(entry);
    await spool.sync(entry);
    assert.deepEqual(await drain(await open(dir)), ["fast"]);
  });
});
