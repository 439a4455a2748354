import { type DataType, type Decimal, type Field, type Int, type Timestamp, Type } from "apache-arrow";
import { typeNameOf } from "../arrow/type-names.js";

/**
 * How a column's type changed between what the destination holds (`from`) and what arrives (`to`):
 * - `same`: the same hygge type name (`string` covers utf8 and large_utf8);
 * - `widened`: every value of `from` is a value of `to`, exactly (int32 → int64, float32 → float64,
 *   decimal(10, 2) → decimal(12, 4), timestamp[ms] → timestamp[us] in the same zone, string → large string);
 * - `narrowed`: the reverse (`to` holds less than `from`);
 * - `incompatible`: neither (string → int64, a zoned timestamp against a wall-clock one, int64 → float64).
 */
export type TypeRelation = "same" | "widened" | "narrowed" | "incompatible";

export function typeRelation(from: Field, to: Field): TypeRelation {
  if (typeNameOf(from) === typeNameOf(to)) return "same";
  if (holds(to.type, from.type)) return "widened";
  if (holds(from.type, to.type)) return "narrowed";
  return "incompatible";
}

/** Decimal digits an integer type needs (before the point of a decimal that holds it). */
const INT_DIGITS: Record<string, number> = {
  i8: 3,
  i16: 5,
  i32: 10,
  i64: 19,
  u8: 3,
  u16: 5,
  u32: 10,
  u64: 20,
};

/** True when every value of `narrow` is exactly a value of `wide`. */
export function holds(wide: DataType, narrow: DataType): boolean {
  if (wide.typeId !== narrow.typeId) {
    if (wide.typeId === Type.Decimal && narrow.typeId === Type.Int) {
      const d = wide as Decimal;
      const i = narrow as Int;
      // A negative scale (decimal(5, -15)) rounds integers to multiples of 10^15: never a widening.
      return d.scale >= 0 && d.precision - d.scale >= INT_DIGITS[`${i.isSigned ? "i" : "u"}${i.bitWidth}`]!;
    }
    if (wide.typeId === Type.LargeUtf8 && narrow.typeId === Type.Utf8) return true;
    if (wide.typeId === Type.LargeBinary && narrow.typeId === Type.Binary) return true;
    return false;
  }
  switch (wide.typeId) {
    case Type.Int: {
      const w = wide as Int;
      const n = narrow as Int;
      if (w.isSigned === n.isSigned) return w.bitWidth >= n.bitWidth;
      return w.isSigned && w.bitWidth > n.bitWidth; // uint32 fits int64, never the reverse
    }
    case Type.Float:
      return floatPrecision(wide) >= floatPrecision(narrow);
    case Type.Decimal: {
      const w = wide as Decimal;
      const n = narrow as Decimal;
      return w.scale >= n.scale && w.precision - w.scale >= n.precision - n.scale;
    }
    case Type.Timestamp: {
      const w = wide as Timestamp;
      const n = narrow as Timestamp;
      // A zone is not a detail: wall-clock and instant values mean different things.
      if ((w.timezone ?? null) !== (n.timezone ?? null)) return false;
      return w.unit >= n.unit; // SECOND 0 < MILLISECOND < MICROSECOND < NANOSECOND 3
    }
    case Type.Time:
      return (wide as Timestamp).unit >= (narrow as Timestamp).unit && timeBits(wide) >= timeBits(narrow);
    default:
      return false;
  }
}

function floatPrecision(type: DataType): number {
  return (type as unknown as { precision: number }).precision; // HALF 0, SINGLE 1, DOUBLE 2
}
function timeBits(type: DataType): number {
  return (type as unknown as { bitWidth: number }).bitWidth;
}
