import type { FormatContext, FormatDefinition } from "../contracts/format.js";
import type { CreateContext } from "../contracts/plugin.js";
import { HyggeError, isHyggeError } from "../errors.js";
import type { Registry } from "../registry.js";

/** What a file home or store is built from: a format, by name, and the registry for storages. */
export interface FileEngine {
  /** The home and store type (the format's name). */
  type: string;
  /** The plugin that provides the format: named in errors. */
  plugin: string;
  format: FormatDefinition;
  registry: Registry;
}

/** The format's own options out of a parsed home or store block. */
export function formatOptions(
  shape: Record<string, unknown>,
  options: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

export function formatContext(
  create: CreateContext,
  signal: AbortSignal,
  entity: string | undefined,
  flow = create.flow,
): FormatContext {
  return { signal, flow, entity, logger: create.logger };
}

/** A format's error that is not a HyggeError, as one that names the file. */
export function readFailed(engine: FileEngine, url: string, error: unknown, what: string): HyggeError {
  if (isHyggeError(error)) return error;
  const cause = error instanceof Error ? error.message : String(error);
  return new HyggeError("HOME_READ_FAILED", `cannot read ${url} (${what}): ${cause}`, {
    plugin: engine.plugin,
    subject: url,
    cause: error,
    hint: `the file is corrupt, truncated or not ${engine.type}; replace or remove it`,
  });
}
