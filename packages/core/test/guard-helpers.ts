import type { FlowTimeouts, HyggeError } from "@hygge/core";
import { type MemoryBackend, memoryStore } from "@hygge/core/testing";

export const fail = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as HyggeError,
  );
export const never = <T = void>() => new Promise<T>(() => undefined);
export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Short bounds: every test ends in well under a second per step when the guard works. */
export const SHORT: Partial<FlowTimeouts> = {
  create: 300,
  open: 300,
  committedState: 300,
  estimate: 300,
  read: 300,
  write: 300,
  commit: 300,
  abort: 300,
  close: 300,
  cancel: 200,
  notice: 50,
};

/** A memory store whose calls are logged, for order assertions. */
export function loggedStore(backend: MemoryBackend, log: string[], dataset = "t") {
  const store = memoryStore(backend, dataset);
  const wrap = <K extends "open" | "write" | "commit" | "abort" | "close" | "committedState">(name: K) => {
    const original = (store[name] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      log.push(name);
      return original(...args);
    };
  };
  for (const name of ["open", "write", "commit", "abort", "close", "committedState"] as const) wrap(name);
  return store;
}

export const WATERMARK = { column: "id", primaryKey: ["id"] };
