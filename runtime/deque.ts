/** An array-backed FIFO with O(1) amortised push and shift (Array#shift is O(n) on long queues). */
export class Deque<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined as T; // let the item be collected
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  peek(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  /** Puts items back at the front, keeping their order. */
  unshiftAll(items: T[]): void {
    if (items.length === 0) return;
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** Removes and returns the first item matching the predicate. O(n): only used on overflow. */
  removeFirst(match: (item: T) => boolean): T | undefined {
    for (let i = this.#head; i < this.#items.length; i++) {
      if (match(this.#items[i])) return this.#items.splice(i, 1)[0];
    }
    return undefined;
  }

  toArray(): T[] {
    return this.#items.slice(this.#head);
  }

  clear(): T[] {
    const all = this.toArray();
    this.#items = [];
    this.#head = 0;
    return all;
  }
}
