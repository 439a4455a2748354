/** One benchmark: data generated on the fly, hygge and a reference measured in separate processes. */
export interface SideResult {
  rows: number;
  /** Bytes read from the source (files) or moved, for MB/s. */
  bytes: number;
}

export interface BenchCase {
  name: string;
  description: string;
  /** Generates the input into `dir` (called once, in the parent process). */
  prepare(dir: string, scale: number): Promise<void>;
  /**
   * Untimed work in the child process before the measured call, for both sides alike (building an
   * in-memory input, say): its memory still counts in the peak RSS.
   */
  setup?(dir: string, scale: number): Promise<void>;
  /**
   * Untimed work in the child process after the measured call, for both sides alike (stopping an
   * emulator started by `setup`, keeping what a side wrote for `check`); neither time nor memory
   * counts.
   */
  teardown?(dir: string, scale: number, side: string): Promise<void>;
  /**
   * Called in the parent once every run is done: compares what the sides wrote (the same rows, the
   * same bytes…) and returns one line to print, or throws when they differ.
   */
  check?(dir: string, scale: number): Promise<string>;
  /** Runs hygge on the prepared input; called in a fresh child process. */
  hygge(dir: string, scale: number): Promise<SideResult>;
  /** The reference (DuckDB, the raw driver…) doing the same work; called in a fresh child process. */
  reference: Side;
  /**
   * Other runs shown for context only (a common but different way to do the job): measured in the
   * same run and printed with their ratio, labelled "context", never taken as the reference.
   */
  context?: Side[];
}

export interface Side {
  name: string;
  run(dir: string, scale: number): Promise<SideResult>;
}
