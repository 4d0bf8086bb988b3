/**
 * `/metrics` taken from the real service during a replay passes `promtool check metrics` (Debian's
 * `prometheus` package) with nothing to report. Outside CI a machine without promtool skips it, saying
 * why; in CI (`CI=true`) it runs and fails, since .ci/run installs the package.
 */
import assert from "node:assert/strict";
import { FIXTURES_DIR } from "./helpers/fixtures.ts";
import { PAIR_A, PAIR_B } from "./helpers/replay.ts";
import { startService } from "./helpers/service.ts";

const PROMTOOL = "promtool";
const IN_CI = Deno.env.get("CI") === "true";

async function promtoolVersion(): Promise<string | null> {
  try {
    const { success, stdout } = await new Deno.Command(PROMTOOL, { args: ["--version"], stdout: "piped" })
      .output();
    return success ? new TextDecoder().decode(stdout).split("\n")[0] : null;
  } catch {
    return null;
  }
}

const version = await promtoolVersion();
if (version === null && !IN_CI) {
  console.log("metrics_scrape_test: promtool not found (apt-get install prometheus); its test is ignored");
}

/** Runs `promtool check metrics` on `text`: its exit code and everything it printed. */
async function checkMetrics(text: string): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(PROMTOOL, {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  return { code, output: output.trim() };
}

Deno.test({
  name: "a /metrics scrape taken during a replay passes promtool check metrics with nothing to report",
  ignore: version === null && !IN_CI,
  async fn() {
    const feed = await Deno.makeTempDir({ prefix: "metrics_feed_" });
    const dataDir = await Deno.makeTempDir({ prefix: "metrics_data_" });
    for (const name of [PAIR_A, PAIR_B]) await Deno.symlink(`${FIXTURES_DIR}${name}`, `${feed}/${name}`);
    const service = await startService({ FEED: feed, POLL_INTERVAL_MS: "100", DATA_DIR: dataDir });
    try {
      await service.waitForJson<{ snapshots: { stored: number } }>(
        "/api/status",
        "both snapshots stored",
        (s) => s.snapshots.stored === 2,
        60_000,
      );
      const response = await fetch(`${service.url}/metrics`);
      assert.equal(response.status, 200);
      const text = await response.text();
      // The scrape holds what a dashboard needs: the pipeline's histograms, the tree, the spool.
      for (
        const family of [
          "collector_snapshots_stored_total",
          "collector_snapshot_processing_seconds",
          "collector_database_write_seconds",
          "collector_message_handle_seconds",
          "collector_actor_status",
          "collector_actor_restarts_total",
          "collector_actor_mailbox_depth",
          "collector_actor_heartbeat_age_seconds",
          "collector_breaker_state",
          "collector_spool_files",
          "collector_feed_data_age_seconds",
          "collector_http_requests_total",
          "process_resident_memory_bytes",
        ]
      ) {
        assert.match(text, new RegExp(`^# TYPE ${family} `, "m"), `${family} is in the scrape`);
      }
      assert.match(text, /^collector_snapshots_stored_total\{actor="store"\} 2$/m);
      const checked = await checkMetrics(text);
      assert.equal(checked.output, "", `promtool check metrics says:\n${checked.output}`);
      assert.equal(checked.code, 0);
      // Here, not in `finally`: a failed stop there would hide the assertion that failed above.
      assert.equal(await service.stop(), 0);
    } finally {
      await service.kill();
      await Deno.remove(feed, { recursive: true });
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
