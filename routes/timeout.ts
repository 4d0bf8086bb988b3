/** A deadline for calls the front makes into the rest of the program: a hung actor must not hang HTTP. */

/** Thrown when a call did not settle in time; the message says what and how long. */
export class DeadlineError extends Error {
  constructor(readonly what: string, readonly timeoutMs: number) {
    super(`${what} did not answer within ${timeoutMs} ms`);
    this.name = "DeadlineError";
  }
}

/** Settles with `call`, or rejects with DeadlineError after `timeoutMs`; the timer never outlives the call. */
export async function withDeadline<T>(call: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([call(), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}
