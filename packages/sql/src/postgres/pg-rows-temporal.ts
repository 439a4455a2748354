import type { Watermark } from "@hygge/core";
import {
  TimeUnit as ArrowTimeUnit,
  type Data,
  DateDay,
  TimeMicrosecond,
  TimeMillisecond,
  TimeSecond,
  Timestamp,
  Type,
} from "apache-arrow";
import { FixedBuilder } from "../arrow/column-builder.js";
import { formatDate, formatTimeMicros, formatTimestamp, type TimeUnit } from "../arrow/temporal.js";
import {
  type AnyType,
  INFINITY_HINT,
  len4,
  type PgEncoder,
  type PgTypeRow,
  readRefused,
  writeRefused,
} from "./pg-type-row.js";

const PG_EPOCH_DAYS = 10_957; // 2000-01-01 in days since 1970-01-01
const PG_EPOCH_MICROS = 946_684_800_000_000n;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;
const DAY_MS = 86_400_000;
const UNITS: TimeUnit[] = ["s", "ms", "us", "ns"];
/** Arrow time unit → micros per unit (ns: divided, refused when not whole µs). */
const PER_MICRO = [1_000_000n, 1000n, 1n, 0n] as const;
/** Declared precision by Arrow unit: s, ms, then none for µs and ns (PostgreSQL's default and maximum, 6). */
const PRECISION = ["(0)", "(3)", "", ""] as const;

/** Timestamp precision (typmod) → Arrow unit: 0 → s, 1–3 → ms, otherwise µs (PostgreSQL's limit). */
export function pgTimestampUnit(typmod: number): TimeUnit {
  if (typmod === 0) return "s";
  if (typmod >= 1 && typmod <= 3) return "ms";
  return "us";
}

const ARROW_UNIT = { s: ArrowTimeUnit.SECOND, ms: ArrowTimeUnit.MILLISECOND, us: ArrowTimeUnit.MICROSECOND };

const subMicro = (column: string, value: bigint) =>
  writeRefused(
    column,
    `${value}ns`,
    "PostgreSQL keeps microseconds: truncate the column to microseconds before loading it.",
  );

/** Epoch values of `unit` as microseconds (exact, or refused). */
function toMicros(column: string, unit: number, values: any): (i: number) => bigint {
  if (unit === ArrowTimeUnit.NANOSECOND)
    return (i) => {
      const v = values[i] as bigint;
      if (v % 1000n !== 0n) throw subMicro(column, v);
      return v / 1000n;
    };
  const per = PER_MICRO[unit as 0 | 1 | 2];
  if (per === 1n) return (i) => values[i] as bigint;
  return (i) => {
    const micros = BigInt(values[i]) * per;
    if (micros > INT64_MAX || micros < INT64_MIN)
      throw writeRefused(
        column,
        `${values[i]}${UNITS[unit]}`,
        "The value is outside PostgreSQL's timestamp range.",
      );
    return micros;
  };
}

/**
 * Refuses times and timestamps with more fraction digits than a target time(p) / timestamp(p)
 * keeps (PostgreSQL would round them); typmod -1 is 6 digits.
 */
function precisionGuard(data: Data, column: string, typmod: number): ((i: number) => void) | undefined {
  const unit = (data.type as AnyType).unit as number;
  const digits = unit === ArrowTimeUnit.SECOND ? 0 : unit === ArrowTimeUnit.MILLISECOND ? 3 : 6;
  const kept = typmod < 0 ? 6 : typmod;
  if (kept >= digits) return undefined;
  const micros = toMicros(column, unit, data.values);
  const step = 10n ** BigInt(6 - kept);
  return (i) => {
    const v = micros(i);
    if (v % step !== 0n)
      throw writeRefused(
        column,
        `${data.values[i]}${UNITS[unit]}`,
        `The column keeps ${kept} fraction digits of a second, which would round it: widen the column (e.g. timestamp(6)), or truncate the value before loading.`,
      );
  };
}

function int64Encoder(data: Data, value: (i: number) => bigint): PgEncoder {
  return {
    bytes: data.length * 12,
    write: (buf, at, i) => {
      len4(buf, at, 8);
      buf.writeBigInt64BE(value(i), at + 4);
      return at + 12;
    },
  };
}

export const dateRow: PgTypeRow = {
  name: "date",
  oids: [1082],
  arrayOids: [1182],
  read: (column) => ({
    type: new DateDay(),
    builder: (capacity) => new FixedBuilder(new DateDay(), Int32Array, () => 0, capacity),
    decoder: (b) => {
      const fixed = b as FixedBuilder;
      return (buf, start) => {
        const days = buf.readInt32BE(start);
        if (days === 0x7fffffff || days === -0x80000000)
          throw readRefused(column.name, "an infinite date", INFINITY_HINT);
        const i = fixed.slot();
        fixed.array[i] = days + PG_EPOCH_DAYS;
      };
    },
  }),
  takes: (f) => f.type.typeId === Type.Date,
  ddl: () => "date",
  binaryTargets: () => ["date"],
  encode: (data, column) => {
    const values = data.values as any;
    if ((data.type as AnyType).unit === 0)
      return {
        bytes: data.length * 8,
        write: (buf, at, i) => {
          len4(buf, at, 4);
          buf.writeInt32BE(values[i] - PG_EPOCH_DAYS, at + 4);
          return at + 8;
        },
      };
    const days = dayOf(column, values);
    return {
      bytes: data.length * 8,
      write: (buf, at, i) => {
        len4(buf, at, 4);
        buf.writeInt32BE(days(i) - PG_EPOCH_DAYS, at + 4);
        return at + 8;
      },
    };
  },
  text: (data, column) => {
    const values = data.values as any;
    if ((data.type as AnyType).unit === 0) return (i) => formatDate(values[i]);
    const days = dayOf(column, values);
    return (i) => formatDate(days(i));
  },
};

