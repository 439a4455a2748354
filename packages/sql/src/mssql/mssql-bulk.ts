import { cellToJson, formatDecimal, wordsToBigInt } from "@hygge/core";
import { type DataType, type RecordBatch, type Schema, Type, type Vector } from "apache-arrow";
import { type TimeUnit, UNIT_PER_SECOND } from "../arrow/temporal.js";

type MssqlModule = typeof import("mssql");
const UNITS: TimeUnit[] = ["s", "ms", "us", "ns"];
const SCALE = [0, 3, 6, 7];

/** The mssql bulk column type of an Arrow field (mirrors mssql-ddl-types.ts). */
export function bulkColumnType(sql: MssqlModule, type: DataType): unknown {
  const t = type as DataType & Record<string, any>;
  switch (type.typeId) {
    case Type.Bool:
      return sql.Bit;
    case Type.Int:
      if (t.isSigned) return t.bitWidth <= 16 ? sql.SmallInt : t.bitWidth === 32 ? sql.Int : sql.BigInt;
      return t.bitWidth === 8
        ? sql.TinyInt
        : t.bitWidth === 16
          ? sql.Int
          : t.bitWidth === 32
            ? sql.BigInt
            : sql.Decimal(20, 0);
    case Type.Float:
      return t.precision === 2 ? sql.Float : sql.Real;
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return sql.VarBinary(sql.MAX);
    case Type.Date:
      return sql.Date;
    case Type.Timestamp:
      return t.timezone ? sql.DateTimeOffset(SCALE[t.unit]!) : sql.DateTime2(SCALE[t.unit]!);
    case Type.Time:
      return sql.Time(SCALE[t.unit]!);
    case Type.Decimal:
      return sql.Decimal(t.precision, t.scale);
    case Type.Dictionary:
      return bulkColumnType(sql, t.dictionary);
    default:
      return sql.NVarChar(sql.MAX);
  }
}

/** A JS Date carrying sub-millisecond digits the way tedious reads them (`nanosecondDelta`). */
function toDate(value: bigint, unit: TimeUnit): Date {
  const per = UNIT_PER_SECOND[unit];
  const ms = (value * 1000n) / per - ((value * 1000n) % per < 0n ? 1n : 0n);
  const date = new Date(Number(ms));
  const rest = value * 1000n - ms * per; // sub-ms remainder, in units × 1000
  if (rest !== 0n) (date as Date & { nanosecondDelta?: number }).nanosecondDelta = Number(rest) / Number(per);
  return date;
}

function cell(vector: Vector, i: number): unknown {
  if (!vector.isValid(i)) return null;
  const t = vector.type as DataType & Record<string, any>;
  const values = vector.data[0]!.values as any;
  switch (t.typeId) {
    case Type.Int:
      return t.bitWidth === 64 ? String(vector.get(i)) : vector.get(i);
    case Type.Timestamp:
      return toDate(BigInt(values[i]), UNITS[t.unit]!);
    case Type.Date:
      return new Date(t.unit === 0 ? values[i] * 86_400_000 : Number(values[i]));
    case Type.Time:
      return toDate(BigInt(values[i]), UNITS[t.unit]!);
    case Type.Decimal:
      // tedious takes decimals as JS numbers: exact up to 15 significant digits (README).
      return Number(formatDecimal(wordsToBigInt(values, i * (t.bitWidth / 32), t.bitWidth / 32), t.scale));
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary: {
      const b = vector.get(i) as Uint8Array;
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    }
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.Struct:
    case Type.Map:
      return JSON.stringify(cellToJson(vector, i));
    default:
      return vector.get(i);
  }
}

/** A batch as an mssql `Table` for `request.bulk()` (the target already exists). */
export function bulkTable(sql: MssqlModule, name: string, schema: Schema, batch: RecordBatch) {
  const table = new sql.Table(name);
  table.create = false;
  for (const f of schema.fields) {
    table.columns.add(f.name, bulkColumnType(sql, f.type) as never, { nullable: true });
  }
  const vectors = schema.fields.map((_, c) => batch.getChildAt(c)!);
  for (let i = 0; i < batch.numRows; i++) table.rows.add(...(vectors.map((v) => cell(v, i)) as never[]));
  return table;
}
