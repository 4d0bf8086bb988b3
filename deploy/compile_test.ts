import assert from "node:assert/strict";
import { NO_BASE_BINARY_EXIT, noBaseBinaryMessage } from "./compile.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("without a denort base binary, the compile task says so and what to do", async () => {
  const output = await Deno.makeTempDir({ prefix: "compile_" });
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["task", "compile", `${output}/vatsim-collector`],
      cwd: ROOT,
      env: { DENORT_BIN: `${output}/no-such-denort` },
      stdout: "null",
      stderr: "piped",
    }).output();
    const message = new TextDecoder().decode(stderr);
    assert.equal(code, NO_BASE_BINARY_EXIT, message);
    assert.match(message, /no denort base binary for Deno \d+\.\d+\.\d+ \(.+\): DENORT_BIN=.*no-such-denort/);
    assert.match(message, /Set DENORT_BIN to the path of a denort/);
    assert.deepEqual([...Deno.readDirSync(output)], [], "nothing was written");
  } finally {
    await Deno.remove(output, { recursive: true });
  }
});

Deno.test("the message names the version and platform the base binary must be for", () => {
  const message = noBaseBinaryMessage("none found");
  assert.ok(message.includes(`Deno ${Deno.version.deno} (${Deno.build.target})`));
  assert.ok(message.includes(`denort-${Deno.build.target}.zip`));
});