/** Date64 (milliseconds) → days; a time of day other than midnight is refused, not dropped. */
function dayOf(column: string, values: any): (i: number) => number {
  return (i) => {
    const ms = Number(values[i]);
    if (ms % DAY_MS !== 0)
      throw writeRefused(
        column,
        `date64 value ${ms}ms (not midnight)`,
        "Cast the column to a timestamp, or to a day date.",
      );
    return ms / DAY_MS;
  };
}

export const timeRow: PgTypeRow = {
  name: "time without time zone",
  oids: [1083],
  arrayOids: [1183],
  // time(0) → Time32 s, time(1–3) → Time32 ms, otherwise Time64 µs (as timestamps).
  read: (column) => {
    const unit = pgTimestampUnit(column.typmod);
    const type =
      unit === "s" ? new TimeSecond() : unit === "ms" ? new TimeMillisecond() : new TimeMicrosecond();
    const wide = unit === "us";
    const per = unit === "s" ? 1_000_000n : 1000n;
    return {
      type,
      builder: (capacity) => new FixedBuilder(type, wide ? BigInt64Array : Int32Array, () => 0, capacity),
      decoder: (b) => {
        const fixed = b as FixedBuilder;
        return (buf, start) => {
          const micros = buf.readBigInt64BE(start);
          const i = fixed.slot();
          // Values of time(p ≤ 3) are whole units of 10^-p s: the division is exact.
          if (wide) fixed.array[i] = micros;
          else fixed.array[i] = Number(micros / per);
        };
      },
    };
  },
  takes: (f) => f.type.typeId === Type.Time,
  ddl: (f) => `time${PRECISION[(f.type as AnyType).unit as 0 | 1 | 2 | 3]}`,
  binaryTargets: () => ["time without time zone"],
  encode: (data, column) => int64Encoder(data, toMicros(column, (data.type as AnyType).unit, data.values)),
  guard: precisionGuard,
  text: (data, column) => {
    const micros = toMicros(column, (data.type as AnyType).unit, data.values);
    return (i) => formatTimeMicros(micros(i));
  },
};

function timestampRowOf(zoned: boolean): PgTypeRow {
  const name = zoned ? "timestamp with time zone" : "timestamp without time zone";
  return {
    name,
    oids: [zoned ? 1184 : 1114],
    arrayOids: [zoned ? 1185 : 1115],
    read: (column) => {
      const unit = pgTimestampUnit(column.typmod);
      const type = new Timestamp(ARROW_UNIT[unit as "s" | "ms" | "us"], zoned ? "UTC" : null);
      const per = unit === "us" ? 1n : unit === "ms" ? 1000n : 1_000_000n;
      return {
        type,
        builder: (capacity) => new FixedBuilder(type, BigInt64Array, () => 0, capacity),
        decoder: (b) => {
          const fixed = b as FixedBuilder;
          return (buf, start) => {
            const raw = buf.readBigInt64BE(start);
            if (raw === INT64_MAX || raw === INT64_MIN)
              throw readRefused(column.name, "an infinite timestamp", INFINITY_HINT);
            const micros = raw + PG_EPOCH_MICROS;
            const i = fixed.slot();
            // Values of timestamp(p ≤ 3) are whole units of 10^-p s: the division is exact.
            fixed.array[i] = per === 1n ? micros : micros / per - (micros % per < 0n ? 1n : 0n);
          };
        },
      };
    },
    // A timestamp with any zone is an instant: stored as timestamptz (read back in UTC).
    takes: (f) => f.type.typeId === Type.Timestamp && Boolean((f.type as AnyType).timezone) === zoned,
    ddl: (f) => {
      const p = PRECISION[(f.type as AnyType).unit as 0 | 1 | 2 | 3];
      return zoned ? `timestamp${p} with time zone` : `timestamp${p}`;
    },
    binaryTargets: () => ["timestamp without time zone", "timestamp with time zone"],
    guard: precisionGuard,
    encode: (data, column) => {
      const micros = toMicros(column, (data.type as AnyType).unit, data.values);
      return int64Encoder(data, (i) => micros(i) - PG_EPOCH_MICROS);
    },
    text: (data, column) => {
      const t = data.type as AnyType;
      const values = data.values as BigInt64Array;
      const zone = zoned ? "+00" : "";
      return (i) => {
        try {
          return formatTimestamp(values[i]!, UNITS[t.unit]!, 6) + zone;
        } catch (error) {
          throw writeRefused(
            column,
            `${values[i]}${UNITS[t.unit]}`,
            "Truncate the column to microseconds before loading it.",
            error,
          );
        }
      };
    },
  };
}

export const timestampRow = timestampRowOf(false);
export const timestamptzRow = timestampRowOf(true);

/** The watermark as text PostgreSQL casts to the column's type (bound as a parameter, never inlined). */
export function temporalWatermark(since: Watermark): string | undefined {
  if (since.kind === "timestamp") {
    const text = formatTimestamp(BigInt(since.value), (since.unit ?? "us") as TimeUnit, 9);
    return since.timezone ? `${text}+00` : text;
  }
  if (since.kind === "date")
    return since.unit === "ms"
      ? formatDate(Math.floor(Number(since.value) / DAY_MS))
      : formatDate(Number(since.value));
  return undefined;
}
