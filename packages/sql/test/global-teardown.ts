import { rm } from "node:fs/promises";

/** Stops the embedded PostgreSQL started by global-setup.ts and removes its folder. */
export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__HYGGE_EMBEDDED_PG__ as
    | { pg: { stop(): Promise<void> }; dir: string }
    | undefined;
  if (!state) return;
  await state.pg.stop();
  await rm(state.dir, { recursive: true, force: true });
}
