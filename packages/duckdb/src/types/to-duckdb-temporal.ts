import { type Date_, DateUnit, type Field, type Time, type Timestamp, TimeUnit } from "apache-arrow";
import {
  type ColumnMapping,
  checkNoInfinity,
  copy,
  fixed,
  isValid,
  refuseValue,
  writeValidity,
} from "./to-duckdb-vector.js";

const MICROS: Record<number, bigint> = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1000n };
const TS_TYPES = ["TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP", "TIMESTAMP_NS"];
const I64_MAX = 2n ** 63n - 1n;

export function timestampColumn(field: Field<Timestamp>): ColumnMapping {
  const { unit, timezone } = field.type;
  const name = field.name;
  if (!timezone) {
    return {
      name,
      type: TS_TYPES[unit]!,
      write(vector, data, start, count) {
        checkNoInfinity(field, data, start, count);
        fixed(8)(vector, data, start, count);
      },
    };
  }
  // An Arrow timestamp with a zone is a UTC instant (the zone only says how to show it): TIMESTAMPTZ
  // keeps the instant in microseconds; the zone stays in the state's recorded columns.
  if (unit === TimeUnit.MICROSECOND) {
    return {
      name,
      type: "TIMESTAMPTZ",
      write(vector, data, start, count) {
        checkNoInfinity(field, data, start, count);
        fixed(8)(vector, data, start, count);
      },
    };
  }
  return {
    name,
    type: "TIMESTAMPTZ",
    write(vector, data, start, count) {
      const v = data.values as BigInt64Array;
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) {
        if (!isValid(data, start + i)) continue;
        const x = v[start + i]!;
        let us: bigint;
        if (unit === TimeUnit.NANOSECOND) {
          if (x % 1000n !== 0n) {
            refuseValue(
              field,
              start + i,
              `${x} ns`,
              "DuckDB's TIMESTAMPTZ (microseconds) cannot hold exactly",
              `Cast "${name}" to a timestamp without zone (TIMESTAMP_NS keeps nanoseconds) or round it to microseconds in the home.`,
            );
          }
          us = x / 1000n;
        } else us = x * MICROS[unit]!;
        if (us >= I64_MAX || us <= -I64_MAX) {
          refuseValue(
            field,
            start + i,
            String(x),
            "is outside DuckDB's TIMESTAMPTZ range",
            "Filter the row out.",
          );
        }
        out[i] = us;
      }
      copy(vector, out, 8, 0, count);
      writeValidity(vector, data, start, count);
    },
  };
}

export function timeColumn(field: Field<Time>): ColumnMapping {
  const { unit } = field.type;
  const perUnit = [1_000_000, 1000, 1, 1][unit]!;
  const max = unit === TimeUnit.NANOSECOND ? 86_400_000_000_000n : 86_400_000_000n;
  return {
    name: field.name,
    type: unit === TimeUnit.NANOSECOND ? "TIME_NS" : "TIME",
    write(vector, data, start, count) {
      const src = data.values as Int32Array | BigInt64Array;
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) {
        if (!isValid(data, start + i)) continue;
        const v = BigInt(src[start + i]!) * BigInt(perUnit);
        if (v < 0n || v > max) {
          refuseValue(
            field,
            start + i,
            String(src[start + i]),
            "is not a time of day",
            "Fix the source value.",
          );
        }
        out[i] = v;
      }
      copy(vector, out, 8, 0, count);
      writeValidity(vector, data, start, count);
    },
  };
}

export function dateColumn(field: Field<Date_>): ColumnMapping {
  const day = field.type.unit === DateUnit.DAY;
  return {
    name: field.name,
    type: "DATE",
    write(vector, data, start, count) {
      const src = data.values as Int32Array | BigInt64Array;
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        if (!isValid(data, start + i)) continue;
        const raw = src[start + i]!;
        const days = day ? Number(raw) : Number(BigInt(raw) / 86_400_000n);
        if (!day && BigInt(raw) % 86_400_000n !== 0n) {
          refuseValue(
            field,
            start + i,
            `${raw} ms`,
            "is not a whole day",
            "Cast it to a timestamp in the home.",
          );
        }
        if (days >= 2147483647 || days <= -2147483647) {
          refuseValue(field, start + i, String(raw), "DuckDB reads as infinity", "Filter the row out.");
        }
        out[i] = days;
      }
      copy(vector, out, 4, 0, count);
      writeValidity(vector, data, start, count);
    },
  };
}

/** The DuckDB column for an Arrow field, or SCHEMA_MISMATCH naming the column and what to do. */
