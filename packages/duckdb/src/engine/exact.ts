import type { DataType, Field, Schema } from "apache-arrow";
import { Type } from "apache-arrow";

const EXTENSION = "ARROW:extension:name";

/**
 * Why DuckDB cannot carry this field exactly from Parquet to Parquet, or undefined. The set is
 * the one the tests prove (test/engine-exact.test.ts: the type matrix and apache/parquet-testing
 * read back by hygge's own reader): DuckDB writes every column as optional, turns millisecond and
 * second timestamps and times into microseconds, nanosecond instants into microseconds, named
 * zones into UTC, float16 into float32 and fixed-size binary into binary.
 */
export function inexact(field: Field, path = `column "${field.name}"`): string | undefined {
  if (!field.nullable) return `${path} is required (NOT NULL), and DuckDB writes every column as optional`;
  const extension = field.metadata.get(EXTENSION);
  const keys = [...field.metadata.keys()].filter((k) => k !== EXTENSION);
  if (keys.length > 0) return `${path} carries field metadata (${keys.join(", ")}) DuckDB does not write`;
  if (extension !== undefined) {
    if (extension === "arrow.uuid" && field.typeId === Type.FixedSizeBinary) return undefined;
    if (extension === "arrow.json" && field.typeId === Type.Utf8) return undefined;
    return `${path} is the extension type ${extension}`;
  }
  const why = inexactType(field.type, path);
  if (why) return why;
  for (const child of field.type.children ?? []) {
    const nested = inexact(child, `${path}.${child.name}`);
    if (nested) return nested;
  }
  return undefined;
}

function inexactType(type: DataType, path: string): string | undefined {
  const t = type as DataType & {
    unit?: number;
    timezone?: string | null;
    precision?: number;
    bitWidth?: number;
  };
  switch (type.typeId) {
    case Type.Bool:
    case Type.Int:
    case Type.Utf8:
    case Type.Binary:
    case Type.List:
    case Type.Struct:
      return undefined;
    case Type.Float:
      // Precision: 0 half, 1 single, 2 double.
      return (type as DataType & { precision: number }).precision === 0
        ? `${path} is float16, which DuckDB writes as float32`
        : undefined;
    case Type.Date:
      return t.unit === 0 ? undefined : `${path} is a millisecond date`;
    case Type.Decimal:
      return (t.precision ?? 0) <= 38 && t.bitWidth === 128 ? undefined : `${path} is ${String(type)}`;
    case Type.Timestamp: {
      // TimeUnit: 0 s, 1 ms, 2 us, 3 ns.
      if (t.unit === 2 && (!t.timezone || t.timezone === "UTC")) return undefined;
      if (t.unit === 3 && !t.timezone) return undefined;
      return `${path} is ${String(type)}, which DuckDB does not write back as it is`;
    }
    case Type.Time:
      return t.unit === 2 || t.unit === 3
        ? undefined
        : `${path} is ${String(type)}, which DuckDB writes as microseconds`;
    default:
      return `${path} is ${String(type)}, outside the types proven exact on DuckDB`;
  }
}

/** The first column of `schema` DuckDB cannot carry exactly, or undefined. */
export function inexactSchema(schema: Schema): string | undefined {
  if (schema.metadata.size > 0)
    return `the schema carries metadata (${[...schema.metadata.keys()].join(", ")})`;
  for (const field of schema.fields) {
    const why = inexact(field);
    if (why) return why;
  }
  return undefined;
}

/**
 * The DuckDB type a column of this Arrow type must read as (DESCRIBE), for the flat types: a
 * file whose physical type DuckDB reads otherwise (INT96 as microseconds) is refused before
 * copying. Nested types are checked on the written file only.
 */
export function expectedDuckType(field: Field): string | undefined {
  const t = field.type as DataType & {
    unit?: number;
    timezone?: string | null;
    precision?: number;
    scale?: number;
    bitWidth?: number;
    isSigned?: boolean;
  };
  const extension = field.metadata.get(EXTENSION);
  if (extension === "arrow.uuid") return "UUID";
  if (extension === "arrow.json") return undefined; // VARCHAR or JSON, by DuckDB version: checked on the file
  switch (field.type.typeId) {
    case Type.Bool:
      return "BOOLEAN";
    case Type.Int: {
      const names: Record<number, string> = { 8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT" };
      const name = names[t.bitWidth ?? 0];
      return name && (t.isSigned ? name : `U${name}`);
    }
    case Type.Float:
      return (field.type as DataType & { precision: number }).precision === 1 ? "FLOAT" : "DOUBLE";
    case Type.Utf8:
      return "VARCHAR";
    case Type.Binary:
      return "BLOB";
    case Type.Date:
      return "DATE";
    case Type.Decimal:
      return `DECIMAL(${t.precision},${t.scale})`;
    case Type.Timestamp:
      if (t.unit === 3) return "TIMESTAMP_NS";
      return t.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
    case Type.Time:
      return t.unit === 3 ? "TIME_NS" : "TIME";
    default:
      return undefined;
  }
}
