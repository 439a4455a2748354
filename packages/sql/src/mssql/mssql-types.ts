import { HyggeError, parseDecimal } from "@hygge/core";
import {
  TimeUnit as ArrowTimeUnit,
  Binary,
  Bool,
  DateDay,
  Decimal,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  TimeNanosecond,
  Timestamp,
  Uint8,
  Utf8,
} from "apache-arrow";
import {
  BoolBuilder,
  type ColumnBuilder,
  DecimalBuilder,
  FixedBuilder,
  VarBuilder,
} from "../arrow/column-builder.js";
import { parseTime, parseTimestamp, type TimeUnit } from "../arrow/temporal.js";

/** A result column as SQL Server describes it: lower-case type name, precision, scale, length. */
export interface MssqlColumn {
  name: string;
  type: string;
  precision?: number;
  scale?: number;
  length?: number;
}

/** Column metadata as tedious emits it (`columnMetadata` event). */
export interface TediousColumnMetadata {
  colName: string;
  type: { name: string };
  dataLength?: number;
  precision?: number;
  scale?: number;
}

/** tedious' nullable "N" types carry their width in dataLength (as mssql resolves them). */
export function fromTedious(meta: TediousColumnMetadata): MssqlColumn {
  const n = meta.type.name;
  const len = meta.dataLength;
  const resolved =
    n === "IntN"
      ? len === 8
        ? "bigint"
        : len === 4
          ? "int"
          : len === 2
            ? "smallint"
            : "tinyint"
      : n === "FloatN"
        ? len === 8
          ? "float"
          : "real"
        : n === "MoneyN"
          ? len === 8
            ? "money"
            : "smallmoney"
          : n === "DateTimeN"
            ? len === 8
              ? "datetime"
              : "smalldatetime"
            : n === "BitN"
              ? "bit"
              : n === "DecimalN"
                ? "decimal"
                : n === "NumericN"
                  ? "numeric"
                  : n.toLowerCase();
  return { name: meta.colName, type: resolved, precision: meta.precision, scale: meta.scale, length: len };
}

const UNIT = {
  s: ArrowTimeUnit.SECOND,
  ms: ArrowTimeUnit.MILLISECOND,
  us: ArrowTimeUnit.MICROSECOND,
  ns: ArrowTimeUnit.NANOSECOND,
};

/** datetime2/datetimeoffset/time fractional digits (scale) → the Arrow unit that holds them exactly. */
export function mssqlTimeUnit(scale: number | undefined): TimeUnit {
  const s = scale ?? 7;
  return s === 0 ? "s" : s <= 3 ? "ms" : s <= 6 ? "us" : "ns";
}

/** How one column is read: the SELECT expression (text for exactness) and its Arrow builder. */
export interface MssqlReadPlan {
  /** SQL expression around the quoted column `q` (decimals and timestamps travel as text). */
  expression(q: string): string;
  builder(capacity: number): ColumnBuilder;
}

const asIs = (q: string) => q;
const text = (sqlType: string, style?: number) => (q: string) =>
  `CONVERT(${sqlType}, ${q}${style === undefined ? "" : `, ${style}`})`;
const days = (d: Date) => Math.floor(d.getTime() / 86_400_000);

export function mssqlReadPlan(column: MssqlColumn): MssqlReadPlan {
  const c = column;
  const plan = (expression: MssqlReadPlan["expression"], builder: MssqlReadPlan["builder"]) => ({
    expression,
    builder,
  });
  switch (c.type) {
    case "bit":
      return plan(asIs, (n) => new BoolBuilder(new Bool(), Boolean, n));
    case "tinyint":
      return plan(asIs, (n) => new FixedBuilder(new Uint8(), Uint8Array as never, Number, n));
    case "smallint":
      return plan(asIs, (n) => new FixedBuilder(new Int16(), Int16Array, Number, n));
    case "int":
      return plan(asIs, (n) => new FixedBuilder(new Int32(), Int32Array, Number, n));
    case "bigint":
      return plan(text("varchar(20)"), (n) => new FixedBuilder(new Int64(), BigInt64Array, BigInt, n));
    case "real":
      return plan(asIs, (n) => new FixedBuilder(new Float32(), Float32Array, Number, n));
    case "float":
      return plan(asIs, (n) => new FixedBuilder(new Float64(), Float64Array, Number, n));
    case "decimal":
    case "numeric":
    case "money":
    case "smallmoney": {
      const precision = c.type === "money" ? 19 : c.type === "smallmoney" ? 10 : (c.precision ?? 18);
      const scale = c.type.endsWith("money") ? 4 : (c.scale ?? 0);
      // money needs style 2 to keep its 4 decimals (the default style rounds to 2).
      return plan(
        c.type.endsWith("money") ? text("varchar(50)", 2) : text("varchar(50)"),
        (n) =>
          new DecimalBuilder(new Decimal(scale, precision, 128), (s: string) => parseDecimal(s, scale), n),
      );
    }
    case "char":
    case "varchar":
    case "nchar":
    case "nvarchar":
    case "text":
    case "ntext":
      return plan(asIs, (n) => new VarBuilder(new Utf8(), String, n));
    case "xml":
      return plan(text("nvarchar(max)"), (n) => new VarBuilder(new Utf8(), String, n));
    case "uniqueidentifier":
      // Lower case, like PostgreSQL's uuid text and most tools.
      return plan(text("char(36)"), (n) => new VarBuilder(new Utf8(), (s: string) => s.toLowerCase(), n));
    case "binary":
    case "varbinary":
    case "image":
      return plan(asIs, (n) => new VarBuilder(new Binary(), (b: Uint8Array) => b, n));
    case "date":
      return plan(asIs, (n) => new FixedBuilder(new DateDay(), Int32Array, days, n));
    case "time":
      return plan(
        text("varchar(16)"),
        (n) => new FixedBuilder(new TimeNanosecond(), BigInt64Array, (s: string) => parseTime(s, "ns"), n),
      );
    case "datetime":
    case "smalldatetime":
    case "datetime2": {
      const unit = c.type === "datetime2" ? mssqlTimeUnit(c.scale) : c.type === "datetime" ? "ms" : "s";
      return plan(
        text("varchar(33)", 126),
        (n) =>
          new FixedBuilder(
            new Timestamp(UNIT[unit], null),
            BigInt64Array,
            (s: string) => parseTimestamp(s, unit),
            n,
          ),
      );
    }
    case "datetimeoffset": {
      const unit = mssqlTimeUnit(c.scale);
      return plan(
        text("varchar(40)", 127),
        (n) =>
          new FixedBuilder(
            new Timestamp(UNIT[unit], "UTC"),
            BigInt64Array,
            (s: string) => parseTimestamp(s, unit),
            n,
          ),
      );
    }
    default:
      throw new HyggeError(
        "SCHEMA_MISMATCH",
        `column "${c.name}" has SQL Server type ${c.type}, which hygge cannot read`,
        {
          subject: c.name,
          hint: "Cast it in a query (e.g. CAST(col AS nvarchar(max))) or leave it out with columns:.",
        },
      );
  }
}
