/**
 * Resident memory of a process and of everything it started, read from Linux's /proc. Workers are threads
 * of their process, so a Deno process's RSS already holds every worker's heap; child processes (none for
 * the collector itself, but a load generator or a server might start some) are added.
 */

/** One process's resident memory, in bytes (from /proc/<pid>/status). */
export interface ProcessMemory {
  pid: number;
  command: string;
  rss: number;
  /** Anonymous pages: heaps, WebAssembly memories, thread stacks. */
  anon: number;
  /** Mapped files: the deno binary, shared libraries. */
  file: number;
}

/** The memory of `pid` and of its descendants (by parent pid), or null once `pid` has gone. */
export function processTreeMemory(pid: number): { total: ProcessMemory; processes: ProcessMemory[] } | null {
  const root = processMemory(pid);
  if (root === null) return null;
  const processes = [root];
  for (const child of descendants(pid)) {
    const memory = processMemory(child);
    if (memory !== null) processes.push(memory);
  }
  const sum = (key: "rss" | "anon" | "file") => processes.reduce((total, p) => total + p[key], 0);
  return {
    total: { pid, command: root.command, rss: sum("rss"), anon: sum("anon"), file: sum("file") },
    processes,
  };
}

function processMemory(pid: number): ProcessMemory | null {
  let status: string;
  try {
    status = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return null;
  }
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  };
  const command = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?";
  return { pid, command, rss: field("VmRSS"), anon: field("RssAnon"), file: field("RssFile") };
}

/** Every process below `pid`, found through each process's parent in /proc/<pid>/stat. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // it ended while we looked
    }
    // The command name (2nd field) is in parentheses and may hold spaces: parse after its last ")".
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const list = children.get(parent) ?? [];
    list.push(Number(entry.name));
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** Bytes as MB (10^6), one decimal: how the report shows memory. */
export function mb(bytes: number): number {
  return Math.round(bytes / 100_000) / 10;
}
