import { cellToJson, formatDecimal, formatUuid, isJsonField, isUuidField, wordsToBigInt } from "@hygge/core";
import { type Data, type Decimal, type Field, type Timestamp, Type, type Vector } from "apache-arrow";
import { formatDays, formatTimeOfDay, formatTimestamp } from "./calendar.js";

/** Stands for a null cell; the stringifier writes the null marker for it, unquoted. */
export const NULL_CELL = Object.freeze({ null: true });
export type Cell = string | typeof NULL_CELL;

/** Text of row `i` of a column (valid rows only). */
export type CellFormatter = (vector: Vector, data: Data, i: number) => string;

export interface FormatOptions {
  binary: "base64" | "hex";
  nested: "error" | "json";
}

const NESTED = new Set<number>([Type.List, Type.LargeList, Type.FixedSizeList, Type.Struct, Type.Map]);

/** How a column's values are written, or undefined when CSV cannot hold its type exactly. */
export function formatterFor(field: Field, options: FormatOptions): CellFormatter | undefined {
  const type = field.type;
  if (isUuidField(field)) return (v, _d, i) => formatUuid(v.get(i) as Uint8Array);
  if (isJsonField(field)) return (v, _d, i) => v.get(i) as string;
  if (NESTED.has(type.typeId))
    return options.nested === "json" ? (v, _d, i) => JSON.stringify(cellToJson(v, i)) : undefined;
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return (v, _d, i) => v.get(i) as string;
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return (v, _d, i) => Buffer.from(v.get(i) as Uint8Array).toString(options.binary);
    case Type.Bool:
      return (v, _d, i) => (v.get(i) ? "true" : "false");
    case Type.Int:
      return (_v, d, i) => String((d.values as Int32Array | BigInt64Array)[i]);
    case Type.Float:
      // -0 keeps its sign; Infinity and NaN are spelled as DuckDB reads them.
      return (_v, d, i) => {
        const x = (d.values as Float64Array)[i]!;
        return Object.is(x, -0) ? "-0" : String(x);
      };
    case Type.Decimal: {
      const { scale, bitWidth } = type as Decimal;
      const words = bitWidth / 32;
      return (_v, d, i) => formatDecimal(wordsToBigInt(d.values as Uint32Array, i * words, words), scale);
    }
    case Type.Date:
      return (type as { unit: number }).unit === 0
        ? (_v, d, i) => formatDays((d.values as Int32Array)[i]!)
        : (_v, d, i) => {
            const ms = Number((d.values as BigInt64Array)[i]!);
            if (ms % 86_400_000 !== 0) throw new RangeError(`date64 value ${ms} is not a whole day`);
            return formatDays(ms / 86_400_000);
          };
    case Type.Time: {
      const unit = (type as { unit: number }).unit;
      return (_v, d, i) => formatTimeOfDay(BigInt((d.values as Int32Array | BigInt64Array)[i]!), unit);
    }
    case Type.Timestamp: {
      // Instants are written in UTC with `Z` (the same instant in every reader); wall-clock
      // times without zone.
      const { unit, timezone } = type as Timestamp;
      const suffix = timezone ? "Z" : "";
      return (_v, d, i) => formatTimestamp((d.values as BigInt64Array)[i]!, unit) + suffix;
    }
    default:
      return undefined;
  }
}
