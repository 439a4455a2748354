// A test plugin whose home can list what it holds (`discover`), like a database home: its
// connection declares the tables; reading a table reads the memory dataset of that name.
import { type DiscoverRequest, entityPatternMatcher, HyggeError, type HyggePlugin, z } from "@hygge/core";
import { type MemoryBackend, memoryHome, memoryPlugin } from "@hygge/core/testing";

const blockShape = {
  connection: z.string(),
  table: z.string().optional(),
  query: z.string().optional(),
};
const homeOptions = z
  .strictObject(blockShape)
  .refine((o) => (o.table === undefined) !== (o.query === undefined), {
    message: "set exactly one of table or query",
  });
const discoverOptions = z.strictObject(blockShape);
type HomeOptions = z.output<typeof discoverOptions>;

export interface CatalogCalls {
  /** Each discover call: the flow and the request's patterns. */
  discovered: { flow: string; patterns: readonly string[] | undefined }[];
  /** Pools opened and closed through ctx.resources. */
  opened: number;
  closed: number;
}

/**
 * `catalog` home (with discover and `alternatives: [["table", "query"]]`), `plain` home (the same
 * without either), `catalog` connection `{ tables, fail? }`, and the memory store.
 */
export function catalogPlugin(backend: MemoryBackend, calls: CatalogCalls): HyggePlugin {
  const memory = memoryPlugin(backend);
  const dataset = (o: HomeOptions, entity: string) =>
    o.table !== undefined ? o.table.split("{entity}").join(entity) : o.query!.replace(/^select \* from /, "");
  const create = (o: HomeOptions, ctx: { flow: string; entity?: string }) => {
    const name = dataset(o, ctx.entity ?? ctx.flow);
    const batches = backend.get(name);
    if (!batches) throw new HyggeError("HOME_READ_FAILED", `no table ${name}`);
    return memoryHome(batches);
  };
  return {
    name: "catalog-test",
    homes: {
      catalog: {
        options: homeOptions,
        discoverOptions,
        alternatives: [["table", "query"]],
        create,
        describe: (o: HomeOptions, ctx) => `catalog ${dataset(o, ctx.entity ?? ctx.flow)}`,
        async discover(o: HomeOptions, ctx, request: DiscoverRequest) {
          calls.discovered.push({ flow: ctx.flow, patterns: request.patterns });
          await ctx.resources.get(
            `catalog:${o.connection}`,
            () => {
              calls.opened++;
              return {};
            },
            () => {
              calls.closed++;
            },
          );
          const conn = ctx.connections[o.connection]!.options as {
            tables: string[];
            fail?: boolean;
            narrow?: boolean;
          };
          if (conn.fail)
            throw new HyggeError("CONNECTION_FAILED", "connect ECONNREFUSED 127.0.0.1:1", {
              hint: "Is the server running?",
            });
          // `narrow`: answer only what the patterns select, as a database home's catalogue query may.
          const keep =
            conn.narrow && request.patterns?.length ? entityPatternMatcher(request.patterns) : () => true;
          return conn.tables.filter((t) => keep(t)).map((name) => ({ name, kind: "table" as const }));
        },
      },
      plain: { options: homeOptions, create },
    },
    stores: memory.stores,
    connections: {
      catalog: {
        options: z.strictObject({
          tables: z.array(z.string()),
          fail: z.boolean().optional(),
          narrow: z.boolean().optional(),
        }),
      },
    },
  };
}

export const newCalls = (): CatalogCalls => ({ discovered: [], opened: 0, closed: 0 });
