import assert from "node:assert/strict";
import project from "../deno.json" with { type: "json" };
import { CODE_FOLDERS, permissionFlags, permissionSettings, processPermissions } from "./permissions.ts";

const UNIT = new URL("./systemd/vatsim-collector.service", import.meta.url);

interface Unit {
  /** Each `Key=value` line of the unit, continuation lines joined; a key may repeat. */
  entries: [string, string][];
  get(key: string): string[];
}

async function readUnit(): Promise<Unit> {
  const text = (await Deno.readTextFile(UNIT)).replace(/\\\n\s*/g, " ");
  const entries = text.split("\n")
    .filter((line) => !/^\s*([#;]|\[|$)/.test(line))
    .map((line): [string, string] => {
      const at = line.indexOf("=");
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    });
  return { entries, get: (key) => entries.filter(([k]) => k === key).map(([, v]) => v) };
}

const isPermissionFlag = (arg: string) => /^--(allow-|deny-|no-prompt$|ignore-env)/.test(arg);

Deno.test("the systemd unit's permission flags are the ones derived from its environment", async () => {
  const unit = await readUnit();
  const env = Object.fromEntries(
    unit.get("Environment").map((assignment) => {
      const at = assignment.indexOf("=");
      return [assignment.slice(0, at), assignment.slice(at + 1)];
    }),
  );
  const [exec] = unit.get("ExecStart");
  const args = exec.split(/\s+/);
  assert.equal(args[1], "run", exec);
  const main = args.at(-1) ?? "";
  assert.match(main, /\/main\.ts$/);
  const root = main.slice(0, -"/main.ts".length);

  const settings = permissionSettings(env);
  assert.ok(settings, "the unit's Environment= values are a valid configuration");
  const pgliteVersion = project.imports["@electric-sql/pglite"].split("@").at(-1);
  const where = {
    code: CODE_FOLDERS.map((folder) => `${root}/${folder}`),
    pglite: `${env.DENO_DIR}/npm/registry.npmjs.org/@electric-sql/pglite/${pgliteVersion}/dist`,
  };
  const expected = permissionFlags(processPermissions(settings, { where }));
  // Printed so that a changed derivation can be pasted into the unit.
  assert.deepEqual(
    args.filter(isPermissionFlag),
    expected,
    `the unit should say:\n${expected.join(" \\\n  ")}`,
  );
  assert.ok(!args.includes("-A") && !args.includes("--allow-all"));
});

Deno.test("the systemd unit restarts on failure, as its own user, writing only DATA_DIR", async () => {
  const unit = await readUnit();
  const one = (key: string) => {
    const values = unit.get(key);
    assert.equal(values.length, 1, `${key}= once`);
    return values[0];
  };
  const dataDir = unit.get("Environment").find((e) => e.startsWith("DATA_DIR="))?.slice("DATA_DIR=".length);
  assert.ok(dataDir?.startsWith("/"), "an absolute DATA_DIR");
  assert.equal(one("Restart"), "on-failure");
  assert.ok(!["", "root", "0"].includes(one("User")), "a dedicated user");
  assert.ok(one("EnvironmentFile").startsWith("/etc/"));
  assert.equal(one("NoNewPrivileges"), "yes");
  assert.equal(one("ProtectSystem"), "strict");
  assert.equal(one("ReadWritePaths"), dataDir);
  assert.equal(`/var/lib/${one("StateDirectory")}`, dataDir);
  assert.equal(one("CapabilityBoundingSet"), "");
});
