/**
 * Worker threads that were terminated but may still be running: Deno's terminate() cannot interrupt a
 * CPU loop. Each is listed in health until its OS thread is gone (Linux: /proc/self/task/<tid>).
 */
export interface Zombie {
  actor: string;
  incarnation: number;
  threadId: number | null;
  since: number;
  reason: string;
}

export class Zombies {
  #list: Zombie[] = [];
  /** Whether an OS thread of this process still exists; replaceable in tests. */
  readonly alive: (threadId: number) => boolean;

  constructor(alive: (threadId: number) => boolean = threadAlive) {
    this.alive = alive;
  }

  add(zombie: Zombie): void {
    this.#list.push(zombie);
  }

  /** The zombies still running. Without a thread id there is no way to tell, so they stay listed. */
  list(actor?: string): Zombie[] {
    this.#list = this.#list.filter((z) => z.threadId === null || this.alive(z.threadId));
    return actor === undefined ? [...this.#list] : this.#list.filter((z) => z.actor === actor);
  }
}

/** Whether an OS thread of this process still exists. */
export function threadAlive(threadId: number): boolean {
  try {
    Deno.statSync(`/proc/self/task/${threadId}`);
    return true;
  } catch {
    return false;
  }
}
