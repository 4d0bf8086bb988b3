/**
 * `deno task test`: runs every test with Deno's own reporter on the console, reads the JUnit report it
 * also writes, and ends with one line `N passed, N failed` (what CI reads). Exits non-zero on any failure,
 * including a failure outside any test (a type error, a crash of the test runner).
 *
 * Extra arguments go to `deno test`, e.g. `deno task test tests/collector_test.ts`.
 */
const reportDir = await Deno.makeTempDir({ prefix: "deno_test_report_" });
const junitPath = `${reportDir}/junit.xml`;
try {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", `--junit-path=${junitPath}`, ...Deno.args],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;

  const counts = await readJunit(junitPath);
  // A run that failed outside any test case (no report, or a report with no failure in it) still fails.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  if (counts.ignored > 0) console.log(`${counts.ignored} ignored`);
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  Deno.exitCode = code !== 0 || counts.failed > 0 ? 1 : 0;
} finally {
  await Deno.remove(reportDir, { recursive: true });
}

async function readJunit(path: string): Promise<{ passed: number; failed: number; ignored: number }> {
  let xml: string;
  try {
    xml = await Deno.readTextFile(path);
  } catch {
    return { passed: 0, failed: 0, ignored: 0 };
  }
  let passed = 0, failed = 0, ignored = 0;
  // Each test case is `<testcase ...>` ... `</testcase>` (or self-closing); its body says how it ended.
  for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = match[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) ignored++;
    else passed++;
  }
  return { passed, failed, ignored };
}
