import { defineHome, type HyggePlugin, z } from "@hygge/core";
import { declaredSchema, httpApiHome } from "./home.js";
import { safeUrl } from "./url.js";

export { type HttpApiOptions, httpApiHome, watermarkText } from "./home.js";
export { safeUrl } from "./url.js";

const options = z
  .strictObject({
    url: z.string().min(1).describe("The first page's URL; {entity} is replaced by the entity's name."),
    items: z
      .string()
      .default("")
      .describe(
        'Dotted path to the array of records in a page, such as "data" (default "": the page is the array).',
      ),
    next: z
      .string()
      .optional()
      .describe(
        "Dotted path to the next page's URL, or to a cursor token when cursor_param is set; absent: one page.",
      ),
    cursor_param: z
      .string()
      .optional()
      .describe("The query parameter that carries the cursor token found at next."),
    columns: z
      .string()
      .min(1)
      .describe(
        'The records\' columns and types, such as "id int64 not null, amount decimal(12, 2)". Required: nothing is guessed.',
      ),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe("Request headers; give secrets as ${ENV} values."),
    watermark_param: z
      .string()
      .optional()
      .describe(
        "Incremental runs: the query parameter that receives the committed watermark, such as updated_since.",
      ),
    batch_size: z.number().int().positive().default(10_000).describe("Rows per batch (default 10000)."),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe("Longest wait for one page (default 30000)."),
    max_retry_after_ms: z
      .number()
      .int()
      .nonnegative()
      .default(60_000)
      .describe(
        "A 429 or 503 whose Retry-After is at most this long is waited for in place (default 60000).",
      ),
  })
  .refine((o) => o.cursor_param === undefined || o.next !== undefined, {
    message: "cursor_param needs next: the path of the cursor token in a page",
    path: ["cursor_param"],
  });

const http_api = defineHome({
  options,
  create: (o, ctx) => httpApiHome(o, ctx.entity),
  describe: (o, ctx) => {
    declaredSchema(o.columns);
    const url = safeUrl(o.url.replaceAll("{entity}", encodeURIComponent(ctx.entity ?? "")));
    return `http_api ${url}${o.next ? ` (pages by ${o.cursor_param ? `cursor ${o.cursor_param}` : "next URL"})` : ""}`;
  },
});

const plugin = { name: "hygge-plugin-http-api", homes: { http_api } } satisfies HyggePlugin;
export default plugin;
