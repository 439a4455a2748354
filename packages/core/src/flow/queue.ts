/**
 * A bounded async queue between one producer and one consumer. `push` waits while the queue is
 * full (backpressure); `close` ends the stream; `fail` wakes both sides at once with an error.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private error: { reason: unknown } | undefined;
  private wakeProducer: (() => void) | undefined;
  private wakeConsumer: (() => void) | undefined;
  /** Highest number of items ever waiting at once (observed by tests and benchmarks). */
  highWater = 0;

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new RangeError("queue capacity must be at least 1");
  }

  get size(): number {
    return this.items.length;
  }

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.error && !this.closed) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
    if (this.error) throw this.error.reason;
    if (this.closed) throw new Error("queue is closed");
    this.items.push(item);
    if (this.items.length > this.highWater) this.highWater = this.items.length;
    this.wake("consumer");
  }

  /** Next item, or `undefined` once the queue is closed and drained. */
  async shift(): Promise<T | undefined> {
    while (this.items.length === 0 && !this.closed && !this.error) {
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
    if (this.error) throw this.error.reason;
    const item = this.items.shift();
    this.wake("producer");
    return item;
  }

  close(): void {
    this.closed = true;
    this.wake("consumer");
    this.wake("producer");
  }

  fail(reason: unknown): void {
    if (this.error) return;
    this.error = { reason };
    this.items.length = 0;
    this.wake("consumer");
    this.wake("producer");
  }

  private wake(side: "producer" | "consumer"): void {
    const fn = side === "producer" ? this.wakeProducer : this.wakeConsumer;
    if (side === "producer") this.wakeProducer = undefined;
    else this.wakeConsumer = undefined;
    fn?.();
  }
}
