/**
 * deploy/prometheus/: prometheus.yml scrapes the app and passes `promtool check config` (which checks
 * alerts.yml with it), the alert rules pass `promtool check rules`, and their unit tests
 * (alerts_test.yml) pass `promtool test rules`. Outside CI a machine without promtool skips the promtool
 * tests, saying why; in CI (`CI=true`) they run and fail, since .ci/run installs it.
 */
import assert from "node:assert/strict";

const DIR = new URL("../deploy/prometheus/", import.meta.url);
const path = (name: string) => decodeURIComponent(new URL(name, DIR).pathname);
const IN_CI = Deno.env.get("CI") === "true";

/** What the issue asks the rules to watch, by the alert that does. */
const REQUIRED_ALERTS = [
  "FeedStale",
  "ActorRestarting",
  "CircuitBreakerOpen",
  "DatabaseDown",
  "SpoolFilling",
  "NoSnapshotStored",
];

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command("promtool", {
    args,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return { code, output: (new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr)).trim() };
}

async function promtoolAvailable(): Promise<boolean> {
  try {
    return (await promtool("--version")).code === 0;
  } catch {
    return false;
  }
}

const ignore = !await promtoolAvailable() && !IN_CI;
if (ignore) {
  console.log(
    "prometheus_config_test: promtool not found (apt-get install prometheus); its tests are ignored",
  );
}

const alertNames = (yaml: string) => [...yaml.matchAll(/^\s*- alert: (\S+)$/gm)].map(([, name]) => name);

Deno.test("prometheus.yml scrapes the app at app:8080 on /metrics and loads alerts.yml", async () => {
  const config = await Deno.readTextFile(path("prometheus.yml"));
  assert.match(config, /^rule_files:\n\s+- alerts\.yml$/m);
  assert.match(config, /^\s+metrics_path: \/metrics$/m);
  assert.match(config, /^\s+- targets: \["app:8080"\]$/m);
});

Deno.test("the alert rules watch what the issue asks, and every alert has a unit test that fires it", async () => {
  const names = alertNames(await Deno.readTextFile(path("alerts.yml")));
  for (const name of REQUIRED_ALERTS) assert.ok(names.includes(name), `no alert ${name}`);
  const tests = await Deno.readTextFile(path("alerts_test.yml"));
  // A firing case names the alert and lists what it expects: `alertname: X` then `exp_alerts:`.
  for (const name of new Set(names)) {
    assert.match(tests, new RegExp(`alertname: ${name}\\n\\s+exp_alerts:`), `no test where ${name} fires`);
  }
});

Deno.test({
  name: "prometheus.yml passes promtool check config, with its rule file",
  ignore,
  async fn() {
    const { code, output } = await promtool("check", "config", path("prometheus.yml"));
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS: 1 rule files found/);
    assert.match(output, /is valid prometheus config file syntax/);
  },
});

Deno.test({
  name: "alerts.yml passes promtool check rules, duplicate rules included",
  ignore,
  async fn() {
    const { code, output } = await promtool(
      "check",
      "rules",
      "--lint=all",
      "--lint-fatal",
      path("alerts.yml"),
    );
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS: \d+ rules found/);
  },
});

Deno.test({
  name: "the alert rules pass their unit tests (promtool test rules alerts_test.yml)",
  ignore,
  async fn() {
    const { code, output } = await promtool("test", "rules", path("alerts_test.yml"));
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS/);
  },
});
