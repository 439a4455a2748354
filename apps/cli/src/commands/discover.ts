import { createContext, type DiscoveredEntity, RunResources } from "@hygge/core";
import { EXIT } from "../exit-codes.js";
import { colorsFor, out } from "../io.js";
import { renderDiscover } from "../render/discover.js";
import { resolveDiscoverSource } from "./discover-source.js";

export interface DiscoverOptions {
  project?: string;
  columns?: boolean;
  format?: string;
  json?: boolean;
}

/**
 * `hygge discover`: lists the entities a connection, a flow's home or a folder holds (tables and
 * views with estimated rows, or entity folders with files and bytes) and, with `--columns`, their
 * columns and which of them hygge cannot read. Reads catalogues and file footers, never data.
 * Exit 0 when listed (unreadable columns are marked, not failures).
 */
export async function discover(
  source: string,
  patterns: string[],
  options: DiscoverOptions,
): Promise<number> {
  const resources = new RunResources();
  // Discovery writes nothing: Ctrl-C may end the process as it is (no handler of its own).
  const controller = new AbortController();
  try {
    const found = await resolveDiscoverSource(source, options, resources);
    const ctx = createContext(
      { flow: "discover" },
      { projectDir: found.projectDir, connections: found.connections, resources },
    );
    const entities: DiscoveredEntity[] = await found.definition.discover!(found.options, ctx, {
      signal: controller.signal,
      patterns,
      columns: options.columns === true,
    });
    if (options.json) {
      out(JSON.stringify({ source, label: found.label, type: found.type, entities }, null, 2));
    } else {
      out(renderDiscover(found.label, entities, colorsFor(process.stdout), options));
    }
    return EXIT.OK;
  } finally {
    await resources.closeAll({ timeoutMs: 10_000 });
  }
}
