import {
  batchesFromRows,
  formatIsoDate,
  formatIsoTimestamp,
  type Home,
  HyggeError,
  type InputRow,
  parseSchema,
  type ReadContext,
  type Watermark,
} from "@hygge/core";
import type { Schema } from "apache-arrow";
import { getJson } from "./http.js";
import { atPath } from "./json-path.js";
import { safeUrl, withParam } from "./url.js";

export interface HttpApiOptions {
  url: string;
  items: string;
  next?: string | undefined;
  cursor_param?: string | undefined;
  columns: string;
  headers: Record<string, string>;
  watermark_param?: string | undefined;
  batch_size: number;
  timeout_ms: number;
  max_retry_after_ms: number;
}

/** The declared columns as an Arrow schema; a typo is a config error naming the option. */
export function declaredSchema(columns: string): Schema {
  try {
    return parseSchema(columns);
  } catch (error) {
    throw new HyggeError("CONFIG_INVALID", `columns: ${(error as Error).message}`, {
      hint: 'declare every field as "name type", comma-separated: "id int64 not null, amount decimal(12, 2)"',
      cause: error,
    });
  }
}

/** A home reading every page of `options.url` (with `{entity}` replaced by `entity`). */
export function httpApiHome(options: HttpApiOptions, entity: string | undefined): Home {
  const schema = declaredSchema(options.columns);
  const first = options.url.replaceAll("{entity}", encodeURIComponent(entity ?? ""));
  if (!URL.canParse(first) || !/^https?:$/.test(new URL(first).protocol))
    throw new HyggeError("CONFIG_INVALID", "url is not an absolute http(s) URL", {
      hint: "give the first page's full address, such as https://api.example.com/v1/{entity}",
    });
  return {
    read: (ctx) => batchesFromRows(schema, rows(options, first, ctx), options.batch_size),
    schema: async () => schema,
  };
}

/** The records of every page, in order, following `next` until it is empty. */
async function* rows(options: HttpApiOptions, first: string, ctx: ReadContext): AsyncGenerator<InputRow> {
  let url = startUrl(options, first, ctx);
  const seen = new Set<string>();
  for (let page = 0; ; page++) {
    seen.add(url);
    const body = await getJson(url, {
      headers: options.headers,
      signal: ctx.signal,
      timeoutMs: options.timeout_ms,
      maxRetryAfterMs: options.max_retry_after_ms,
    });
    const items = atPath(body, options.items);
    if (!Array.isArray(items))
      throw new HyggeError(
        "HOME_READ_FAILED",
        `page ${page} (${safeUrl(url)}) has no array at items "${options.items}" (found ${kind(items)})`,
        {
          hint: 'set items to the dotted path of the records in a page, such as "data" ("" for a page that is an array)',
        },
      );
    yield* items as InputRow[];
    const next = options.next === undefined ? undefined : atPath(body, options.next);
    if (next === undefined || next === null || next === "" || items.length === 0) return;
    if (typeof next !== "string" && typeof next !== "number")
      throw new HyggeError("HOME_READ_FAILED", `page ${page}: next "${options.next}" is ${kind(next)}`, {
        hint: "next must lead to a URL or a cursor token (a string or a number)",
      });
    url = options.cursor_param
      ? withParam(url, options.cursor_param, String(next))
      : new URL(String(next), url).toString();
    if (seen.has(url))
      throw new HyggeError("HOME_READ_FAILED", `page ${page + 1} would read ${safeUrl(url)} again`, {
        hint: "the API returned the same next page twice; check next (and cursor_param) against its documentation",
      });
  }
}

/** The first page's URL, with the committed watermark as `watermark_param` on incremental runs. */
function startUrl(options: HttpApiOptions, first: string, ctx: ReadContext): string {
  if (!ctx.watermark) return first;
  if (!options.watermark_param)
    throw new HyggeError("CONFIG_INVALID", `an ${ctx.runType} run needs watermark_param`, {
      hint: `set watermark_param to the query parameter with which the API returns rows from a value of ${ctx.watermark.column} on (such as updated_since)`,
    });
  const since = ctx.watermark.since;
  return since ? withParam(first, options.watermark_param, watermarkText(since)) : first;
}

const UNITS = { s: 0, ms: 1, us: 2, ns: 3 } as const;

/** The committed watermark as an API takes it: ISO 8601 for dates and timestamps, else its text. */
export function watermarkText(since: Watermark): string {
  switch (since.kind) {
    case "timestamp":
      return formatIsoTimestamp(BigInt(since.value), UNITS[since.unit ?? "us"], Boolean(since.timezone));
    case "date":
      return formatIsoDate(Number(since.value));
    default:
      return since.value;
  }
}

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}
