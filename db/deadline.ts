/**
 * Client-side deadlines for database calls (G6): a call settles in bounded time even when the server,
 * the network or the single PGlite engine never answers. The abandoned work is left to finish on its own.
 */

/**
 * Settles like `work`, unless `ms` pass first: then rejects with `onExpire()`. A late failure of
 * `work` is absorbed here, so abandoning a call never leaves an unhandled rejection behind.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onExpire: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onExpire()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Waits at most `ms` for a resource (a lock, a pooled connection). When the wait is abandoned and the
 * resource arrives later anyway, it is handed straight back, so a timed-out waiter never leaks it.
 */
export function acquireWithin<R>(
  acquiring: Promise<R>,
  giveBack: (resource: R) => void,
  ms: number,
  onExpire: () => Error,
): Promise<R> {
  let abandoned = false;
  const acquired = acquiring.then((resource) => {
    if (abandoned) giveBack(resource);
    return resource;
  });
  return withDeadline(acquired, ms, () => {
    abandoned = true;
    return onExpire();
  });
}
