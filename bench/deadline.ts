/** Bench plumbing: every wait has a deadline, and its timer never outlives the wait. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeUp]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A promise with its resolve and reject in hand. A rejection nobody awaits yet (a worker failing between
 * rounds) is kept for the next await instead of ending the process as an unhandled rejection.
 */
export function waiter<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  const handle = Promise.withResolvers<T>();
  handle.promise.catch(() => {});
  return handle;
}
