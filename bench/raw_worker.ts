/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * A plain Web Worker for the raw postMessage baselines: as sender it posts `n` small objects one
 * postMessage each (to the main thread, which relays them, or straight down a MessagePort); as receiver
 * it counts them and says `done`. No validation, no envelopes, no batching: the floor the bus is held to.
 */
import { CALLSIGNS } from "./callsigns.ts";

type Control =
  | { t: "port"; port: MessagePort }
  | { t: "send"; n: number; via: "main" | "port" }
  | { t: "expect"; n: number };

let port: MessagePort | undefined;
let expected = 0;
let handled = 0;
let nextSeq = 0;
let outOfOrder = 0;

function onItem(item: { seq: number; callsign: string }): void {
  if (item.seq !== nextSeq) outOfOrder++;
  nextSeq = item.seq + 1;
  if (++handled === expected) self.postMessage({ t: "done", handled, outOfOrder });
}

self.onmessage = (event: MessageEvent<Control | { seq: number; callsign: string }>) => {
  const data = event.data;
  if (!("t" in data)) return onItem(data);
  switch (data.t) {
    case "port":
      port = data.port;
      port.onmessage = (e: MessageEvent<{ seq: number; callsign: string }>) => onItem(e.data);
      return;
    case "expect":
      expected = data.n;
      handled = nextSeq = outOfOrder = 0;
      return self.postMessage({ t: "ready" });
    case "send": {
      const target = data.via === "port" && port ? port : self;
      for (let seq = 0; seq < data.n; seq++) {
        target.postMessage({ seq, callsign: CALLSIGNS[seq % CALLSIGNS.length] });
      }
      return;
    }
  }
};
