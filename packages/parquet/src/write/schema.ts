import { isJsonField, isUuidField } from "@hygge/core";
import { type DataType, type Field, type Schema, TimeUnit, Type } from "apache-arrow";
import type { SchemaElement } from "hyparquet";
import { TIME_UTC_KEY } from "../read/types.js";

/** A type or value the writer cannot store exactly: refused rather than corrupted. */
export class UnwritableError extends Error {}

const UNITS: Record<number, "MILLIS" | "MICROS" | "NANOS"> = {
  [TimeUnit.SECOND]: "MILLIS",
  [TimeUnit.MILLISECOND]: "MILLIS",
  [TimeUnit.MICROSECOND]: "MICROS",
  [TimeUnit.NANOSECOND]: "NANOS",
};

/** Bytes needed for a decimal of `precision` digits (two's complement). */
export function decimalBytes(precision: number): number {
  return Math.ceil((Math.log2(10 ** precision) + 1) / 8);
}

/** The Parquet schema (flattened, depth first) of an Arrow schema. */
export function parquetSchema(schema: Schema): SchemaElement[] {
  const out: SchemaElement[] = [{ name: "root", num_children: schema.fields.length }];
  for (const field of schema.fields) elements(field, out);
  return out;
}

function repetition(field: Field): "OPTIONAL" | "REQUIRED" {
  return field.nullable ? "OPTIONAL" : "REQUIRED";
}

function elements(field: Field, out: SchemaElement[], repetitionOverride?: "REQUIRED"): void {
  const name = field.name;
  const repetition_type = repetitionOverride ?? repetition(field);
  const type = field.type as DataType;
  switch (type.typeId) {
    case Type.List:
    case Type.LargeList: {
      const child = type.children[0]!;
      out.push({
        name,
        repetition_type,
        converted_type: "LIST",
        logical_type: { type: "LIST" },
        num_children: 1,
      });
      out.push({ name: "list", repetition_type: "REPEATED", num_children: 1 });
      elements(child.clone({ name: "element" }), out);
      return;
    }
    case Type.Struct: {
      if (type.children.length === 0)
        throw new UnwritableError(`column "${name}" is a struct without fields`);
      out.push({ name, repetition_type, num_children: type.children.length });
      for (const child of type.children) elements(child, out);
      return;
    }
    case Type.Map: {
      const entries = type.children[0]!.type as DataType;
      const [key, value] = entries.children as [Field, Field];
      out.push({
        name,
        repetition_type,
        converted_type: "MAP",
        logical_type: { type: "MAP" },
        num_children: 1,
      });
      out.push({ name: "key_value", repetition_type: "REPEATED", num_children: 2 });
      elements(key.clone({ name: "key" }), out, "REQUIRED");
      elements(value.clone({ name: "value" }), out);
      return;
    }
    default:
      out.push({ name, repetition_type, ...leafElement(field) });
  }
}

function leafElement(field: Field): Omit<SchemaElement, "name"> {
  const type = field.type as DataType & Record<string, unknown>;
  switch (type.typeId) {
    case Type.Bool:
      return { type: "BOOLEAN" };
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: 8 | 16 | 32 | 64; isSigned: boolean };
      // Converted types only: hyparquet-writer encodes the INTEGER logical type's bitWidth with a
      // thrift type other readers (DuckDB) reject, and INT_8…UINT_64 say the same thing.
      const converted_type = `${isSigned ? "INT" : "UINT"}_${bitWidth}` as SchemaElement["converted_type"];
      if (bitWidth === 64) return isSigned ? { type: "INT64" } : { type: "INT64", converted_type };
      return bitWidth === 32 && isSigned ? { type: "INT32" } : { type: "INT32", converted_type };
    }
    case Type.Float: {
      const precision = (type as unknown as { precision: number }).precision;
      if (precision === 0)
        return { type: "FIXED_LEN_BYTE_ARRAY", type_length: 2, logical_type: { type: "FLOAT16" } };
      return { type: precision === 1 ? "FLOAT" : "DOUBLE" };
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      if (isJsonField(field))
        return { type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } };
      return { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case Type.Binary:
    case Type.LargeBinary:
      return { type: "BYTE_ARRAY" };
    case Type.FixedSizeBinary: {
      const width = (type as unknown as { byteWidth: number }).byteWidth;
      return isUuidField(field)
        ? { type: "FIXED_LEN_BYTE_ARRAY", type_length: 16, logical_type: { type: "UUID" } }
        : { type: "FIXED_LEN_BYTE_ARRAY", type_length: width };
    }
    case Type.Date:
      if ((type as unknown as { unit: number }).unit !== 0)
        throw new UnwritableError(
          `column "${field.name}" is a millisecond date; cast it to a day date or a timestamp`,
        );
      return { type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } };
    case Type.Timestamp: {
      const { unit, timezone } = type as unknown as { unit: TimeUnit; timezone: string | null };
      const utc = timezone !== null && timezone !== undefined;
      const u = UNITS[unit]!;
      const converted_type = utc && u !== "NANOS" ? (`TIMESTAMP_${u}` as const) : undefined;
      return {
        type: "INT64",
        converted_type,
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: utc, unit: u },
      };
    }
    case Type.Time: {
      const unit = (type as unknown as { unit: TimeUnit }).unit;
      const isAdjustedToUTC = field.metadata.get(TIME_UTC_KEY) === "true";
      if (unit === TimeUnit.SECOND)
        throw new UnwritableError(`column "${field.name}": Parquet has no time in seconds`);
      if (unit === TimeUnit.MILLISECOND)
        return {
          type: "INT32",
          converted_type: "TIME_MILLIS",
          logical_type: { type: "TIME", isAdjustedToUTC, unit: "MILLIS" },
        };
      const u = UNITS[unit]!;
      return {
        type: "INT64",
        converted_type: u === "MICROS" ? "TIME_MICROS" : undefined,
        logical_type: { type: "TIME", isAdjustedToUTC, unit: u },
      };
    }
    case Type.Decimal: {
      const { precision, scale } = type as unknown as { precision: number; scale: number };
      const logical_type = { type: "DECIMAL" as const, precision, scale };
      const base = { converted_type: "DECIMAL" as const, precision, scale, logical_type };
      if (precision <= 9) return { type: "INT32", ...base };
      if (precision <= 18) return { type: "INT64", ...base };
      return { type: "FIXED_LEN_BYTE_ARRAY", type_length: decimalBytes(precision), ...base };
    }
    default:
      throw new UnwritableError(
        `column "${field.name}" has Arrow type ${String(type)}, which this store cannot write exactly`,
      );
  }
}
