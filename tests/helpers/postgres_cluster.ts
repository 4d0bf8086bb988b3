/**
 * A throwaway PostgreSQL server of its own, for tests that stop, kill and restart the database: the
 * shared local server must never be stopped, other test runs use it. initdb in a temp folder, a free
 * port, fsync off. PostgreSQL refuses to run as root, so as root the binaries run as `postgres`.
 *
 * Outside CI, its tests are ignored with a note when the binaries are missing; in CI (`CI=true`) they
 * run and fail, because a silent skip would hide it.
 */

const BIN_DIR = Deno.env.get("TEST_POSTGRES_BIN") ?? "/usr/lib/postgresql/15/bin";
const IN_CI = Deno.env.get("CI") === "true";
const OS_USER = "postgres";

const isRoot = Deno.uid() === 0;
const binariesPresent = ["initdb", "pg_ctl"].every((name) => {
  try {
    return Deno.statSync(`${BIN_DIR}/${name}`).isFile;
  } catch {
    return false;
  }
});

if (!binariesPresent && !IN_CI) {
  console.log(`note: no initdb/pg_ctl in ${BIN_DIR} (TEST_POSTGRES_BIN); own-cluster tests are ignored`);
}

/** Spread into `Deno.test({...})`: ignored without the binaries, except in CI, where the test fails. */
export const requirePostgresBinaries: { ignore: boolean } = { ignore: !binariesPresent && !IN_CI };

/**
 * @example
 * ```ts
 * const cluster = await PostgresCluster.create();
 * try {
 *   await cluster.start();
 *   // connect to cluster.url
 *   await cluster.stop();
 * } finally {
 *   await cluster.destroy();
 * }
 * ```
 */
export class PostgresCluster {
  private constructor(readonly dir: string, readonly port: number) {}

  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, local only). */
  get url(): string {
    return `postgres://${OS_USER}@127.0.0.1:${this.port}/postgres`;
  }

  /** Runs initdb in a new temp folder; the server is not started yet. */
  static async create(): Promise<PostgresCluster> {
    if (!binariesPresent) {
      throw new Error(
        `${IN_CI ? "PostgreSQL binaries are required in CI" : "no PostgreSQL binaries"}: ` +
          `initdb and pg_ctl not found in ${BIN_DIR} (set TEST_POSTGRES_BIN)`,
      );
    }
    const dir = await Deno.makeTempDir({ prefix: "pg_cluster_" });
    try {
      if (isRoot) await run("chown", [`${OS_USER}:`, dir], false);
      await run(`${BIN_DIR}/initdb`, [
        "-D",
        `${dir}/data`,
        "-U",
        OS_USER,
        "--auth=trust",
        "--no-sync",
        "--no-instructions",
        "--encoding=UTF8",
      ]);
      return new PostgresCluster(dir, freePort());
    } catch (error) {
      await Deno.remove(dir, { recursive: true });
      throw error;
    }
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${this.dir}`,
      // fsync off only skips the flush to disk, which matters when the machine itself goes down. Commits
      // stay synchronous: an immediate stop or a kill would otherwise lose commits already acknowledged.
      "-c fsync=off",
      "-c full_page_writes=off",
      "-c max_connections=40",
    ].join(" ");
    await run(`${BIN_DIR}/pg_ctl`, [
      "start",
      "-D",
      `${this.dir}/data`,
      "-w",
      "-t",
      "30",
      "-l",
      `${this.dir}/server.log`,
      "-o",
      options,
    ]);
  }

  /** A clean, fast shutdown: open connections are ended, as when an operator stops the database. */
  async stop(): Promise<void> {
    await run(`${BIN_DIR}/pg_ctl`, ["stop", "-D", `${this.dir}/data`, "-m", "fast", "-w", "-t", "30"]);
  }

  /**
   * `pg_ctl stop -m immediate`: the server quits at once without a checkpoint, every connection cut
   * mid-statement, as in a crash; the next start recovers from the WAL.
   */
  async stopImmediate(): Promise<void> {
    await run(`${BIN_DIR}/pg_ctl`, ["stop", "-D", `${this.dir}/data`, "-m", "immediate", "-w", "-t", "30"]);
  }

  /**
   * Freezes the server (SIGSTOP to the postmaster, then to every process it started: each backend is a
   * process group of its own, so one signal to a group would miss them). Connections stay open and
   * new ones are accepted by the kernel, but nothing answers, as when a host hangs. Returns the pids.
   */
  async freeze(): Promise<number[]> {
    const postmaster = await this.#postmasterPid();
    if (postmaster === null) throw new Error("the server is not running");
    // The postmaster first, so that it starts no new backend while its children are being stopped.
    Deno.kill(postmaster, "SIGSTOP");
    const pids = [postmaster, ...childPids(postmaster)];
    for (const pid of pids.slice(1)) Deno.kill(pid, "SIGSTOP");
    return pids;
  }

  /** Lets a frozen server run again (SIGCONT to the processes {@link freeze} stopped). */
  thaw(pids: readonly number[]): void {
    for (const pid of [...pids].reverse()) {
      try {
        Deno.kill(pid, "SIGCONT");
      } catch {
        // It has exited meanwhile.
      }
    }
  }

  /** The postmaster dies at once (SIGKILL), as in a crash; the next start recovers from the WAL. */
  async kill(): Promise<void> {
    const pid = await this.#postmasterPid();
    if (pid === null) return;
    Deno.kill(pid, "SIGKILL");
    // Its backends notice the postmaster is gone and exit; wait for the pid file to lose meaning.
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    // A stale pid file makes pg_ctl start refuse only when the pid is alive; remove it to be sure.
    await Deno.remove(`${this.dir}/data/postmaster.pid`).catch(() => {});
  }

  /** Stops the server if it runs and removes its folder. */
  async destroy(): Promise<void> {
    try {
      if (await this.#postmasterPid() !== null) await this.stop().catch(() => this.kill());
    } finally {
      await Deno.remove(this.dir, { recursive: true });
    }
  }

  /** The server's log, for failure messages. */
  async log(): Promise<string> {
    return await Deno.readTextFile(`${this.dir}/server.log`).catch(() => "");
  }

  async #postmasterPid(): Promise<number | null> {
    try {
      const text = await Deno.readTextFile(`${this.dir}/data/postmaster.pid`);
      const pid = Number(text.split("\n")[0]);
      return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
    } catch {
      return null;
    }
  }
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** The pids whose parent is `parent`, from /proc (Linux). */
function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      // The command name, field 2, is in parentheses and may hold spaces: the parent pid follows it.
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry.name));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

/** A port nothing listens on now (the OS picks it; a race with another process is unlikely). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Runs a command (as `postgres` when we are root, unless `asPostgres` is false); throws with its output. */
async function run(command: string, args: string[], asPostgres = true): Promise<void> {
  const [cmd, cmdArgs] = isRoot && asPostgres
    ? ["runuser", ["-u", OS_USER, "--", command, ...args]]
    : [command, args];
  const { code, stdout, stderr } = await new Deno.Command(cmd, {
    args: cmdArgs,
    stdout: "piped",
    stderr: "piped",
    // initdb and pg_ctl read PG* variables; the test's own must not redirect them.
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", LANG: "C.UTF-8" },
  }).output();
  if (code !== 0) {
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    throw new Error(`${command} ${args.join(" ")} exited ${code}: ${output.trim()}`);
  }
}
