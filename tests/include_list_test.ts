/**
 * The compiled binary cannot miss a file. `deno compile` embeds the module graph of main.ts and of what
 * deno.json's compile.include names; these tests check that every worker entry and every actor module
 * the tree starts (both loaded from URLs built at run time) is named there, that nothing in the program
 * starts a worker, imports a module or reads a file that the graph would not hold, and that every module
 * a worker loads lies in the folders workers may read (deploy/permissions.ts).
 */
import assert from "node:assert/strict";
import project from "../deno.json" with { type: "json" };
import { collectorTree } from "../actors/tree.ts";
import { loadConfig } from "../config.ts";
import { codeFolders } from "../deploy/permissions.ts";
import { WORKER_ENTRY } from "../runtime/instance.ts";
import type { ChildSpecInput } from "../supervision/spec.ts";

const ROOT = new URL("../", import.meta.url);
const INCLUDED = project.compile.include.map((path) => new URL(path, ROOT).href);

interface GraphModule {
  specifier: string;
  kind: string;
}

/** The file: modules reachable from `entry`, as `deno info` (and so `deno compile`) sees them. */
async function graph(entry: string): Promise<Map<string, GraphModule>> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry).pathname],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const { modules } = JSON.parse(new TextDecoder().decode(stdout)) as { modules: GraphModule[] };
  return new Map(modules.filter((m) => m.specifier.startsWith("file:")).map((m) => [m.specifier, m]));
}

/** The compiled graph: main.ts and everything compile.include names. */
async function compiledGraph(): Promise<Map<string, GraphModule>> {
  const all = new Map<string, GraphModule>();
  for (const entry of [new URL("main.ts", ROOT).href, ...INCLUDED]) {
    for (const [specifier, module] of await graph(entry)) all.set(specifier, module);
  }
  return all;
}

/** Every actor module the collector's tree can start, over configurations that change the tree. */
function actorModules(): string[] {
  const configs = [
    {},
    { FEED: "sim" },
    { DATABASE_URL: "postgres://db/vatsim", REDIS_URL: "redis://cache" },
  ].map((env) => loadConfig(env));
  const modules = new Set<string>();
  const visit = (spec: ChildSpecInput): void => {
    if (spec.type === "supervisor") spec.children.forEach(visit);
    else modules.add(spec.module);
  };
  for (const config of configs) visit(collectorTree(config));
  return [...modules];
}

const relative = (specifier: string) => specifier.slice(ROOT.href.length);

Deno.test("compile.include names the worker entry and every actor module the tree starts", async () => {
  const needed = [WORKER_ENTRY.href, ...actorModules()];
  const missing = needed.filter((url) => !INCLUDED.includes(url)).map(relative);
  assert.deepEqual(missing, [], "add these to compile.include in deno.json");
  for (const url of INCLUDED) assert.ok((await Deno.stat(new URL(url))).isFile, `${relative(url)} exists`);
  assert.equal(needed.length, 6, "the worker entry and five actors");
});

/**
 * URLs built at run time that the program may turn into a worker or a module, and why each is covered.
 * Any other computed URL, worker or import is refused, so that a new one gets looked at. Workers: only
 * runtime/instance.ts's startWorker(entry) makes one, and it is given WORKER_ENTRY (or the spare pool's
 * entry, which supervision/system.ts sets to WORKER_ENTRY).
 */
const COMPUTED = {
  /** The actor modules of the tree (the test above). */
  import: ["runtime/worker_entry.ts", "runtime/instance.ts"],
  /** tree.ts: the actor modules (the test above); permissions.ts: folders a worker may read, not files. */
  url: ["actors/tree.ts", "deploy/permissions.ts"],
};

const withoutComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");

Deno.test("nothing in the program starts a worker, imports a module or reads a file the binary lacks", async () => {
  const modules = await compiledGraph();
  const problems: string[] = [];
  /** Where workers are started and modules imported from computed URLs: the scan must find them. */
  const found = new Set<string>();
  for (const [specifier, module] of modules) {
    if (module.kind !== "esm") continue;
    const file = relative(specifier);
    const source = withoutComments(await Deno.readTextFile(new URL(specifier)));
    for (
      const [call, start, argument] of source.matchAll(
        /(?<!function )\b(new Worker|startWorker)\(\s*([^,)]+)/g,
      )
    ) {
      found.add(`${file}: ${start}`);
      const known = start === "new Worker" && file === "runtime/instance.ts"
        ? argument.trim() === "entry"
        : ["WORKER_ENTRY", "this.entry"].includes(argument.trim());
      if (!known) problems.push(`${file}: ${call}`);
    }
    for (const [call] of source.matchAll(/\bimport\(\s*(?!["'][^"']*["']\s*\))[^)]*\)/g)) {
      found.add(`${file}: import`);
      if (!COMPUTED.import.includes(file)) problems.push(`${file}: ${call}`);
    }
    for (const [use] of source.matchAll(/import\.meta\.(dirname|filename)/g)) {
      problems.push(`${file}: ${use}`);
    }
    for (const [call, argument] of source.matchAll(/\bnew URL\(\s*([^,]+?)\s*,\s*import\.meta\.url\s*\)/g)) {
      const literal = argument.match(/^["']([^"'$]*)["']$/)?.[1];
      if (literal === undefined) {
        if (!COMPUTED.url.includes(file)) problems.push(`${file}: ${call}`);
      } else if (!modules.has(new URL(literal, specifier).href)) {
        problems.push(`${file}: ${call} is not a module of the compiled graph (read at run time?)`);
      }
    }
  }
  assert.deepEqual(problems, [], "bundle the file as a module (a text or JSON import), or include it");
  const sites = [
    "runtime/instance.ts: new Worker",
    "runtime/instance.ts: startWorker",
    "runtime/spare_workers.ts: startWorker",
  ];
  for (const site of sites) {
    assert.ok(found.has(site), `the scan finds ${site}`);
  }
  assert.ok(found.has("runtime/worker_entry.ts: import"), "the scan finds the actor import");
  // Spares run the same entry: the pool is made with WORKER_ENTRY.
  const system = await Deno.readTextFile(new URL("supervision/system.ts", ROOT));
  assert.match(system, /new SpareWorkers\([^,]+,\s*WORKER_ENTRY\)/);
  // The migrations come in as text imports, so the binary holds them.
  for await (const entry of Deno.readDir(new URL("sql/migrations/", ROOT))) {
    if (entry.name.endsWith(".sql")) {
      assert.ok(modules.has(new URL(`sql/migrations/${entry.name}`, ROOT).href));
    }
  }
});

Deno.test("every module a worker loads lies in a folder workers may read", async () => {
  const folders = codeFolders().map((path) => `file://${path}/`);
  const outside = new Set<string>();
  for (const entry of [WORKER_ENTRY.href, ...actorModules()]) {
    for (const specifier of (await graph(entry)).keys()) {
      if (!folders.some((folder) => specifier.startsWith(folder))) outside.add(relative(specifier));
    }
  }
  assert.deepEqual([...outside], [], "add their folders to CODE_FOLDERS in deploy/permissions.ts");
});
