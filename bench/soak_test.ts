/**
 * The soak, run for a fraction of a minute so its code cannot rot: it must start the service on the
 * embedded store, print its sample lines and its verdict, and exit 0. No figure is checked: a soak this
 * short on a shared machine says nothing about memory, and timed assertions have no place in tests.
 */
import assert from "node:assert/strict";

Deno.test("deno task soak --minutes 0.2 prints its samples and verdict and exits 0", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soak-test-" });
  try {
    const out = `${dir}/soak.json`;
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./soak.ts", import.meta.url).pathname, "--minutes", "0.2", "--out", out],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 0, `${text}\n${new TextDecoder().decode(stderr)}`);
    const samples = text.split("\n").filter((line) => line.startsWith("soak 0:"));
    assert.equal(samples.length, 4, text);
    for (const line of samples) {
      assert.match(
        line,
        /\| rss [\d.]+ MB \(anon [\d.]+\) \| heap live MB \(after a full GC\): main [\d.]+, .*store#\d+ [\d.]+/,
      );
      assert.match(line, /\| mailboxes: .*store \d+.* \| stored [\d,]+ /);
    }
    assert.match(text, /^soak: RSS growth [+-][\d.]+ % from /m);
    assert.match(text, /^soak: RSS first start \(initdb\) [\d.]+ MB; /m);
    assert.match(text, /^soak: RSS trend \(least squares through the \d+ samples after warm-up\) /m);
    assert.match(text, /^soak: heap used after warm-up → end, MB \(trend\): main /m);
    const report = JSON.parse(await Deno.readTextFile(out));
    assert.equal(report.samples.length, 4);
    assert.equal(typeof report.growthPct, "number");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
