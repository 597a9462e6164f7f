/** A wake-up for readers of a growing log: take `next()` before reading, await it when the read found nothing. */
export class ChangeSignal {
  private resolve!: () => void;
  private promise!: Promise<void>;
  constructor() {
    this.reset();
  }
  private reset(): void {
    this.promise = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }
  next(): Promise<void> {
    return this.promise;
  }
  fire(): void {
    const resolve = this.resolve;
    this.reset();
    resolve();
  }
}

/** Resolves when the signal aborts (never when there is none). */
export function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
