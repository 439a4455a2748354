import { DateDay, TimeNanosecond, Type } from "apache-arrow";
import { FixedBuilder } from "../arrow/column-builder.js";
import { parseTime } from "../arrow/temporal.js";
import {
  asIs,
  convert,
  fraction,
  is,
  type MssqlTypeRow,
  mssqlTimeUnit,
  named,
  plan,
  SCALE,
  type T,
  timestampEncode,
  timestampRead,
  UNITS,
  values,
} from "./mssql-type-row.js";
import { dateCell, timeCell } from "./mssql-values.js";
import { dateParam, timestampParam } from "./mssql-watermark.js";

/** The date and time rows of the SQL Server type table (mssql-type-table.ts), last in its order. */
export const MSSQL_TIME_TYPES: readonly MssqlTypeRow[] = [
  {
    name: "date",
    keeps: named("date", "datetime2", "datetimeoffset", "datetime", "smalldatetime"),
    arrow: is(Type.Date),
    ddl: () => "date",
    bulk: (sql) => sql.Date,
    encode: (v, ctx) => {
      const day = (v.type as T).unit === 0;
      return (i) => dateCell(Number(values(v)[i]), day, ctx);
    },
    sql: ["date"],
    read: () =>
      plan(
        asIs,
        (n) =>
          new FixedBuilder(new DateDay(), Int32Array, (d: Date) => Math.floor(d.getTime() / 86_400_000), n),
      ),
    watermark: { kind: "date", param: dateParam },
  },
  {
    name: "time",
    keeps: fraction("time"),
    arrow: is(Type.Time),
    ddl: (t) => `time(${SCALE[t.unit as 0]})`,
    bulk: (sql, t) => sql.Time(SCALE[t.unit as 0]),
    encode: (v, ctx) => {
      const unit = UNITS[(v.type as T).unit]!;
      return (i) => timeCell(BigInt(values(v)[i]), unit, ctx);
    },
    sql: ["time"],
    read: () =>
      plan(
        convert("varchar(16)"),
        (n) => new FixedBuilder(new TimeNanosecond(), BigInt64Array, (s: string) => parseTime(s, "ns"), n),
      ),
  },
  {
    name: "datetime2",
    keeps: fraction("datetime2", "datetimeoffset"),
    arrow: (f) => f.type.typeId === Type.Timestamp && !(f.type as T).timezone,
    ddl: (t) => `datetime2(${SCALE[t.unit as 0]})`,
    bulk: (sql, t) => sql.DateTime2(SCALE[t.unit as 0]),
    encode: timestampEncode,
    // datetime is 1/300 s: its style-126 text (…, .003, .007) maps one to one onto those ticks.
    sql: ["datetime2", "datetime", "smalldatetime"],
    read: (c) =>
      timestampRead(
        c.type === "datetime2" ? mssqlTimeUnit(c.scale) : c.type === "datetime" ? "ms" : "s",
        null,
        126,
      ),
    watermark: {
      kind: "timestamp",
      timezone: false,
      param: (value, unit) => timestampParam(value, unit, false),
    },
  },
  {
    // Sent as UTC with offset +00:00 (UtcDate), whatever the machine's zone.
    name: "datetimeoffset",
    keeps: fraction("datetimeoffset", "datetime2"),
    arrow: (f) => f.type.typeId === Type.Timestamp && Boolean((f.type as T).timezone),
    ddl: (t) => `datetimeoffset(${SCALE[t.unit as 0]})`,
    bulk: (sql, t) => sql.DateTimeOffset(SCALE[t.unit as 0]),
    encode: timestampEncode,
    sql: ["datetimeoffset"],
    read: (c) => timestampRead(mssqlTimeUnit(c.scale), "UTC", 127),
    watermark: {
      kind: "timestamp",
      timezone: true,
      param: (value, unit) => timestampParam(value, unit, true),
    },
  },
];
