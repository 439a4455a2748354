import type { EmbeddedServer } from "./global-setup.js";

/** Stops the embedded PostgreSQL started by global-setup.ts and removes its folder. */
export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>).__HYGGE_EMBEDDED_PG__ as EmbeddedServer | undefined;
  await server?.stop();
}
