import { Bool, DateDay, Decimal, Field, Int64, Timestamp, TimeUnit, Utf8 } from "apache-arrow";
import { validDays } from "./calendar.js";
import { timestampShape } from "./parse-values.js";

/**
 * What a column's sample says it is. Only exact types are inferred: integers in canonical form
 * (no leading zero or plus sign, which a number would not keep) are int64, or decimal(p, 0) beyond;
 * numbers with a fraction are decimal(p, s) covering every sampled value (never float64); ISO
 * timestamps with an offset are instants (UTC), without one wall-clock times.
 */
type Kind = "none" | "bool" | "int" | "decimal" | "date" | "timestamp" | "instant" | "string";

interface ColumnSample {
  kind: Kind;
  /** Integer digits and fraction digits needed so far (for int and decimal). */
  digits: number;
  scale: number;
  /** A value has non-zero digits below the microsecond. */
  nanos: boolean;
}

const BOOL = /^(true|false)$/i;
const NUMBER = /^-?(0|[1-9]\d*)(?:\.(\d+))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_PRECISION = 38;

function kindOf(text: string, sample: ColumnSample): Kind {
  if (BOOL.test(text)) return "bool";
  const number = NUMBER.exec(text);
  if (number) {
    const integer = number[1] === "0" ? 0 : number[1]!.length;
    sample.digits = Math.max(sample.digits, integer);
    if (number[2] === undefined) {
      const value = BigInt(text);
      return value < INT64_MIN || value > INT64_MAX ? "decimal" : "int";
    }
    sample.scale = Math.max(sample.scale, number[2].length);
    return "decimal";
  }
  const date = DATE.exec(text);
  if (date)
    return validDays(Number(date[1]), Number(date[2]), Number(date[3])) === undefined ? "string" : "date";
  const shape = timestampShape(text);
  if (shape) {
    sample.nanos ||= shape.nanos;
    return shape.zoned ? "instant" : "timestamp";
  }
  return "string";
}

function merge(a: Kind, b: Kind): Kind {
  if (a === "none" || a === b) return b;
  const pair = new Set([a, b]);
  if (pair.has("int") && pair.has("decimal")) return "decimal";
  // A date is midnight of a wall-clock timestamp, exactly.
  if (pair.has("date") && pair.has("timestamp")) return "timestamp";
  return "string";
}

export function newSample(): ColumnSample {
  return { kind: "none", digits: 0, scale: 0, nanos: false };
}

export function observe(sample: ColumnSample, text: string | null): void {
  if (text === null || sample.kind === "string") return;
  sample.kind = merge(sample.kind, kindOf(text, sample));
}

/** The field a column's sample settles on (a column of nulls only, or none, is a string). */
export function inferredField(name: string, sample: ColumnSample): Field {
  switch (sample.kind) {
    case "bool":
      return new Field(name, new Bool(), true);
    case "int":
      return new Field(name, new Int64(), true);
    case "decimal": {
      const precision = Math.max(1, sample.digits + sample.scale);
      if (precision > MAX_PRECISION) return new Field(name, new Utf8(), true);
      return new Field(name, new Decimal(sample.scale, precision, 128), true);
    }
    case "date":
      return new Field(name, new DateDay(), true);
    case "timestamp":
    case "instant": {
      // Sub-microsecond digits are kept: such a column is inferred in nanoseconds.
      const unit = sample.nanos ? TimeUnit.NANOSECOND : TimeUnit.MICROSECOND;
      return new Field(name, new Timestamp(unit, sample.kind === "instant" ? "UTC" : null), true);
    }
    default:
      return new Field(name, new Utf8(), true);
  }
}
