/**
 * Throughput of typed tells between two actor workers (A → main-thread bus → B), against raw postMessage
 * between two plain workers: relayed through the main thread (the same route the bus takes, the fair
 * baseline) and straight down a MessageChannel (the floor no main-thread router can reach).
 */
import { ActorSystem } from "../supervision/system.ts";
import { waiter, within } from "./deadline.ts";
import { ReceiverProtocol, REPORT, ReportProtocol, SenderProtocol } from "./protocol.ts";

/** One way of moving `n` items from one worker to another, measured round by round. */
export interface Contender {
  readonly label: string;
  /** Moves `n` items; resolves with the milliseconds from the first send until the last was handled. */
  round(round: number, n: number): Promise<number>;
  close(): Promise<void>;
}

const ROUND_TIMEOUT_MS = 60_000;
type Done = { round: number; handled: number; outOfOrder: number };

function checkDone(label: string, done: Done, round: number, n: number): void {
  if (done.round !== round || done.handled !== n || done.outOfOrder !== 0) {
    throw new Error(`${label}: round ${round} ended wrong: ${JSON.stringify(done)} (expected ${n} in order)`);
  }
}

/**
 * Actor A (sender) tells actor B (receiver) through the bus; B's mailbox backpressures A. Heartbeats are
 * off: the raw relay rounds in between keep the main thread flooded for seconds, which would starve the
 * pongs and get these idle actors declared hung (a ping every 2 s is nothing to the throughput).
 */
export async function busContender(
  options: { chunk: number; inFlight: number; receiverPrefetch: number },
): Promise<Contender & { deadLetters(): number }> {
  const label = "bus";
  let failure: string | undefined;
  const system = new ActorSystem({
    type: "supervisor",
    name: "bench-bus",
    intensity: 0,
    children: [
      {
        name: "receiver",
        module: new URL("./actors/receiver.ts", import.meta.url).href,
        mailbox: { kinds: { "receiver.item": "backpressure" } },
        // A high-volume receiver gets a deeper window than the default 32: it acknowledges in batches of
        // 16, so with 32 it waits on the host about half the time.
        prefetch: options.receiverPrefetch,
        heartbeatMs: 0,
      },
      {
        name: "sender",
        module: new URL("./actors/sender.ts", import.meta.url).href,
        config: { target: "receiver" },
        heartbeatMs: 0,
      },
    ],
  }, { log: { level: "error", format: "pretty" }, onGiveUp: (reason) => failure = reason });
  let pending = waiter<Done>();
  system.bus.serve(REPORT, ReportProtocol, (message) => pending.resolve(message.body));
  await system.start();
  const receiver = system.ref("receiver", ReceiverProtocol);
  const sender = system.ref("sender", SenderProtocol);
  return {
    label,
    async round(round, n) {
      if (failure) throw new Error(`bus bench actors failed: ${failure}`);
      await receiver.ask("receiver.expect", { round, n }, { timeoutMs: 10_000 });
      pending = waiter<Done>();
      const started = performance.now();
      sender.tell("sender.run", { round, n, chunk: options.chunk, inFlight: options.inFlight });
      const done = await within(pending.promise, ROUND_TIMEOUT_MS, `bus round ${round}`);
      const ms = performance.now() - started;
      checkDone(label, done, round, n);
      return ms;
    },
    deadLetters: () => system.bus.deadLetters.total,
    close: () => system.stop(),
  };
}

/** Two plain workers; items go A → main → B (`relay`) or A → B over a MessagePort (`port`). */
export function rawContender(via: "relay" | "port"): Contender {
  const label = via === "relay" ? "raw relay" : "raw port";
  const url = new URL("./raw_worker.ts", import.meta.url);
  const sender = new Worker(url, { type: "module", name: `${label} sender` });
  const receiver = new Worker(url, { type: "module", name: `${label} receiver` });
  let pending = waiter<unknown>();
  let broken: Error | undefined;
  for (const worker of [sender, receiver]) {
    worker.onerror = (event) => {
      event.preventDefault();
      broken = new Error(`${label} worker failed: ${event.message}`);
      pending.reject(broken);
    };
  }
  receiver.onmessage = (event) => pending.resolve(event.data);
  if (via === "relay") {
    // The whole relay: what the bus's router does at its very least, one postMessage per item.
    sender.onmessage = (event) => receiver.postMessage(event.data);
  } else {
    const channel = new MessageChannel();
    sender.postMessage({ t: "port", port: channel.port1 }, [channel.port1]);
    receiver.postMessage({ t: "port", port: channel.port2 }, [channel.port2]);
  }
  return {
    label,
    async round(round, n) {
      if (broken) throw broken;
      pending = waiter();
      receiver.postMessage({ t: "expect", n });
      await within(pending.promise, 10_000, `${label} ready`);
      pending = waiter();
      const started = performance.now();
      sender.postMessage({ t: "send", n, via: via === "relay" ? "main" : "port" });
      const done = await within(pending.promise, ROUND_TIMEOUT_MS, `${label} round ${round}`);
      const ms = performance.now() - started;
      checkDone(label, { round, ...(done as Omit<Done, "round">) }, round, n);
      return ms;
    },
    close() {
      sender.terminate();
      receiver.terminate();
      return Promise.resolve();
    },
  };
}
