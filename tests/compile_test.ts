/**
 * The single binary: `deno task compile` builds it, and it runs alone in an empty folder, with the
 * permissions built into it, replaying the recorded snapshots into embedded PGlite. Prints its size and
 * the time from start to a ready /health/ready.
 *
 * `deno compile` needs Deno's denort base binary, which it downloads from Deno's release server; where
 * that cannot be reached (as here), the test runs only with DENORT_BIN naming a denort of the pinned
 * version, and otherwise reports itself skipped with that reason.
 */
import assert from "node:assert/strict";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { waitFor } from "./helpers/system.ts";

const DENORT_BIN = Deno.env.get("DENORT_BIN") ?? "";
const SKIPPED = "DENORT_BIN is not set, and `deno compile` cannot download Deno's denort base binary " +
  `here: set DENORT_BIN to a denort ${Deno.version.deno} for ${Deno.build.target} to run it`;

if (DENORT_BIN === "") console.log(`tests/compile_test.ts: the compiled-binary test is skipped: ${SKIPPED}`);

/** The recorded v3 snapshots among the fixtures (the transceivers file is quarantined). */
const SNAPSHOTS =
  [...Deno.readDirSync(FIXTURES_DIR)].filter((e) => /^vatsim-data_.*\.json$/.test(e.name)).length;

/** Only what building needs from this machine's environment, so nothing else leaks into the flags. */
function buildEnv(): Record<string, string> {
  return Object.fromEntries(["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "DENORT_BIN"].flatMap((name) => {
    const value = Deno.env.get(name);
    return value === undefined ? [] : [[name, value]];
  }));
}

function lineSplitter(): TransformStream<string, string> {
  let pending = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      for (const part of parts) controller.enqueue(part);
    },
    flush(controller) {
      if (pending !== "") controller.enqueue(pending);
    },
  });
}

Deno.test({
  name: "the compiled binary starts alone in an empty folder and stores the recorded snapshots",
  ignore: DENORT_BIN === "",
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "compile_test_" });
    try {
      const settings = { DATA_DIR: `${tmp}/data`, FEED: FIXTURES_DIR, PORT: "0" };
      await Deno.mkdir(`${tmp}/run`);
      const binary = `${tmp}/run/vatsim-collector`;

      // The settings are read at build time: the permissions built in are derived from them.
      const build = await new Deno.Command(Deno.execPath(), {
        args: ["task", "compile", binary],
        cwd: new URL("..", import.meta.url),
        clearEnv: true,
        env: { ...buildEnv(), ...settings },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      assert.equal(build.code, 0, decode(build.stdout) + decode(build.stderr));
      const { size } = await Deno.stat(binary);
      console.log(`compiled binary: ${(size / 1_048_576).toFixed(1)} MiB (${size} bytes)`);
      assert.deepEqual([...Deno.readDirSync(`${tmp}/run`)].map((entry) => entry.name), ["vatsim-collector"]);

      const started = performance.now();
      const child = new Deno.Command(binary, {
        cwd: `${tmp}/run`,
        clearEnv: true,
        env: { ...settings, LOG_FORMAT: "json", POLL_INTERVAL_MS: "200" },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const lines: string[] = [];
      const reading = Promise.all([child.stdout, child.stderr].map(async (stream) => {
        for await (const line of stream.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())) {
          lines.push(line);
        }
      }));
      let ended = false;
      const exited = child.status.finally(() => ended = true);
      const output = () => lines.join("\n");
      try {
        let port = 0;
        await waitFor("the HTTP front to listen", () => {
          if (ended) throw new Error(`the binary exited:\n${output()}`);
          port = Number(output().match(/"HTTP front on[^\n]*"port":(\d+)/)?.[1] ?? 0);
          return port > 0;
        }, 30_000);
        const get = async (path: string) => {
          const response = await fetch(`http://127.0.0.1:${port}${path}`);
          return { status: response.status, body: await response.json() };
        };

        const until = performance.now() + 180_000;
        while ((await get("/health/ready")).status !== 200) {
          assert.ok(performance.now() < until, `not ready:\n${output()}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        console.log(`start-up to a ready /health/ready: ${Math.round(performance.now() - started)} ms`);

        while ((await get("/api/status")).body.snapshots.stored < SNAPSHOTS) {
          assert.ok(performance.now() < until, `not every snapshot stored:\n${output()}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        assert.deepEqual(lines.filter((line) => /NotCapable|Requires \w+ access/.test(line)), []);
      } finally {
        if (!ended) child.kill("SIGTERM");
        await reading;
      }
      assert.equal((await exited).code, 0, `a clean stop on SIGTERM:\n${lines.slice(-20).join("\n")}`);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
