/**
 * G5: restarts are bounded, and when the root supervisor gives up the process ends with a non-zero exit
 * code and says why, so an outside restarter takes over. Runs tests/programs/give_up.ts as a real process.
 */
import assert from "node:assert/strict";

const PROGRAM = new URL("./programs/give_up.ts", import.meta.url).pathname;

interface LogLine {
  level: string;
  logger: string;
  message: string;
  properties: Record<string, unknown>;
}

/** Runs the program to its end (killed after a generous minute) and returns its exit code and log lines. */
async function run(scenario: string): Promise<{ code: number; logs: LogLine[]; output: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PROGRAM, scenario],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const { code, stdout, stderr } = await child.output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    const logs = output.split("\n").flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
    return { code, logs, output };
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("a child crashing beyond the root's intensity ends the process with exit code 1 and the reason", async () => {
  const { code, logs, output } = await run("root");
  assert.equal(code, 1, output);
  const fatal = logs.filter((l) => l.level === "FATAL");
  assert.equal(fatal.length, 1, output);
  assert.equal(fatal[0].logger, "main");
  assert.match(fatal[0].message, /root supervisor gave up/);
  assert.match(
    String(fatal[0].properties.reason),
    /^more than 1 restarts in 10000 ms; last: worker crashed in handle: Error: crash 2$/,
  );
  // One restart within the intensity came first.
  assert.ok(logs.some((l) => l.logger === "supervision.root" && /restarting/.test(l.message)), output);
});

Deno.test("a nested supervisor giving up escalates to the root, which gives up past its own intensity", async () => {
  const { code, logs, output } = await run("nested");
  assert.equal(code, 1, output);
  // inner gives up, the root restarts it (within its intensity of 1), inner gives up again, the root gives up.
  const givesUp = logs.filter((l) => /gives up/.test(l.message)).map((l) => l.logger);
  assert.deepEqual(givesUp, ["supervision.inner", "supervision.inner", "supervision.root"], output);
  const rootRestarts = logs.filter((l) => l.logger === "supervision.root" && /restarting/.test(l.message));
  assert.deepEqual(rootRestarts.map((l) => l.properties.child), ["inner"], output);
  const fatal = logs.filter((l) => l.level === "FATAL");
  assert.equal(fatal.length, 1, output);
  assert.match(
    String(fatal[0].properties.reason),
    /^more than 1 restarts in 10000 ms; last: inner supervisor gave up: more than 1 restarts in 10000 ms; last: worker crashed in handle: Error: crash 4$/,
  );
});
