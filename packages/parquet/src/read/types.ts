import { EXTENSION_NAME_KEY, JSON_EXTENSION, UUID_EXTENSION } from "@hygge/core";
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
import { RefusedError, TYPE_HINT } from "./errors.js";

/**
 * Field metadata of an Arrow time column read from a Parquet TIME(isAdjustedToUTC=true) (a time of
 * day normalised to UTC, DuckDB's TIME WITH TIME ZONE): Arrow times have no such flag, and
 * writing it back as a local time would change the column's type.
 */
export const TIME_UTC_KEY = "parquet:time.isAdjustedToUTC";

export class UnsupportedTypeError extends RefusedError {
  constructor(message: string) {
    super(message, TYPE_HINT);
  }
}

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
      // A converted type without the logical type says nothing reliable about UTC: read it as
      // DuckDB and arrow-rs do, without a zone (the writer then writes isAdjustedToUTC=false).
      if (ct === "TIMESTAMP_MILLIS") return new Timestamp(TimeUnit.MILLISECOND, null);
      if (ct === "TIMESTAMP_MICROS") return new Timestamp(TimeUnit.MICROSECOND, null);
      if (lt?.type === "TIME") return lt.unit === "NANOS" ? new TimeNanosecond() : new TimeMicrosecond();
      if (ct === "TIME_MICROS") return new TimeMicrosecond();
      const signed = lt?.type === "INTEGER" ? lt.isSigned : ct !== "UINT_64";
      return signed ? new Int64() : new Uint64();
    }
    case "INT96":
      // Microseconds hold every INT96 value Spark and Hive write (±290,000 years); a value with a
      // sub-microsecond remainder is refused when it is read (see int96Micros).
      return new Timestamp(TimeUnit.MICROSECOND, null);
    case "FLOAT":
      return new Float32();
    case "DOUBLE":
      return new Float64();
    case "BYTE_ARRAY":
      if (lt?.type === "GEOMETRY" || lt?.type === "GEOGRAPHY")
        throw unsupported(el, `${lt.type} (hygge does not carry Parquet geospatial types yet)`);
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

/**
 * How a Parquet node becomes Arrow. `inherit`: the node's own repetition was consumed by the list
 * that holds it (a repeated field read as a list element, or a bare repeated field read as a
 * required list), so its levels are its parent's.
 */
export type Shape = (
  | { kind: "leaf"; node: SchemaTree; type: DataType }
  | { kind: "struct"; node: SchemaTree; children: Shape[]; type: DataType }
  | { kind: "list"; node: SchemaTree; repeated: SchemaTree; element: Shape; type: DataType }
  | { kind: "map"; node: SchemaTree; repeated: SchemaTree; key: Shape; value: Shape; type: DataType }
) & {
  inherit?: boolean;
  /** Field metadata restored from the file's Arrow schema (`ARROW:schema`), under the Parquet-derived keys. */
  metadata?: Map<string, string>;
};

const annotation = (node: SchemaTree) => node.element.converted_type ?? node.element.logical_type?.type;

/**
 * The Arrow shape of a Parquet node, following the Parquet spec's backward-compatibility rules
 * for lists and maps: a repeated field outside a LIST/MAP group is a required list of required
 * elements; a LIST group's element is its repeated field itself (rules 1–4: a primitive, a group
 * of several fields, a group whose one field is repeated, a group named `array` or `<name>_tuple`)
 * or else that field's only child.
 */
export function shapeOf(node: SchemaTree, asElement = false): Shape {
  const el = node.element;
  const inherit = asElement || undefined;
  if (!asElement && el.repetition_type === "REPEATED") {
    const element = shapeOf(node, true);
    return {
      kind: "list",
      node,
      repeated: node,
      element,
      type: new List(elementField(element)),
      inherit: true,
    };
  }
  if (node.children.length === 0) return { kind: "leaf", node, type: leafType(el), inherit };
  const ann = annotation(node);
  if (ann === "LIST" && node.children.length === 1) {
    const repeated = node.children[0]!;
    if (repeated.element.repetition_type !== "REPEATED")
      throw new UnsupportedTypeError(`column "${el.name}": a LIST group whose child is not repeated`);
    const only = repeated.children.length === 1 ? repeated.children[0]! : undefined;
    const twoLevel =
      !only ||
      only.element.repetition_type === "REPEATED" ||
      repeated.element.name === "array" ||
      repeated.element.name === `${el.name}_tuple`;
    const element = twoLevel ? shapeOf(repeated, true) : shapeOf(only!);
    return { kind: "list", node, repeated, element, type: new List(elementField(element)), inherit };
  }
  if ((ann === "MAP" || ann === "MAP_KEY_VALUE") && node.children.length === 1) {
    const kv = node.children[0]!;
    if (kv.element.repetition_type !== "REPEATED" || kv.children.length !== 2)
      throw new UnsupportedTypeError(
        `column "${el.name}": a map without values (its key-value group has ${kv.children.length} field(s)); hygge carries maps with one key and one value`,
      );
    const key = shapeOf(kv.children[0]!);
    const value = shapeOf(kv.children[1]!);
    return { kind: "map", node, repeated: kv, key, value, type: mapType(key, value), inherit };
  }
  const children = node.children.map((c) => shapeOf(c));
  const fields = children.map((c) => fieldOf(c));
  return { kind: "struct", node, children, type: new Struct(fields), inherit };
}

/** The Arrow map type of a map's key and value shapes (field metadata included). */
export function mapType(key: Shape, value: Shape): Map_ {
  const entries = new Struct([
    new Field("key", key.type, false, fieldOf(key).metadata),
    new Field(
      "value",
      value.type,
      value.node.element.repetition_type !== "REQUIRED",
      fieldOf(value).metadata,
    ),
  ]);
  return new Map_(new Field("entries", entries, false));
}

export function elementField(element: Shape): Field {
  const f = fieldOf(element);
  return new Field("element", f.type, f.nullable, f.metadata);
}

export function fieldOf(shape: Shape): Field {
  const el = shape.node.element;
  const nullable = !shape.inherit && el.repetition_type !== "REQUIRED";
  const parquet = extensionOf(el);
  // What the Parquet schema says (UUID, JSON, a UTC-adjusted time) describes the data; it wins.
  const metadata = shape.metadata ? new Map([...shape.metadata, ...(parquet ?? [])]) : parquet;
  return new Field(el.name, shape.type, nullable, metadata);
}

/** Arrow canonical extension types of Parquet logical types, and the UTC flag of times (field metadata). */
function extensionOf(el: SchemaElement): Map<string, string> | undefined {
  if (el.logical_type?.type === "TIME" && el.logical_type.isAdjustedToUTC)
    return new Map([[TIME_UTC_KEY, "true"]]);
  if (el.logical_type?.type === "UUID" && el.type === "FIXED_LEN_BYTE_ARRAY" && el.type_length === 16)
    return new Map([[EXTENSION_NAME_KEY, UUID_EXTENSION]]);
  if ((el.logical_type?.type === "JSON" || el.converted_type === "JSON") && el.type === "BYTE_ARRAY")
    return new Map([[EXTENSION_NAME_KEY, JSON_EXTENSION]]);
  return undefined;
}
