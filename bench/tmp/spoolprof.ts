import { peakSnapshot } from "../peak_stream.ts";
import { parseSnapshot, summariseSnapshot } from "../../feed/parse_snapshot.ts";
import { diffSnapshots, type DiffState } from "../../feed/diff.ts";
import { snapshotChangesOf } from "../../db/network.ts";
import { Spool } from "../../db/spool.ts";
import { decodeSpooled, encodeSpooled } from "../../actors/spooled_message.ts";
import { FIXTURES_DIR } from "../../tests/helpers/fixtures.ts";
const PEAK = Deno.readTextFileSync(FIXTURES_DIR + "vatsim-data_2021-04-24T1528Z_ctp-westbound-peak.json");
const dir = await Deno.makeTempDir();
const spool = await Spool.open({ dir, maxBytes: 1e9, maxFiles: 1000 });
let state: DiffState | null = null;
const t: Record<string, number[]> = {};
const rec = (k: string, v: number) => (t[k] ??= []).push(v);
for (let k = 0; k < 20; k++) {
  const parsed = parseSnapshot(peakSnapshot(PEAK, k));
  if (!parsed.ok) throw new Error();
  const diff = diffSnapshots(state, parsed.snapshot);
  state = diff.state;
  const body = {
    fetch: { source: "x", fetchedAt: Date.now(), fetchMs: null, bytes: 1 },
    summary: summariseSnapshot(parsed.snapshot),
    rejected: [],
    rejectedTotal: 0,
    changes: snapshotChangesOf(diff),
  };
  let s = performance.now();
  const bytes = encodeSpooled({ kind: "store.snapshot", body } as any);
  rec("encode", performance.now() - s);
  s = performance.now();
  const { entry } = await spool.append(bytes, "x");
  rec("append(sync)", performance.now() - s);
  s = performance.now();
  const back = await spool.read(entry!);
  rec("read", performance.now() - s);
  s = performance.now();
  decodeSpooled(back);
  rec("decode", performance.now() - s);
  s = performance.now();
  await spool.beginAttempt(entry!);
  await spool.endAttempt();
  rec("attempt", performance.now() - s);
  s = performance.now();
  await spool.remove(entry!);
  rec("remove", performance.now() - s);
  if (k === 0) console.log("bytes", bytes.byteLength);
}
const med = (a: number[]) => {
  const b = a.slice(3).sort((x, y) => x - y);
  return b[Math.floor(b.length / 2)]?.toFixed(1);
};
for (const [k, v] of Object.entries(t)) console.log(k.padEnd(20), "median", med(v));
await Deno.remove(dir, { recursive: true });
