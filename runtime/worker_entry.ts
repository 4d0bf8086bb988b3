/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * The script every actor worker runs. It turns errors that escape the actor into a `failed` report
 * (with preventDefault, so they never reach the host as an uncaught error that would end the process),
 * then loads the actor module named by the host and runs it in an ActorCell.
 */
import { ActorCell, type CellLink } from "./actor_cell.ts";
import { isActorDefinition } from "./actor.ts";
import { describeError } from "./errors.ts";
import { configureLogging } from "./logging.ts";
import { type CellToHost, type HostToCell, HostToCellSchema } from "./wire.ts";

let cell: ActorCell | undefined;
/** Messages that arrive while the actor module is still loading; handed to the cell once it exists. */
let early: HostToCell[] = [];

function post(message: CellToHost, transfer: ArrayBuffer[] = []): void {
  self.postMessage(message, transfer);
}

const link: CellLink = { post, exit: () => self.close() };

self.addEventListener("error", (event) => {
  event.preventDefault();
  report("uncaught", event.error ?? event.message);
});
self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  report("rejection", event.reason);
});

function report(phase: "uncaught" | "rejection", error: unknown): void {
  if (cell) return cell.failFromOutside(phase, error);
  post({ t: "failed", phase, error: describeError(error) });
}

/** Linux names each thread in /proc; the host watches a zombie thread there until it ends. */
function threadId(): number | null {
  try {
    const tid = Number(Deno.readLinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}

post({ t: "hello", threadId: threadId() });

self.onmessage = (event: MessageEvent) => {
  const parsed = HostToCellSchema.safeParse(event.data);
  if (!parsed.success) return report("uncaught", new Error("malformed message from host"));
  const message = parsed.data;
  if (message.t !== "init") return cell ? cell.receive(message) : void early.push(message);
  start(message).catch((error) => post({ t: "failed", phase: "start", error: describeError(error) }));
};

async function start(init: Extract<HostToCell, { t: "init" }>): Promise<void> {
  await configureLogging(init.log);
  const module = await import(init.module);
  if (!isActorDefinition(module.default)) {
    throw new Error(`${init.module} does not export an actor (defineActor) as its default`);
  }
  cell = new ActorCell(module.default, init, link);
  for (const message of early) cell.receive(message);
  early = [];
  await cell.start();
}
