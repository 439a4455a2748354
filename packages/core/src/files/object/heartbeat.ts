import type { Storage, StorageObject } from "../../contracts/storage.js";
import { encode } from "./records.js";

/** How often a run refreshes its heartbeat object. */
export const HEARTBEAT_MS = 10_000;
/** A run whose heartbeat is this much older than a new run's is dead: its staging may go. */
export const STALE_MS = 60_000;

const heartbeatKey = (book: string, runId: string) => `${book}runs/${runId}.json`;

/**
 * A run's heartbeat, `<book>/runs/<run>.json`, rewritten every HEARTBEAT_MS while the run stages
 * files. It tells another run's open() (on another machine, or another project writing the same
 * path: the project lock does not reach there) that this run's staging is alive. Ages are compared
 * between objects' `modified` times, all set by the service's clock, never against local time.
 */
export class Heartbeat {
  private timer?: NodeJS.Timeout;
  private beat: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly book: string,
    private readonly runId: string,
  ) {}

  /** Writes the heartbeat and keeps it fresh; returns it (its `modified` is the service's "now"). */
  async start(signal?: AbortSignal): Promise<StorageObject> {
    const written = await this.write(signal);
    this.timer = setInterval(() => {
      this.beat = this.write().catch(() => undefined); // a missed beat only makes the run look older
    }, HEARTBEAT_MS);
    this.timer.unref();
    return written;
  }

  private write(signal?: AbortSignal) {
    const body = encode({ runId: this.runId, pid: process.pid });
    return this.storage.write(heartbeatKey(this.book, this.runId), body, signal);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.beat;
    await this.storage.delete(heartbeatKey(this.book, this.runId));
  }
}

/**
 * Deletes what runs left under the book that are neither this one nor alive: their staging
 * objects and heartbeats (every committed run is applied before this is called). A run is alive
 * when its heartbeat's `modified` is within `staleMs` of `now` (this run's fresh heartbeat).
 */
export async function sweepDeadRuns(
  storage: Storage,
  book: string,
  self: string,
  now: Date | undefined,
  staleMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const alive = new Set([self]);
  const staging = new Map<string, string[]>();
  const beats = new Map<string, string>();
  for await (const o of storage.list(book, signal)) {
    const rel = o.path.slice(book.length);
    const run = /^staging-([^/]+)\//.exec(rel)?.[1];
    if (run !== undefined) staging.set(run, [...(staging.get(run) ?? []), o.path]);
    const beat = /^runs\/(.+)\.json$/.exec(rel)?.[1];
    if (beat === undefined) continue;
    beats.set(beat, o.path);
    if (now && o.modified && now.getTime() - o.modified.getTime() <= staleMs) alive.add(beat);
  }
  for (const [run, keys] of staging)
    if (!alive.has(run)) for (const key of keys) await storage.delete(key, signal);
  for (const [run, key] of beats) if (!alive.has(run)) await storage.delete(key, signal);
}
