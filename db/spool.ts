/**
 * A bounded on-disk queue of records the database could not take yet: one file per record, named by a
 * sequence number so that name order is arrival order. Each file is written aside and renamed into place,
 * so a crash leaves either a whole record or an ignored temp file, and the queue outlives the process.
 * When full, the oldest records are dropped (G4) and reported to the caller.
 */

/** One record waiting in the spool. */
export interface SpoolEntry {
  /** The file's name within the spool folder. */
  name: string;
  seq: number;
  bytes: number;
}

/** A record the bound pushed out, or one too large to keep at all. */
export interface DroppedEntry {
  name: string;
  bytes: number;
  reason: string;
}

export interface SpoolOptions {
  /** The spool's own folder; created when missing. */
  dir: string;
  /** Most bytes the records may take together. */
  maxBytes: number;
  /** Most records kept. */
  maxFiles: number;
}

const RECORD = /^(\d{16})(?:_[A-Za-z0-9.-]*)?\.json$/;
const TEMP = /\.tmp$/;
/** Names the record being written to the database, until that attempt ends one way or the other. */
const ATTEMPT = "attempt";

/**
 * @example
 * ```ts
 * const spool = await Spool.open({ dir: "./data/spool", maxBytes: 512 * 2 ** 20, maxFiles: 10_000 });
 * await spool.append(new TextEncoder().encode("{}"), "2025-08-06T06:54:57.998404Z");
 * for (let entry = spool.oldest(); entry; entry = spool.oldest()) {
 *   await write(await spool.read(entry));
 *   await spool.remove(entry);
 * }
 * ```
 */
export class Spool {
  #entries: SpoolEntry[];
  #bytes: number;
  #nextSeq: number;
  /** The record whose attempts were cut short (by a crash) and how often, as found at open. */
  #interrupted: { name: string; times: number } | null;

  private constructor(
    readonly options: SpoolOptions,
    entries: SpoolEntry[],
    interrupted: { name: string; times: number } | null,
  ) {
    this.#entries = entries;
    this.#interrupted = interrupted;
    this.#bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    this.#nextSeq = (entries.at(-1)?.seq ?? 0) + 1;
  }

  /**
   * Opens the folder and finds the records left in it, oldest first. Temp files are the remains of an
   * append that a crash cut short (the record was never acknowledged as spooled): they are removed.
   */
  static async open(options: SpoolOptions): Promise<Spool> {
    await Deno.mkdir(options.dir, { recursive: true });
    const entries: SpoolEntry[] = [];
    for await (const item of Deno.readDir(options.dir)) {
      if (!item.isFile) continue;
      const path = `${options.dir}/${item.name}`;
      if (TEMP.test(item.name)) {
        await Deno.remove(path).catch(ignoreNotFound);
        continue;
      }
      const match = RECORD.exec(item.name);
      if (match === null) continue;
      const { size } = await Deno.stat(path);
      entries.push({ name: item.name, seq: Number(match[1]), bytes: size });
    }
    entries.sort((a, b) => a.seq - b.seq);
    let interrupted: { name: string; times: number } | null = null;
    try {
      const marker = JSON.parse(await Deno.readTextFile(`${options.dir}/${ATTEMPT}`));
      if (entries.some((entry) => entry.name === marker.name)) {
        interrupted = { name: String(marker.name), times: Number(marker.interrupted) + 1 };
      }
    } catch {
      // No marker (the last attempt ended), or a damaged one: nothing was interrupted that we know of.
    }
    return new Spool(options, entries, interrupted);
  }

  /**
   * Notes on disk that `entry` is being written, and returns how many earlier attempts at it were cut
   * short by a crash: a record that keeps crashing its writer is a poison the caller should drop. Call
   * {@linkcode endAttempt} when the attempt ends, whether it succeeded or failed.
   */
  async beginAttempt(entry: SpoolEntry): Promise<number> {
    const times = this.#interrupted?.name === entry.name ? this.#interrupted.times : 0;
    const path = `${this.options.dir}/${ATTEMPT}`;
    await Deno.writeTextFile(`${path}.tmp`, JSON.stringify({ name: entry.name, interrupted: times }));
    await Deno.rename(`${path}.tmp`, path);
    return times;
  }

