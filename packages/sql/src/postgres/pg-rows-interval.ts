import { type Data, IntervalMonthDayNano, Type } from "apache-arrow";
import { StrideBuilder } from "../arrow/column-builder.js";
import { type AnyType, len4, type PgTypeRow, readRefused, writeRefused } from "./pg-type-row.js";

const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

/**
 * interval ↔ Interval(MonthDayNano): months, days and time kept apart as PostgreSQL keeps them
 * (a month is not 30 days, a day is not 24 hours across DST), time as µs × 1000 ns.
 */
export const intervalRow: PgTypeRow = {
  name: "interval",
  oids: [1186],
  arrayOids: [1187],
  read: (column) => {
    const type = new IntervalMonthDayNano();
    return {
      type,
      builder: (capacity) => new StrideBuilder(type, 16, capacity),
      decoder: (b) => {
        const s = b as StrideBuilder;
        return (buf, start) => {
          const micros = buf.readBigInt64BE(start);
          const days = buf.readInt32BE(start + 8);
          const months = buf.readInt32BE(start + 12);
          if (micros > INT64_MAX / 1000n || micros < INT64_MIN / 1000n)
            throw readRefused(
              column.name,
              `an interval of ${micros}µs (${days} days, ${months} months)`,
              "Arrow keeps interval time as 64-bit nanoseconds (±292 years): split the interval in a query.",
            );
          const at = s.slot() * 16;
          const view = s.bytes;
          const dv = new DataView(view.buffer, view.byteOffset + at, 16);
          dv.setInt32(0, months, true);
          dv.setInt32(4, days, true);
          dv.setBigInt64(8, micros * 1000n, true);
        };
      },
    };
  },
  takes: (f) => f.type.typeId === Type.Interval && (f.type as AnyType).unit === 2,
  ddl: () => "interval",
  binaryTargets: () => ["interval"],
  encode: (data, column) => {
    const micros = intervalMicros(data, column);
    const words = data.values as Int32Array;
    return {
      bytes: data.length * 20,
      write: (buf, at, i) => {
        len4(buf, at, 16);
        buf.writeBigInt64BE(micros(i), at + 4);
        buf.writeInt32BE(words[i * 4 + 1]!, at + 12);
        buf.writeInt32BE(words[i * 4]!, at + 16);
        return at + 20;
      },
    };
  },
  text: (data, column) => {
    const micros = intervalMicros(data, column);
    const words = data.values as Int32Array;
    return (i) => {
      const us = micros(i);
      const abs = us < 0n ? -us : us;
      const seconds = `${us < 0n ? "-" : ""}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
      return `P${words[i * 4]}M${words[i * 4 + 1]}DT${seconds}S`;
    };
  },
};

/** The time part of MonthDayNano value `i` in µs; nanoseconds below a µs are refused. */
function intervalMicros(data: Data, column: string): (i: number) => bigint {
  const words = data.values as Int32Array;
  const view = new DataView(words.buffer, words.byteOffset, words.byteLength);
  return (i) => {
    const ns = view.getBigInt64(i * 16 + 8, true);
    if (ns % 1000n !== 0n)
      throw writeRefused(
        column,
        `an interval with ${ns}ns`,
        "PostgreSQL intervals keep microseconds: round the nanoseconds before loading.",
      );
    return ns / 1000n;
  };
}
