import type { FileCopy } from "@hygge/core";
import { type DataType, Type } from "apache-arrow";
import { quoteIdent, quoteString } from "../database.js";

/**
 * A literal of the key column's type for one key value as the batch loop encoded it (cellToJson:
 * a number up to 32 bits, a string of digits for 64), or undefined. A value encoded for another
 * width (the column was widened) would compare differently there: the batch loop decides.
 */
function keyLiteral(type: DataType, value: unknown): string | undefined {
  if (type.typeId === Type.Int) {
    const wide = (type as DataType & { bitWidth: number }).bitWidth === 64;
    if (typeof value !== (wide ? "string" : "number")) return undefined;
    return /^-?\d+$/.test(String(value)) ? String(value) : undefined;
  }
  if (type.typeId === Type.Utf8 && typeof value === "string") return quoteString(value);
  return undefined;
}

/** The watermark column as a number DuckDB compares exactly with the committed value, or undefined. */
function ordered(copy: FileCopy, type: DataType): string | undefined {
  const since = copy.resume!.since;
  const column = quoteIdent(since.column);
  const t = type as DataType & { unit?: number; timezone?: string | null };
  switch (since.kind) {
    case "integer":
      return type.typeId === Type.Int ? column : undefined;
    case "date":
      return type.typeId === Type.Date && t.unit === 0 ? `(${column} - DATE '1970-01-01')` : undefined;
    case "timestamp": {
      // TimeUnit 2 µs, 3 ns (the engine's exact set); the committed value in the column's unit.
      const unit = t.unit === 2 ? "us" : t.unit === 3 ? "ns" : undefined;
      if (type.typeId !== Type.Timestamp || !unit || since.unit !== unit) return undefined;
      // DuckDB reads the extreme int64 values as ±infinity, whose epoch is NULL: stop the copy
      // (the batch loop compares their raw values) rather than drop those rows.
      return `coalesce(epoch_${unit}(${column}), CASE WHEN ${column} IS NOT NULL THEN error('an infinite timestamp in ${since.column.replaceAll("'", "''")}') END)`;
    }
    case "string":
      // DuckDB compares VARCHAR byte by byte: UTF-8 byte order is code-point order, as hygge's.
      return type.typeId === Type.Utf8 ? column : undefined;
    default:
      return undefined;
  }
}

/**
 * The boundary rule as a DuckDB predicate, or why the engine cannot state it exactly (floats, a
 * key of several columns or of another type than integers and strings, a unit that changed).
 */
export function resumeFilter(copy: FileCopy): { where: string } | { refuse: string } {
  const { since, primaryKey } = copy.resume!;
  const field = copy.source.schema.fields.find((f) => f.name === since.column);
  const left = field && ordered(copy, field.type);
  if (!left)
    return {
      refuse: `resuming from a ${since.kind} watermark on "${since.column}" (${String(field?.type)})`,
    };
  const value = since.kind === "string" ? quoteString(since.value) : since.value;
  if (!/^-?\d+$/.test(value) && since.kind !== "string") return { refuse: `the watermark value ${value}` };
  const keys = since.boundaryKeys ?? [];
  if (keys.length === 0) return { where: `${left} > ${value}` };
  if (primaryKey.length !== 1)
    return { refuse: "a primary key of several columns at the watermark's boundary" };
  const key = copy.source.schema.fields.find((f) => f.name === primaryKey[0]);
  if (!key) return { refuse: `the primary key "${primaryKey[0]}" is not among the files' columns` };
  const literals: string[] = [];
  let hasNull = false;
  for (const text of keys) {
    const tuple = JSON.parse(text) as unknown;
    // Keys committed under another primary key (of more columns) mean another rule: the batch loop's.
    if (!Array.isArray(tuple) || tuple.length !== 1)
      return { refuse: "boundary keys of another primary key" };
    const v = tuple[0];
    if (v === null) {
      hasNull = true;
      continue;
    }
    const literal = keyLiteral(key.type, v);
    if (literal === undefined)
      return { refuse: `a ${String(key.type)} primary key at the watermark's boundary` };
    literals.push(literal);
  }
  const k = quoteIdent(key.name);
  const seen = [
    ...(hasNull ? [`${k} IS NULL`] : []),
    ...(literals.length > 0 ? [`coalesce(${k} IN (${literals.join(", ")}), false)`] : []),
  ].join(" OR ");
  return { where: `${left} > ${value} OR (${left} = ${value} AND NOT (${seen || "false"}))` };
}
