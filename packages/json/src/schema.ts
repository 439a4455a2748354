import {
  type FileSource,
  type FormatContext,
  fieldFromTypeName,
  HyggeError,
  TYPE_NAME_HINT,
  TypeNameError,
} from "@hygge/core";
import { type Field, Schema } from "apache-arrow";
import { type Kind, kindOf, MixedError, merge } from "./infer.js";
import { readLines } from "./lines.js";
import type { NdjsonReadOptions } from "./options.js";
import { parseLiteral } from "./parse-line.js";
import { describeField, fieldOf, UnfitError } from "./resolve.js";

const PLUGIN = "@hygge/json";

/** The declared columns as fields (a bad type name is a config error naming the key). */
export function declaredFields(options: NdjsonReadOptions): Map<string, Field> {
  const fields = new Map<string, Field>();
  for (const [name, typeName] of Object.entries(options.columns ?? {})) {
    try {
      fields.set(name, fieldFromTypeName(name, typeName));
    } catch (error) {
      if (!(error instanceof TypeNameError)) throw error;
      throw new HyggeError("CONFIG_INVALID", `columns.${name}: ${error.message}`, {
        plugin: PLUGIN,
        hint: TYPE_NAME_HINT,
      });
    }
  }
  return fields;
}

/**
 * The file's schema: declared columns as declared, other keys inferred from the first
 * `infer_rows` lines. Keys come in the order they first appear; declared keys not seen follow.
 */
export async function inferSchema(
  source: FileSource,
  options: NdjsonReadOptions,
  ctx: FormatContext,
): Promise<Schema> {
  const declared = declaredFields(options);
  const kinds = new Map<string, Kind>();
  const firstLine = new Map<string, number>();
  let lines = 0;
  for await (const line of readLines(source, ctx.signal)) {
    if (lines++ >= options.infer_rows) break;
    const row = parseRow(source, line.text, line.number);
    for (const [key, value] of Object.entries(row)) {
      if (!firstLine.has(key)) firstLine.set(key, line.number);
      if (declared.has(key)) {
        kinds.set(key, { k: "null" });
        continue;
      }
      try {
        kinds.set(key, merge(kinds.get(key) ?? { k: "null" }, kindOf(value as never)));
      } catch (error) {
        if (!(error instanceof MixedError)) throw error;
        throw new HyggeError(
          "HOME_READ_FAILED",
          `${source.url} line ${line.number}: key ${key}${error.path} ${error.message} (first seen on line ${firstLine.get(key)})`,
          {
            plugin: PLUGIN,
            subject: source.url,
            hint: `declare its type in \`columns:\` (\`${key}: string\` keeps scalars as text, \`${key}: json\` keeps any value as JSON text)`,
          },
        );
      }
    }
  }
  const fields: Field[] = [];
  for (const [key, kind] of kinds) fields.push(declared.get(key) ?? resolved(source, key, kind));
  for (const [key, field] of declared) if (!kinds.has(key)) fields.push(field);
  const inferred = fields.filter((f) => !declared.has(f.name));
  if (inferred.length > 0)
    ctx.logger.info(
      `${source.url}: types inferred from ${Math.min(lines, options.infer_rows)} lines: ${inferred.map(describeField).join(", ")}`,
    );
  return new Schema(fields);
}

function resolved(source: FileSource, key: string, kind: Kind): Field {
  try {
    return fieldOf(key, kind);
  } catch (error) {
    if (!(error instanceof UnfitError)) throw error;
    throw new HyggeError("HOME_READ_FAILED", `${source.url}: key ${key} ${error.message}`, {
      plugin: PLUGIN,
      subject: source.url,
      hint: `declare it in \`columns:\`, e.g. \`${key}: string\` to keep the digits as text`,
    });
  }
}

/** One line as an object (numbers as literal text), or an error naming file and line. */
function parseRow(source: FileSource, text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseLiteral(text);
  } catch (error) {
    throw notJson(source, line, error);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new HyggeError("HOME_READ_FAILED", `${source.url} line ${line}: not a JSON object`, {
      plugin: PLUGIN,
      subject: source.url,
      hint: "NDJSON holds one JSON object per line",
    });
  return value as Record<string, unknown>;
}

export function notJson(source: FileSource, line: number, cause: unknown): HyggeError {
  return new HyggeError(
    "HOME_READ_FAILED",
    `${source.url} line ${line}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`,
    { plugin: PLUGIN, subject: source.url, hint: "NDJSON holds one JSON object per line", cause },
  );
}
