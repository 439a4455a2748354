import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  FixedSizeBinary,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Map_,
  Struct,
  TimeMicrosecond,
  TimeMillisecond,
  TimeNanosecond,
  Timestamp,
  TimeUnit,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from "apache-arrow";
import type { SchemaElement, SchemaTree } from "hyparquet";

/** Marks an Arrow field as a Parquet UUID so the store writes the UUID logical type back. */
export const UUID_METADATA = new Map([["ARROW:extension:name", "arrow.uuid"]]);

export class UnsupportedTypeError extends Error {}

const unsupported = (el: SchemaElement, why: string) =>
  new UnsupportedTypeError(`column "${el.name}" has a Parquet type hygge cannot read exactly: ${why}`);

/** The exact Arrow type of a Parquet leaf (primitive) element. */
export function leafType(el: SchemaElement): DataType {
  const lt = el.logical_type;
  const ct = el.converted_type;
  if (ct === "DECIMAL" || lt?.type === "DECIMAL") {
    const precision = el.precision ?? (lt?.type === "DECIMAL" ? lt.precision : 0);
    const scale = el.scale ?? (lt?.type === "DECIMAL" ? lt.scale : 0) ?? 0;
    return new Decimal(scale, precision, precision > 38 ? 256 : 128);
  }
  switch (el.type) {
    case "BOOLEAN":
      return new Bool();
    case "INT32": {
      if (ct === "DATE" || lt?.type === "DATE") return new DateDay();
      if (ct === "TIME_MILLIS" || (lt?.type === "TIME" && lt.unit === "MILLIS")) return new TimeMillisecond();
      const width = lt?.type === "INTEGER" ? lt.bitWidth : intWidth(ct);
      const signed = lt?.type === "INTEGER" ? lt.isSigned : !ct?.startsWith("UINT");
      if (width === 8) return signed ? new Int8() : new Uint8();
      if (width === 16) return signed ? new Int16() : new Uint16();
      return signed ? new Int32() : new Uint32();
    }
    case "INT64": {
      if (lt?.type === "TIMESTAMP") {
        const tz = lt.isAdjustedToUTC ? "UTC" : null;
        return new Timestamp(unitOf(lt.unit), tz);
      }
      if (ct === "TIMESTAMP_MILLIS") return new Timestamp(TimeUnit.MILLISECOND, "UTC");
      if (ct === "TIMESTAMP_MICROS") return new Timestamp(TimeUnit.MICROSECOND, "UTC");
      if (lt?.type === "TIME") return lt.unit === "NANOS" ? new TimeNanosecond() : new TimeMicrosecond();
      if (ct === "TIME_MICROS") return new TimeMicrosecond();
      const signed = lt?.type === "INTEGER" ? lt.isSigned : ct !== "UINT_64";
      return signed ? new Int64() : new Uint64();
    }
    case "INT96":
      return new Timestamp(TimeUnit.NANOSECOND, null);
    case "FLOAT":
      return new Float32();
    case "DOUBLE":
      return new Float64();
    case "BYTE_ARRAY":
      if (ct === "UTF8" || ct === "ENUM" || ct === "JSON" || lt?.type === "STRING" || lt?.type === "JSON")
        return new Utf8();
      if (ct === "BSON" || lt?.type === "BSON" || lt?.type === "VARIANT")
        throw unsupported(el, String(ct ?? lt?.type));
      return new Binary();
    case "FIXED_LEN_BYTE_ARRAY":
      if (lt?.type === "FLOAT16") return new Float16();
      if (ct === "INTERVAL") throw unsupported(el, "INTERVAL has no exact Arrow equivalent here");
      return new FixedSizeBinary(el.type_length ?? 0);
    default:
      throw unsupported(el, String(el.type));
  }
}

function intWidth(ct: string | undefined): number {
  if (ct === "INT_8" || ct === "UINT_8") return 8;
  if (ct === "INT_16" || ct === "UINT_16") return 16;
  return 32;
}

function unitOf(unit: string): TimeUnit {
  if (unit === "NANOS") return TimeUnit.NANOSECOND;
  if (unit === "MICROS") return TimeUnit.MICROSECOND;
  return TimeUnit.MILLISECOND;
}

export type Shape =
  | { kind: "leaf"; node: SchemaTree; type: DataType }
  | { kind: "struct"; node: SchemaTree; children: Shape[]; type: DataType }
  | { kind: "list"; node: SchemaTree; element: Shape; type: DataType }
  | { kind: "map"; node: SchemaTree; key: Shape; value: Shape; type: DataType };

/** The Arrow field of a top-level Parquet column, with the shape used to assemble it. */
export function shapeOf(node: SchemaTree): Shape {
  const el = node.element;
  if (el.repetition_type === "REPEATED" && node.children.length === 0) {
    throw new UnsupportedTypeError(
      `column "${el.name}": bare repeated fields (legacy lists) are not supported`,
    );
  }
  if (node.children.length === 0) return { kind: "leaf", node, type: leafType(el) };
  const annotation = el.converted_type ?? el.logical_type?.type;
  if (annotation === "LIST" && node.children.length === 1) {
    const repeated = node.children[0]!;
    const elementNode =
      repeated.children.length === 1 &&
      repeated.element.name !== "array" &&
      !repeated.element.name.endsWith("_tuple")
        ? repeated.children[0]!
        : repeated;
    if (elementNode === repeated)
      throw new UnsupportedTypeError(`column "${el.name}": legacy two-level lists are not supported`);
    const element = shapeOf(elementNode);
    const nullable = elementNode.element.repetition_type !== "REQUIRED";
    return { kind: "list", node, element, type: new List(new Field("item", element.type, nullable)) };
  }
  if ((annotation === "MAP" || annotation === "MAP_KEY_VALUE") && node.children.length === 1) {
    const kv = node.children[0]!;
    if (kv.children.length !== 2)
      throw new UnsupportedTypeError(`column "${el.name}": a map needs key and value`);
    const key = shapeOf(kv.children[0]!);
    const value = shapeOf(kv.children[1]!);
    const entries = new Struct([
      new Field("key", key.type, false),
      new Field("value", value.type, kv.children[1]!.element.repetition_type !== "REQUIRED"),
    ]);
    return { kind: "map", node, key, value, type: new Map_(new Field("entries", entries, false)) };
  }
  const children = node.children.map(shapeOf);
  const fields = children.map((c) => fieldOf(c));
  return { kind: "struct", node, children, type: new Struct(fields) };
}

export function fieldOf(shape: Shape): Field {
  const el = shape.node.element;
  const nullable = el.repetition_type !== "REQUIRED";
  const meta = el.logical_type?.type === "UUID" ? UUID_METADATA : undefined;
  return new Field(el.name, shape.type, nullable, meta);
}
