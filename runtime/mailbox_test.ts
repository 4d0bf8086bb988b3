import assert from "node:assert/strict";
import fc from "fast-check";
import { type Envelope, envelope } from "./envelope.ts";
import { Mailbox, type OverflowPolicy } from "./mailbox.ts";

const policies: OverflowPolicy[] = ["backpressure", "drop_oldest", "drop_newest", "fail"];
let seq = 0;
const message = (kind: string): Envelope =>
  envelope({ kind, id: String(++seq), from: "t", to: "m", body: null });

type Op = { op: "offer"; kind: string } | { op: "take"; n: number } | { op: "requeue" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("a", "b", "c", "$sys").map((kind) => ({ op: "offer" as const, kind })),
  },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 8 }).map((n) => ({ op: "take" as const, n })) },
  { weight: 1, arbitrary: fc.constant({ op: "requeue" as const }) },
);

Deno.test("mailbox: bounded, nothing lost or duplicated, system lane first, order kept per lane", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.record({
        a: fc.constantFrom(...policies),
        b: fc.constantFrom(...policies),
        c: fc.constantFrom(...policies),
      }),
      fc.array(opArb, { maxLength: 200 }),
      (capacity, kinds, ops) => {
        const box = new Mailbox({ capacity, kinds, systemCapacity: 4 });
        const offered = new Set<string>();
        const gone = new Set<string>(); // evicted or rejected
        const taken: Envelope[] = [];
        let lastTaken: Envelope[] = [];
        for (const op of ops) {
          if (op.op === "offer") {
            const env = message(op.kind);
            offered.add(env.id);
            const result = box.offer(env);
            if (result.status === "rejected") gone.add(env.id);
            if (result.status === "queued" && result.evicted) {
              assert.equal(result.evicted.kind, env.kind, "drop_oldest only evicts its own kind");
              gone.add(result.evicted.id);
            }
            if (result.status === "parked") assert.equal(box.policyFor(op.kind), "backpressure");
          } else if (op.op === "take") {
            lastTaken = box.take(op.n);
            assert.ok(lastTaken.length <= op.n);
            const firstUser = lastTaken.findIndex((e) => !e.kind.startsWith("$"));
            if (firstUser >= 0) assert.ok(lastTaken.slice(firstUser).every((e) => !e.kind.startsWith("$")));
            taken.push(...lastTaken);
          } else {
            // As after a crash: the last batch handed out comes back to the front.
            box.requeue(lastTaken);
            for (const env of lastTaken) taken.splice(taken.indexOf(env), 1);
            lastTaken = [];
          }
          assert.ok(
            box.depth <= capacity + 4 + 8,
            "depth bounded by capacity, system lane and one requeued batch",
          );
          assert.ok(box.parked <= capacity, "parking area bounded");
        }
        const left = box.clear();
        const seen = [...taken, ...left].map((e) => e.id);
        assert.equal(new Set(seen).size, seen.length, "no message twice");
        for (const id of offered) {
          assert.ok(
            seen.includes(id) !== gone.has(id),
            `message ${id} accounted for once`,
          );
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("mailbox: a full lane applies each kind's policy", () => {
  const box = new Mailbox({
    capacity: 2,
    overflow: "fail",
    kinds: { old: "drop_oldest", new: "drop_newest", bp: "backpressure" },
  });
  const [o1, o2, o3] = [message("old"), message("old"), message("old")];
  assert.equal(box.offer(o1).status, "queued");
  assert.equal(box.offer(o2).status, "queued");
  assert.deepEqual(box.offer(o3), { status: "queued", evicted: o1 });
  assert.equal(box.offer(message("new")).status, "rejected");
  assert.equal(box.offer(message("other")).status, "rejected");
  const parked = message("bp");
  assert.equal(box.offer(parked).status, "parked");
  assert.equal(box.hasRoom, false);
  assert.deepEqual(box.take(2), [o2, o3]);
  assert.equal(box.parked, 0, "parked messages move in as room appears");
  assert.deepEqual(box.take(5), [parked]);
  assert.equal(box.hasRoom, true);
});

Deno.test("mailbox: system messages jump the queue and have their own bound", () => {
  const box = new Mailbox({ capacity: 1, systemCapacity: 1 });
  const user = message("work");
  const system = message("$fault");
  box.offer(user);
  box.offer(system);
  assert.equal(box.offer(message("$fault")).status, "rejected");
  assert.deepEqual(box.take(2), [system, user]);
});
