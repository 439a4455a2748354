import {
  BIGINT,
  DATE,
  DOUBLE,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  dateValue,
  HUGEINT,
  TIMESTAMP,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  TIMESTAMP_S,
  TIMESTAMPTZ,
  VARCHAR,
} from "@duckdb/node-api";
import type { Watermark } from "@hygge/core";
import { quoteIdent } from "../database.js";

/**
 * `{entity}` replaced by the entity's name, as its context needs: inside a string literal
 * (`read_csv('inbox/{entity}/*.csv')`) with `'` doubled, inside a quoted identifier with `"`
 * doubled, elsewhere (`from {entity}`) as a quoted identifier. Comments are left as they are.
 */
export function substituteEntity(query: string, name: string): string {
  let out = "";
  let state: "code" | "string" | "ident" | "line" | "block" = "code";
  for (let i = 0; i < query.length; ) {
    if (query.startsWith("{entity}", i)) {
      if (state === "code") out += quoteIdent(name);
      else if (state === "string") out += name.replaceAll("'", "''");
      else if (state === "ident") out += name.replaceAll('"', '""');
      else out += name;
      i += "{entity}".length;
      continue;
    }
    const c = query[i]!;
    const two = query.slice(i, i + 2);
    let take = 1;
    if (state === "code") {
      if (c === "'") state = "string";
      else if (c === '"') state = "ident";
      else if (two === "--") state = "line";
      else if (two === "/*") state = "block";
    } else if (state === "string" && c === "'") {
      if (two === "''") take = 2;
      else state = "code";
    } else if (state === "ident" && c === '"') {
      if (two === '""') take = 2;
      else state = "code";
    } else if (state === "line" && c === "\n") state = "code";
    else if (state === "block" && two === "*/") (take = 2), (state = "code");
    out += query.slice(i, i + take);
    i += take;
  }
  return out;
}

/** A trailing `;` (natural at the end of a query) would break the sub-select the watermark wraps it in. */
export function stripSemicolon(query: string): string {
  return query.replace(/[\s;]+$/, "");
}

/**
 * The query as errors and summaries show it: one line, at most `max` characters, with passwords in
 * URLs (`//user:secret@`) and quoted values of secret-looking keys masked.
 */
export function displayQuery(query: string, max = 120): string {
  const masked = query
    .replace(/\s+/g, " ")
    .trim()
    .replace(/(\/\/[^/\s:@'"]*):[^@\s'"]*@/g, "$1:***@")
    .replace(/((?:secret|password|token|key_id|access_key)[a-z_]*\s*[:=]?\s*)'[^']*'/gi, "$1'***'");
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

/** The bound parameter of a watermark, typed as the column hygge produced from it. */
export function watermarkParam(since: Watermark): { value: DuckDBValue; type: DuckDBType } {
  switch (since.kind) {
    case "integer": {
      const v = BigInt(since.value);
      return { value: v, type: BigInt.asIntN(64, v) === v ? BIGINT : HUGEINT };
    }
    case "float":
      return { value: Number(since.value), type: DOUBLE };
    case "string":
      return { value: since.value, type: VARCHAR };
    case "date": {
      const days = since.unit === "ms" ? Math.floor(Number(since.value) / 86_400_000) : Number(since.value);
      return { value: dateValue(days), type: DATE };
    }
    case "timestamp": {
      const v = BigInt(since.value);
      const unit = since.unit ?? "us";
      if (since.timezone) {
        // An instant: TIMESTAMPTZ (µs); a finer value rounds down, which only widens the read.
        const micros =
          unit === "s" ? v * 1_000_000n : unit === "ms" ? v * 1000n : unit === "ns" ? floorDiv(v, 1000n) : v;
        return { value: new DuckDBTimestampTZValue(micros), type: TIMESTAMPTZ };
      }
      if (unit === "s") return { value: new DuckDBTimestampSecondsValue(v), type: TIMESTAMP_S };
      if (unit === "ms") return { value: new DuckDBTimestampMillisecondsValue(v), type: TIMESTAMP_MS };
      if (unit === "ns") return { value: new DuckDBTimestampNanosecondsValue(v), type: TIMESTAMP_NS };
      return { value: new DuckDBTimestampValue(v), type: TIMESTAMP };
    }
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * The statement `read` runs: the query itself, or with a watermark the rows `column >= since` of
 * it (a bound parameter; strings compare as VARCHAR, byte-wise UTF-8, i.e. by code point).
 */
export function readStatement(
  query: string,
  since: Watermark | undefined,
): { sql: string; values: DuckDBValue[]; types: DuckDBType[] } {
  if (!since) return { sql: query, values: [], types: [] };
  const { value, type } = watermarkParam(since);
  const column =
    since.kind === "string" ? `CAST(${quoteIdent(since.column)} AS VARCHAR)` : quoteIdent(since.column);
  return {
    sql: `SELECT * FROM (\n${stripSemicolon(query)}\n) AS hygge_home WHERE ${column} >= $1`,
    values: [value],
    types: [type],
  };
}
