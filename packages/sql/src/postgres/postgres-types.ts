import { HyggeError, parseDecimal } from "@hygge/core";
import {
  TimeUnit as ArrowTimeUnit,
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  TimeMicrosecond,
  Timestamp,
  Utf8,
} from "apache-arrow";
import {
  BoolBuilder,
  type ColumnBuilder,
  DecimalBuilder,
  FixedBuilder,
  VarBuilder,
} from "../arrow/column-builder.js";
import { parseDate, parseTimeMicros, parseTimestamp, type TimeUnit } from "../arrow/temporal.js";

/** Column metadata as PostgreSQL describes a result (RowDescription). */
export interface PgField {
  name: string;
  dataTypeID: number;
  dataTypeModifier: number;
}

/** Type OIDs hygge reads (pg_type.oid values are fixed for built-in types). */
export const PG_OID = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

const TEXT_OIDS = new Set<number>([
  PG_OID.text,
  PG_OID.varchar,
  PG_OID.bpchar,
  PG_OID.char,
  PG_OID.name,
  PG_OID.json,
  PG_OID.jsonb,
  PG_OID.xml,
  PG_OID.uuid,
]);

/** Timestamp precision (typmod) → Arrow unit: 0 → s, 1–3 → ms, otherwise µs (PostgreSQL's limit). */
export function pgTimestampUnit(typmod: number): TimeUnit {
  if (typmod === 0) return "s";
  if (typmod >= 1 && typmod <= 3) return "ms";
  return "us";
}

const ARROW_UNIT = {
  s: ArrowTimeUnit.SECOND,
  ms: ArrowTimeUnit.MILLISECOND,
  us: ArrowTimeUnit.MICROSECOND,
  ns: ArrowTimeUnit.NANOSECOND,
} as const;

/** numeric(p,s) typmod → [precision, scale]; undefined for unconstrained numeric. */
export function pgNumericPrecision(typmod: number): [number, number] | undefined {
  if (typmod < 4) return undefined;
  const t = typmod - 4;
  return [(t >> 16) & 0xffff, t & 0xffff];
}

const hexToBytes = (text: string) => Buffer.from(text.slice(2), "hex");

/**
 * A builder turning PostgreSQL text values of `field` into one exact Arrow column.
 * Session settings (DateStyle ISO, TimeZone UTC, bytea hex, extra_float_digits 3) make the text stable.
 */
export function pgColumnBuilder(field: PgField, capacity: number, typeName: string): ColumnBuilder {
  const oid = field.dataTypeID;
  const typmod = field.dataTypeModifier;
  switch (oid) {
    case PG_OID.bool:
      return new BoolBuilder(new Bool(), (s: string) => s === "t", capacity);
    case PG_OID.int2:
      return new FixedBuilder(new Int16(), Int16Array, (s: string) => +s, capacity);
    case PG_OID.int4:
      return new FixedBuilder(new Int32(), Int32Array, (s: string) => +s, capacity);
    case PG_OID.int8:
    case PG_OID.oid:
      return new FixedBuilder(new Int64(), BigInt64Array, BigInt, capacity);
    case PG_OID.float4:
      return new FixedBuilder(new Float32(), Float32Array, Number, capacity);
    case PG_OID.float8:
      return new FixedBuilder(new Float64(), Float64Array, Number, capacity);
    case PG_OID.numeric: {
      const ps = pgNumericPrecision(typmod);
      // Unconstrained numeric has no fixed scale: kept exact as its decimal text.
      if (!ps) return new VarBuilder(new Utf8(), String, capacity);
      const [precision, scale] = ps;
      if (precision > 38) return new VarBuilder(new Utf8(), String, capacity);
      const type = new Decimal(scale, precision, 128);
      return new DecimalBuilder(
        type,
        (s: string) => {
          if (s === "NaN" || s.endsWith("Infinity")) throw unsupportedValue(field, s, "numeric");
          return parseDecimal(s, scale);
        },
        capacity,
      );
    }
    case PG_OID.bytea:
      return new VarBuilder(new Binary(), hexToBytes, capacity);
    case PG_OID.date:
      return new FixedBuilder(new DateDay(), Int32Array, checked(field, parseDate), capacity);
    case PG_OID.time:
      return new FixedBuilder(new TimeMicrosecond(), BigInt64Array, parseTimeMicros, capacity);
    case PG_OID.timestamp:
    case PG_OID.timestamptz: {
      const unit = pgTimestampUnit(typmod);
      const type = new Timestamp(ARROW_UNIT[unit], oid === PG_OID.timestamptz ? "UTC" : null);
      return new FixedBuilder(
        type,
        BigInt64Array,
        checked(field, (s: string) => parseTimestamp(s, unit)),
        capacity,
      );
    }
    default:
      if (TEXT_OIDS.has(oid)) return new VarBuilder(new Utf8(), String, capacity);
      throw unsupportedType(field, typeName);
  }
}

/** The error for a column whose type hygge does not map: names the column and its type. */
export function unsupportedType(field: PgField, typeName: string): HyggeError {
  return new HyggeError(
    "SCHEMA_MISMATCH",
    `column "${field.name}" has PostgreSQL type ${typeName}, which hygge cannot read`,
    {
      subject: field.name,
      hint: 'Cast it in a query (e.g. "query: SELECT id, col::text AS col FROM t") or leave it out with columns:.',
    },
  );
}

function checked<T>(field: PgField, parse: (s: string) => T): (s: string) => T {
  return (s) => {
    try {
      return parse(s);
    } catch {
      throw unsupportedValue(field, s, "date/time");
    }
  };
}

function unsupportedValue(field: PgField, value: string, kind: string): HyggeError {
  return new HyggeError(
    "HOME_READ_FAILED",
    `column "${field.name}" holds ${kind} value ${value}, which Arrow cannot hold exactly`,
    {
      subject: field.name,
      hint: "Filter or cast such values in a query (infinity and NaN have no Arrow equivalent).",
    },
  );
}

/** True when `pgColumnBuilder` maps this type OID (otherwise the caller looks up its name for the error). */
export function pgReadable(oid: number): boolean {
  return TEXT_OIDS.has(oid) || (Object.values(PG_OID) as number[]).includes(oid);
}

export type { DataType };
