/**
 * The Dockerfile, checked without Docker (none runs here or in CI): a multi-stage build on the Deno that
 * .ci/run and the README pin, that caches every module a worker loads at run time, and a final stage
 * that runs as non-root with DATA_DIR as a volume. Its HEALTHCHECK command is run here as Docker would.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));

interface Instruction {
  keyword: string;
  args: string;
}

/** The stages of a Dockerfile, each its FROM arguments and the instructions after it. */
function parseStages(text: string): { from: string; instructions: Instruction[] }[] {
  const instructions: Instruction[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    // Docker drops comment lines, even inside a continued instruction.
    if (/^\s*#/.test(line)) continue;
    pending += line.replace(/\\\s*$/, " ");
    if (/\\\s*$/.test(line)) continue;
    const match = pending.trim().match(/^(\w+)\s+([\s\S]*)$/);
    if (match) instructions.push({ keyword: match[1].toUpperCase(), args: match[2].trim() });
    pending = "";
  }
  const stages: { from: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") stages.push({ from: instruction.args, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

/** `ENV A=1 B=2` (and the old `ENV A 1`) as a record. */
function envOf(instructions: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of instructions) {
    if (keyword !== "ENV") continue;
    const words = args.split(/\s+/);
    if (!words[0].includes("=")) env[words[0]] = words.slice(1).join(" ");
    else for (const word of words) env[word.slice(0, word.indexOf("="))] = word.slice(word.indexOf("=") + 1);
  }
  return env;
}

function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  assert.ok(Array.isArray(parsed) && parsed.every((word) => typeof word === "string"), args);
  return parsed;
}

const dockerfile = await read("Dockerfile");
const stages = parseStages(dockerfile);
const final = stages.at(-1);
const finalOf = (keyword: string) => final?.instructions.filter((i) => i.keyword === keyword) ?? [];

Deno.test("the Dockerfile builds in stages, on the Deno version that .ci/run and the README pin", async () => {
  assert.ok(stages.length >= 2, `${stages.length} stage(s): expected a build stage and a final stage`);
  const pinned = (await read(".ci/run")).match(/^DENO_VERSION=(\S+)$/m)?.[1];
  assert.ok(pinned, ".ci/run sets no DENO_VERSION");
  const readmeVersions = new Set(
    [...(await read("README.md")).matchAll(/deno@(\d+\.\d+\.\d+)/g)].map((m) => m[1]),
  );
  assert.deepEqual([...readmeVersions], [pinned], "the README runs another Deno than .ci/run");
  for (const { from } of stages) {
    const tag = from.match(/^denoland\/deno:(\S+)/)?.[1];
    assert.ok(tag, `FROM ${from}: every stage builds on the official denoland/deno image`);
    assert.equal(tag.match(/^(?:[a-z]+-)?(\d+\.\d+\.\d+)$/)?.[1], pinned, `FROM ${from}: not Deno ${pinned}`);
  }
});

Deno.test("the final stage runs deno task start as a non-root user, with DATA_DIR a volume and PORT exposed", async () => {
  const user = finalOf("USER").at(-1)?.args;
  assert.ok(user, "the final stage sets no USER, so it runs as root");
  assert.ok(!/^(root|0)(:|$)/.test(user), `USER ${user} is root`);
  const env = envOf(final?.instructions ?? []);
  assert.ok(env.DATA_DIR?.startsWith("/"), "the final stage sets no absolute DATA_DIR");
  const volumes = finalOf("VOLUME").flatMap(({ args }) =>
    args.startsWith("[") ? execForm(args) : args.split(/\s+/)
  );
  assert.ok(
    volumes.includes(env.DATA_DIR),
    `VOLUME ${volumes.join(" ")} does not hold DATA_DIR=${env.DATA_DIR}`,
  );
  assert.ok(finalOf("EXPOSE").some(({ args }) => args.split(/\s+/).includes(env.PORT ?? "8080")));
  // The base image's entrypoint is deno, so the task (which holds the permission flags) is the command.
  assert.deepEqual(execForm(finalOf("CMD").at(-1)?.args ?? "null"), ["task", "start"]);
  const project: { tasks?: Record<string, string> } = JSON.parse(await read("deno.json"));
  assert.ok(project.tasks?.start, "deno.json has no start task");
});

Deno.test("the build stage caches every module that workers and lazy imports load at run time", async () => {
  // Static imports are followed by deno itself; these are named in code as URLs, which it cannot follow.
  const needed = ["deploy/healthcheck.ts"];
  // What the start task runs (main.ts, and the script that prints its permission flags).
  const project: { tasks?: Record<string, string> } = JSON.parse(await read("deno.json"));
  needed.push(...(project.tasks?.start ?? "").split(/[\s()]+/).filter((word) => word.endsWith(".ts")));
  assert.ok(needed.includes("main.ts"), "the start task does not run main.ts");
  for (const match of (await read("actors/tree.ts")).matchAll(/here\("\.\/([^"]+)"\)/g)) {
    needed.push(`actors/${match[1]}`);
  }
  for (
    const match of (await read("runtime/instance.ts")).matchAll(
      /new URL\("\.\/([^"]+)", import\.meta\.url\)/g,
    )
  ) {
    needed.push(`runtime/${match[1]}`);
  }
  for (const match of (await read("main.ts")).matchAll(/import\("\.\/([^"]+)"\)/g)) needed.push(match[1]);
  assert.ok(needed.some((path) => path.startsWith("actors/")), "no actor module found in actors/tree.ts");
  assert.ok(needed.includes("runtime/worker_entry.ts"), "no worker entry found in runtime/instance.ts");

  const install = stages.slice(0, -1).flatMap(({ instructions }) => instructions)
    .find(({ keyword, args }) => keyword === "RUN" && /\bdeno (install|cache)\b/.test(args));
  assert.ok(install, "no build stage RUNs deno install/cache");
  assert.match(install.args, /--frozen\b/, "a deno.lock out of step with deno.json must fail the build");
  const words = install.args.split(/\s+/);
  const globs = words.filter((word) => word.endsWith(".ts")).map((word) =>
    new RegExp(`^${word.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`)
  );
  for (const path of needed) {
    assert.ok(
      globs.some((glob) => glob.test(path)),
      `${path} is loaded at run time but not cached in the image`,
    );
  }
});

Deno.test(".dockerignore keeps data, history and tests out of the build context, and what the image runs in", async () => {
  const patterns = (await read(".dockerignore")).split("\n").map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  // Tests out: the build caches actors/*.ts, which would otherwise pull in their test-only imports.
  for (const wanted of [".git", "data", ".scratch", "node_modules", "coverage", ".env", "**/*_test.ts"]) {
    assert.ok(patterns.includes(wanted), `.dockerignore does not exclude ${wanted}`);
  }
  for (const path of ["main.ts", "deno.json", "deno.lock", "sql/migrations", "deploy/healthcheck.ts"]) {
    const excluding = patterns.find((pattern) => path === pattern || path.startsWith(`${pattern}/`));
    assert.equal(excluding, undefined, `.dockerignore excludes ${path}, which the image needs`);
  }
});

Deno.test("the HEALTHCHECK command passes only when /health/ready answers 200", async () => {
  const healthcheck = finalOf("HEALTHCHECK").at(-1)?.args.match(/^((?:--\S+\s+)*)CMD\s+(\[[\s\S]*\])$/);
  assert.ok(healthcheck, "the final stage has no exec-form HEALTHCHECK (distroless has no shell)");
  const [program, ...args] = execForm(healthcheck[2]);
  assert.equal(program, "deno");
  const workdir = finalOf("WORKDIR").at(-1)?.args ?? "/";
  // Run as in the image, where the repository is WORKDIR.
  const localArgs = args.map((arg) =>
    arg.startsWith(`${workdir}/`) ? new URL(arg.slice(workdir.length + 1), ROOT).pathname : arg
  );

  let status = 200;
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    paths.push(new URL(request.url).pathname);
    return Response.json(
      status === 200 ? { status: "ready" } : { status: "not_ready", reasons: ["store: down"] },
      {
        status,
      },
    );
  });
  const check = async (port: number) => {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: localArgs,
      cwd: ROOT.pathname,
      env: { PORT: String(port) },
      stdout: "null",
      stderr: "piped",
    }).output();
    return { code, stderr: new TextDecoder().decode(stderr) };
  };
  try {
    const ready = await check(server.addr.port);
    assert.equal(ready.code, 0, ready.stderr);
    status = 503;
    const notReady = await check(server.addr.port);
    assert.equal(notReady.code, 1);
    assert.match(notReady.stderr, /503.*store: down/, "the reasons go to the check's output");
    assert.deepEqual(paths, ["/health/ready", "/health/ready"]);
  } finally {
    await server.shutdown();
  }
  // Nothing listening any more on that port: no answer is not healthy either.
  const down = await check(server.addr.port);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /no answer/);
});
