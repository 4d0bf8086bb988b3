/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/** The spawn baseline: a worker that says one word as soon as it runs. */
self.postMessage("up");
