/**
 * Replays recorded feed snapshots from a folder: every `.json` file, in name order, one per call. Used
 * with `FEED=<folder>` to run the whole pipeline without the network, e.g. on the fixtures.
 */

export interface RecordedSnapshot {
  /** The file's name within the folder. */
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export class ReplaySource {
  #names: string[] | null = null;
  #next = 0;

  constructor(readonly folder: string) {}

  /** The files this source replays, in order (read once, on first use). */
  async names(): Promise<string[]> {
    if (this.#names !== null) return this.#names;
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.folder)) {
        if (!entry.name.endsWith(".json")) continue;
        // A link counts for what it points at, so a folder of links to recordings replays them.
        const isFile = entry.isSymlink
          ? await Deno.stat(`${this.folder}/${entry.name}`).then((s) => s.isFile, () => false)
          : entry.isFile;
        if (isFile) names.push(entry.name);
      }
    } catch (error) {
      throw new Error(`cannot read the replay folder ${this.folder}: ${(error as Error).message}`);
    }
    // Code-point order, so the order does not depend on the machine's locale.
    this.#names = names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.#names;
  }

  /** The next recorded snapshot, or null once every file has been replayed. */
  async next(): Promise<RecordedSnapshot | null> {
    const names = await this.names();
    if (this.#next >= names.length) return null;
    const name = names[this.#next++];
    return { name, bytes: await Deno.readFile(`${this.folder}/${name}`) };
  }

  /** How many files are left to replay. */
  get remaining(): number | null {
    return this.#names === null ? null : this.#names.length - this.#next;
  }
}
