import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  type Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  TimeMicrosecond,
  TimeMillisecond,
  TimeNanosecond,
  TimeSecond,
  Timestamp,
  TimeUnit,
  Type,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from "apache-arrow";
import { isJsonField, isUuidField, jsonField, uuidField } from "./extension.js";

/**
 * hygge's type names, as users write them in `columns:` (CSV, NDJSON) and as `hygge debug` shows
 * inferred schemas: `bool`, `int8`…`int64`, `uint8`…`uint64`, `float32`, `float64`, `string`,
 * `binary`, `date`, `time[s|ms|us|ns]`, `timestamp[s|ms|us|ns]` (no zone: a wall-clock time),
 * `timestamp[us, UTC]` or `timestamp[ms, Europe/Paris]` (an instant, shown in that zone),
 * `decimal(precision, scale)`, `uuid`, `json`, `list<type>`.
 */
export const TYPE_NAME_HINT =
  "use one of bool, int8, int16, int32, int64, uint8…uint64, float32, float64, string, binary, date, time[us], timestamp[us], timestamp[us, UTC], decimal(18, 2), uuid, json, list<int64>";

const UNITS: Record<string, TimeUnit> = {
  s: TimeUnit.SECOND,
  ms: TimeUnit.MILLISECOND,
  us: TimeUnit.MICROSECOND,
  ns: TimeUnit.NANOSECOND,
};
const UNIT_NAMES = ["s", "ms", "us", "ns"] as const;

const SIMPLE: Record<string, () => DataType> = {
  bool: () => new Bool(),
  boolean: () => new Bool(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  string: () => new Utf8(),
  binary: () => new Binary(),
  date: () => new DateDay(),
};

/** A type name that does not parse: the message says which part. */
export class TypeNameError extends Error {}

/** The Arrow field for column `name` of type `typeName` (uuid and json carry their extension). */
export function fieldFromTypeName(name: string, typeName: string, nullable = true): Field {
  const t = typeName.trim().toLowerCase();
  if (t === "uuid") return uuidField(name, nullable);
  if (t === "json") return jsonField(name, nullable);
  return new Field(name, typeFromName(typeName), nullable);
}

export function typeFromName(typeName: string): DataType {
  const raw = typeName.trim();
  const t = raw.toLowerCase();
  const simple = SIMPLE[t];
  if (simple) return simple();
  let m = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
  if (m) {
    const precision = Number(m[1]);
    const scale = Number(m[2]);
    if (precision < 1 || precision > 76 || scale > precision)
      throw new TypeNameError(`${raw}: precision must be 1 to 76 and scale at most the precision`);
    return new Decimal(scale, precision, precision <= 38 ? 128 : 256);
  }
  m = /^time(?:\s*\[\s*(s|ms|us|ns)\s*\])?$/.exec(t);
  if (m) {
    const unit = m[1] ?? "us";
    if (unit === "s") return new TimeSecond();
    if (unit === "ms") return new TimeMillisecond();
    if (unit === "ns") return new TimeNanosecond();
    return new TimeMicrosecond();
  }
  // The zone keeps its case (Europe/Paris).
  m = /^timestamp(?:\s*\[\s*(s|ms|us|ns)\s*(?:,\s*([^\]]+?)\s*)?\])?$/i.exec(raw);
  if (m) {
    const zone = m[2];
    if (zone !== undefined && !validZone(zone))
      throw new TypeNameError(`${raw}: unknown time zone "${zone}"`);
    return new Timestamp(UNITS[(m[1] ?? "us").toLowerCase()]!, zone === "utc" ? "UTC" : zone);
  }
  m = /^list\s*<(.+)>$/i.exec(raw);
  if (m) return new List(new Field("item", typeFromName(m[1]!), true));
  throw new TypeNameError(`unknown type "${raw}"`);
}

function validZone(zone: string): boolean {
  if (/^utc$/i.test(zone)) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The name of a field's type, as `fieldFromTypeName` takes it back. */
export function typeNameOf(field: Field): string {
  if (isUuidField(field)) return "uuid";
  if (isJsonField(field)) return "json";
  return nameOf(field.type);
}

function nameOf(type: DataType): string {
  switch (type.typeId) {
    case Type.Decimal:
      return `decimal(${(type as Decimal).precision}, ${(type as Decimal).scale})`;
    case Type.Timestamp: {
      const ts = type as Timestamp;
      const unit = UNIT_NAMES[ts.unit];
      return ts.timezone ? `timestamp[${unit}, ${ts.timezone}]` : `timestamp[${unit}]`;
    }
    case Type.Time:
      return `time[${UNIT_NAMES[(type as TimeMicrosecond).unit]}]`;
    case Type.List:
      return `list<${nameOf((type as List).valueType)}>`;
    case Type.Date:
      return "date";
    case Type.Bool:
      return "bool";
    case Type.Utf8:
    case Type.LargeUtf8:
      return "string";
    case Type.Binary:
    case Type.LargeBinary:
      return "binary";
    case Type.Int: {
      const i = type as Int32;
      return `${i.isSigned ? "int" : "uint"}${i.bitWidth}`;
    }
    case Type.Float:
      // HALF 0, SINGLE 1, DOUBLE 2. float16 is shown (and recorded) as itself but not accepted in
      // `columns:`: the CSV and NDJSON readers build float32 and float64 only.
      return `float${16 << (type as Float16).precision}`;
    default:
      return type.toString();
  }
}
