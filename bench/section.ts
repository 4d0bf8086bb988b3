/**
 * One section of `deno task bench` in a process of its own: bench/main.ts runs the collector, the HTTP
 * front, the load and the memory sections here, so that none measures what an earlier section left behind
 * (a heap grown by the bus benchmark, workers still winding down). Progress goes to stderr, the section's
 * report to stdout as JSON.
 *
 *   deno run -A bench/section.ts <collector|front|load|memory> [--quick]
 */
import { collectorBench } from "./collector_bench.ts";
import { frontBench } from "./front_bench.ts";
import { loadBench } from "./load_bench.ts";
import { memoryBench } from "./memory_bench.ts";

const SECTIONS = { collector: collectorBench, front: frontBench, load: loadBench, memory: memoryBench };
export type Section = keyof typeof SECTIONS;

/** Runs `name` in a child process and returns its report. */
export async function runSection<T>(name: Section, quick: boolean): Promise<T> {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, name, ...(quick ? ["--quick"] : [])],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`the ${name} bench exited with ${code}`);
  return JSON.parse(new TextDecoder().decode(stdout)) as T;
}

if (import.meta.main) {
  const name = Deno.args[0];
  if (!(name in SECTIONS)) {
    console.error(`usage: section.ts <${Object.keys(SECTIONS).join("|")}> [--quick]`);
    Deno.exit(2);
  }
  const quick = Deno.args.includes("--quick");
  const report = await SECTIONS[name as Section]({
    quick,
    progress: (line) => console.error(`bench: ${line}`),
  });
  console.log(JSON.stringify(report));
}
