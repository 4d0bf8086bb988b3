import assert from "node:assert/strict";
import { SpareWorkers } from "./spare_workers.ts";
import { WORKER_ENTRY } from "./instance.ts";
import { PROBE, waitFor } from "../tests/helpers/system.ts";

Deno.test("a spare worker has loaded the runtime, runs the actor it is given, and is replaced", async () => {
  const spares = new SpareWorkers(1, WORKER_ENTRY, 10);
  let worker: Worker | undefined;
  try {
    spares.fill();
    let spare = spares.take();
    await waitFor("a ready spare", () => (spare ??= spares.take()) !== null, 10_000);
    assert.ok(spare);
    worker = spare.worker;
    const started = Promise.withResolvers<void>();
    worker.onmessage = (event) => event.data?.t === "started" && started.resolve();
    worker.postMessage({
      t: "init",
      name: "probe",
      incarnation: 1,
      module: PROBE,
      config: {},
      faults: false,
      log: { level: "fatal", format: "pretty" },
    });
    await started.promise;
    await waitFor("the spare made again", () => spares.count === 1);
  } finally {
    worker?.terminate();
    spares.close();
  }
  assert.equal(spares.count, 0);
});

Deno.test("a closed pool makes no more spares", () => {
  const spares = new SpareWorkers(2, WORKER_ENTRY);
  spares.close();
  spares.fill();
  assert.equal(spares.count, 0);
  assert.equal(spares.take(), null);
});
