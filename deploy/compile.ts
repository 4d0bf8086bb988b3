/**
 * `deno task compile [output]`: the collector as one executable (default dist/vatsim-collector) that
 * holds its code, the actor workers, the migrations and its npm packages (PGlite's files among them), and
 * runs with the permission flags derived from this environment (deploy/permissions.ts), as the start
 * task would use them. Configure it as it will run: DATA_DIR, FEED, DATABASE_URL, … are read now.
 *
 * `deno compile` builds on Deno's `denort` base binary, which it downloads from Deno's release server
 * unless `DENORT_BIN` names one. Where neither works, this stops with a message saying so.
 */
import { permissionFlags, permissionSettings, processPermissions } from "./permissions.ts";

const DEFAULT_OUTPUT = "dist/vatsim-collector";
const ENTRY = new URL("../main.ts", import.meta.url);
const ROOT = new URL("..", import.meta.url);
/** An exit code of its own, so that a caller (tests/compile_test.ts) can tell this case apart. */
export const NO_BASE_BINARY_EXIT = 3;

/** The message for a missing base binary: what is missing, why it matters, what to do. */
export function noBaseBinaryMessage(why: string): string {
  const target = Deno.build.target;
  const version = Deno.version.deno;
  return [
    `deno task compile: no denort base binary for Deno ${version} (${target}): ${why}.`,
    "`deno compile` builds the executable on top of Deno's `denort` runtime, which it downloads from " +
    "Deno's release server (dl.deno.land) unless DENORT_BIN names one.",
    `Set DENORT_BIN to the path of a denort ${version} binary for ${target} (the file inside ` +
    `denort-${target}.zip of the Deno ${version} release) and run the task again.`,
  ].join("\n");
}

/** The checks `deno compile` itself would only make after type-checking the whole program. */
async function checkBaseBinary(): Promise<string | null> {
  const path = Deno.env.get("DENORT_BIN");
  if (path === undefined || path === "") return null;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) return `DENORT_BIN=${path} is not a file`;
  } catch (error) {
    return `DENORT_BIN=${path} cannot be read (${(error as Error).message})`;
  }
  return null;
}

async function compile(output: string): Promise<number> {
  const settings = permissionSettings();
  if (settings === null) {
    console.error("deno task compile: the configuration is invalid; `deno task start` names the variable");
    return 2;
  }
  const problem = await checkBaseBinary();
  if (problem !== null) {
    console.error(noBaseBinaryMessage(problem));
    return NO_BASE_BINARY_EXIT;
  }
  const flags = permissionFlags(processPermissions(settings, { target: "compile" }));
  // The workers and actor modules are listed in deno.json's compile.include (they are started from URLs
  // built at run time); --exclude-unused-npm keeps test-only packages (playwright, fast-check) out. The
  // child inherits this environment, DENORT_BIN included.
  // --unstable-raw-imports: the migrations are text imports, stable in `deno run` on 2.9; the flag only
  // makes sure the embedded runtime allows them too.
  const args = [
    "compile",
    "--exclude-unused-npm",
    "--unstable-raw-imports",
    "--output",
    output,
    ...flags,
    ENTRY.pathname,
  ];
  console.log(`deno ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: "inherit", stderr: "piped" })
    .spawn();
  // Passed on as it comes, and kept to recognise a failed download of the base binary.
  const stderr: string[] = [];
  for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
    stderr.push(chunk);
    await Deno.stderr.write(new TextEncoder().encode(chunk));
  }
  const { code } = await child.status;
  if (code === 0) {
    const { size } = await Deno.stat(new URL(output, ROOT));
    console.log(`${output}: ${(size / 1_048_576).toFixed(1)} MiB, permissions ${flags.join(" ")}`);
    return 0;
  }
  if (/base binary|denort/i.test(stderr.join(""))) {
    console.error(noBaseBinaryMessage("DENORT_BIN is not set, and the download failed (above)"));
    return NO_BASE_BINARY_EXIT;
  }
  return code;
}

if (import.meta.main) Deno.exit(await compile(Deno.args[0] ?? DEFAULT_OUTPUT));