  async endAttempt(): Promise<void> {
    this.#interrupted = null;
    await Deno.remove(`${this.options.dir}/${ATTEMPT}`).catch(ignoreNotFound);
  }

  get files(): number {
    return this.#entries.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The record to write next, or undefined when the spool is empty. */
  oldest(): SpoolEntry | undefined {
    return this.#entries[0];
  }

  /**
   * Adds a record at the back. `label` (e.g. the snapshot's timestamp) goes into the file name, for
   * people looking at the folder. Returns the new entry and what the bound pushed out: the oldest
   * records, or this record itself (entry null) when it alone exceeds `maxBytes`.
   *
   * `sync: false` skips flushing it to disk: it then survives the process dying but not a power cut,
   * until {@linkcode sync}. For a record that will most likely be written and removed a moment later.
   */
  async append(
    record: Uint8Array,
    label = "",
    { sync = true }: { sync?: boolean } = {},
  ): Promise<{ entry: SpoolEntry | null; dropped: DroppedEntry[] }> {
    const { maxBytes, maxFiles } = this.options;
    const seq = this.#nextSeq++;
    const safeLabel = label.replace(/[^A-Za-z0-9.-]/g, "-").slice(0, 64);
    const name = `${String(seq).padStart(16, "0")}${safeLabel ? `_${safeLabel}` : ""}.json`;
    if (record.byteLength > maxBytes) {
      const reason = `larger than the spool's ${maxBytes} bytes`;
      return { entry: null, dropped: [{ name, bytes: record.byteLength, reason }] };
    }
    const dropped: DroppedEntry[] = [];
    while (
      this.#entries.length > 0 &&
      (this.#entries.length + 1 > maxFiles || this.#bytes + record.byteLength > maxBytes)
    ) {
      const oldest = this.#entries[0];
      await this.remove(oldest);
      dropped.push({
        name: oldest.name,
        bytes: oldest.bytes,
        reason: `spool full (${maxFiles} files / ${maxBytes} bytes): oldest dropped`,
      });
    }
    const path = `${this.options.dir}/${name}`;
    const temp = `${path}.tmp`;
    try {
      using file = await Deno.open(temp, { write: true, create: true, truncate: true });
      await writeAll(file, record);
      // On disk before it has a name: after the rename the record must survive a power cut.
      if (sync) await file.sync();
      await Deno.rename(temp, path);
    } catch (error) {
      await Deno.remove(temp).catch(ignoreNotFound);
      throw error;
    }
    const entry = { name, seq, bytes: record.byteLength };
    this.#entries.push(entry);
    this.#bytes += record.byteLength;
    return { entry, dropped };
  }

  /** Flushes a record appended with `sync: false` to disk. */
  async sync(entry: SpoolEntry): Promise<void> {
    using file = await Deno.open(`${this.options.dir}/${entry.name}`, { read: true });
    await file.sync();
  }

  async read(entry: SpoolEntry): Promise<Uint8Array> {
    return await Deno.readFile(`${this.options.dir}/${entry.name}`);
  }

  /** Whether `entry` still waits in the spool. */
  has(entry: SpoolEntry): boolean {
    return this.#entries.some((e) => e.name === entry.name);
  }

  /** Removes a record once it is written (or given up on). Removing one that is gone is not an error. */
  async remove(entry: SpoolEntry): Promise<void> {
    await Deno.remove(`${this.options.dir}/${entry.name}`).catch(ignoreNotFound);
    const index = this.#entries.findIndex((e) => e.name === entry.name);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    this.#bytes -= entry.bytes;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await file.write(bytes.subarray(written));
}

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}
