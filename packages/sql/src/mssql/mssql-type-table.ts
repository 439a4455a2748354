import { cellToJson, formatUuid, isJsonField, isUuidField, parseDecimal, UUID_EXTENSION } from "@hygge/core";
import { Binary, Bool, Decimal, Float32, Float64, Int16, Int32, Int64, Type, Uint8 } from "apache-arrow";
import { BoolBuilder, DecimalBuilder, FixedBuilder, VarBuilder } from "../arrow/column-builder.js";
import {
  asIs,
  codePageTextAsNvarchar,
  convert,
  DECIMALS,
  exactDecimal,
  INTEGERS,
  int,
  is,
  type MssqlTypeRow,
  named,
  nvarcharMax,
  plan,
  type T,
  unicodeText,
  utf8Encode,
  utf8Read,
  values,
} from "./mssql-type-row.js";
import { MSSQL_TIME_TYPES } from "./mssql-type-rows-time.js";
import { UuidBuilder } from "./mssql-uuid-builder.js";
import { assertNestedUtf8, binaryCell, decimalCell, floatCell } from "./mssql-values.js";
import { floatParam } from "./mssql-watermark.js";

export type { MssqlColumn, MssqlReadPlan, MssqlTypeRow } from "./mssql-type-row.js";
export { mssqlTimeUnit } from "./mssql-type-row.js";

/**
 * The SQL Server type table: one row per type, both ways (see MssqlTypeRow in mssql-type-row.ts).
 * The first row whose `arrow` matches a field writes it; a read uses the row listing its type name.
 */
export const MSSQL_TYPES: readonly MssqlTypeRow[] = [
  {
    name: "bit",
    keeps: named("bit", ...INTEGERS, ...DECIMALS),
    arrow: is(Type.Bool),
    ddl: () => "bit",
    bulk: (sql) => sql.Bit,
    encode: (v) => (i) => v.get(i) as boolean,
    sql: ["bit"],
    read: () => plan(asIs, (n) => new BoolBuilder(new Bool(), Boolean, n)),
  },
  {
    name: "tinyint",
    keeps: named(...INTEGERS, ...DECIMALS, "money", "smallmoney", "real", "float"),
    arrow: int(false, 8),
    ddl: () => "tinyint",
    bulk: (sql) => sql.TinyInt,
    encode: (v) => (i) => values(v)[i],
    sql: ["tinyint"],
    read: () => plan(asIs, (n) => new FixedBuilder(new Uint8(), Uint8Array as never, Number, n)),
  },
  {
    name: "smallint",
    keeps: named(...INTEGERS, ...DECIMALS, "money", "smallmoney", "real", "float"),
    arrow: int(true, 8, 16),
    ddl: () => "smallint",
    bulk: (sql) => sql.SmallInt,
    encode: (v) => (i) => values(v)[i],
    sql: ["smallint"],
    read: () => plan(asIs, (n) => new FixedBuilder(new Int16(), Int16Array, Number, n)),
  },
  {
    name: "int",
    keeps: named(...INTEGERS, ...DECIMALS, "money", "smallmoney", "float"),
    arrow: (f) => int(true, 32)(f) || int(false, 16)(f),
    ddl: () => "int",
    bulk: (sql) => sql.Int,
    encode: (v) => (i) => values(v)[i],
    sql: ["int"],
    read: () => plan(asIs, (n) => new FixedBuilder(new Int32(), Int32Array, Number, n)),
  },
  {
    // tedious' BigInt takes a JS bigint as is (range-checked, written with writeBigInt64LE).
    name: "bigint",
    keeps: named(...INTEGERS, ...DECIMALS, "money", "smallmoney"),
    arrow: (f) => int(true, 64)(f) || int(false, 32)(f),
    ddl: () => "bigint",
    bulk: (sql) => sql.BigInt,
    encode: (v) => (i) => BigInt(values(v)[i]),
    sql: ["bigint"],
    read: () => plan(convert("varchar(20)"), (n) => new FixedBuilder(new Int64(), BigInt64Array, BigInt, n)),
    watermark: { kind: "integer", param: (value) => ({ mssqlType: "BigInt", value: BigInt(value) }) },
  },
  {
    // Nothing in SQL Server holds 0…2^64-1 but decimal(20,0): written exactly, read back as Decimal(20,0).
    name: "decimal(20,0) for uint64",
    keeps: named(...INTEGERS, ...DECIMALS),
    arrow: int(false, 64),
    ddl: () => "decimal(20,0)",
    bulk: () => exactDecimal(20, 0),
    encode: (v) => (i) => BigInt.asUintN(64, BigInt(values(v)[i])),
  },
  {
    name: "real",
    keeps: named("real", "float"),
    arrow: (f) => f.type.typeId === Type.Float && (f.type as T).precision !== 2,
    ddl: () => "real",
    bulk: (sql) => sql.Real,
    encode: (v, ctx) => (i) => floatCell(v.get(i) as number, ctx),
    sql: ["real"],
    read: () => plan(asIs, (n) => new FixedBuilder(new Float32(), Float32Array, Number, n)),
  },
  {
    name: "float",
    keeps: named("float"),
    arrow: (f) => f.type.typeId === Type.Float && (f.type as T).precision === 2,
    ddl: () => "float",
    bulk: (sql) => sql.Float,
    encode: (v, ctx) => (i) => floatCell(v.get(i) as number, ctx),
    sql: ["float"],
    read: () => plan(asIs, (n) => new FixedBuilder(new Float64(), Float64Array, Number, n)),
    // Bound as a float (8 IEEE bytes), not as text SQL Server would parse.
    watermark: { kind: "float", param: floatParam },
  },
  {
    // Exact both ways: bulk through exactDecimalType (a BigInt), read as text.
    name: "decimal",
    keeps: (c, t) =>
      (DECIMALS.includes(c.type) && c.scale >= t.scale) ||
      (c.type.endsWith("money") && t.scale <= 4) ||
      (INTEGERS.includes(c.type) && t.scale === 0),
    arrow: (f) => {
      const t = f.type as T;
      return f.type.typeId === Type.Decimal && t.precision <= 38 && t.scale >= 0 && t.scale <= t.precision;
    },
    ddl: (t) => `decimal(${t.precision},${t.scale})`,
    bulk: (_sql, t) => exactDecimal(t.precision, t.scale),
    encode: (v, ctx) => (i) => decimalCell(v.data[0]!, i, ctx),
    sql: ["decimal", "numeric", "money", "smallmoney"],
    read: (c) => {
      const money = c.type.endsWith("money");
      const precision = c.type === "money" ? 19 : c.type === "smallmoney" ? 10 : (c.precision ?? 18);
      const scale = money ? 4 : (c.scale ?? 0);
      // money needs style 2 to keep its 4 decimals (the default style rounds to 2).
      return plan(
        money ? convert("varchar(50)", 2) : convert("varchar(50)"),
        (n) =>
          new DecimalBuilder(new Decimal(scale, precision, 128), (s: string) => parseDecimal(s, scale), n),
      );
    },
  },
  {
    // The canonical text goes to tedious, which writes SQL Server's mixed-endian GUID bytes.
    name: "uniqueidentifier",
    keeps: (c) =>
      c.type === "uniqueidentifier" ||
      (["char", "varchar"].includes(c.type) && (c.maxLength === -1 || c.maxLength >= 36)) ||
      (["nchar", "nvarchar"].includes(c.type) && (c.maxLength === -1 || c.maxLength >= 72)),
    arrow: isUuidField,
    ddl: () => "uniqueidentifier",
    bulk: (sql) => sql.UniqueIdentifier,
    encode: (v) => (i) => formatUuid(binaryCell(v.data[0]!, i, 16)),
    sql: ["uniqueidentifier"],
    read: () =>
      plan(
        convert("char(36)"),
        (n) => new UuidBuilder(n),
        new Map([["ARROW:extension:name", UUID_EXTENSION]]),
      ),
  },
  {
    // SQL Server 2025's json type has no TDS type in tedious: JSON text as nvarchar(max).
    name: "nvarchar(max) for arrow.json",
    keeps: unicodeText,
    arrow: isJsonField,
    ddl: () => "nvarchar(max)",
    bulk: nvarcharMax,
    encode: utf8Encode,
  },
  {
    // NVarChar: UTF-16 code units as they are (VarChar would re-encode through a code page).
    name: "nvarchar",
    keeps: unicodeText,
    arrow: is(Type.Utf8, Type.LargeUtf8),
    ddl: () => "nvarchar(max)",
    bulk: nvarcharMax,
    encode: utf8Encode,
    sql: ["nchar", "nvarchar", "ntext"],
    read: utf8Read,
    watermark: { kind: "string", param: (value) => value },
  },
  {
    // Code-page text is converted by SQL Server itself: tedious decodes it with iconv-lite, which
    // turns bytes its table lacks (0x81 in cp1252, a broken DBCS pair, …) into U+FFFD silently.
    name: "varchar (converted to nvarchar by SQL Server)",
    sql: ["char", "varchar", "text"],
    read: (c) => ({ ...utf8Read(c), expression: convert(codePageTextAsNvarchar(c)) }),
  },
  { name: "xml", sql: ["xml"], read: (c) => ({ ...utf8Read(c), expression: convert("nvarchar(max)") }) },
  {
    name: "nvarchar(max) for nested values (JSON)",
    keeps: unicodeText,
    arrow: is(Type.List, Type.LargeList, Type.FixedSizeList, Type.Struct, Type.Map),
    ddl: () => "nvarchar(max)",
    bulk: nvarcharMax,
    encode: (v, ctx) => {
      assertNestedUtf8(v.data[0]!, ctx);
      return (i) => JSON.stringify(cellToJson(v, i));
    },
  },
  {
    name: "varbinary",
    keeps: (c, t) =>
      c.type === "varbinary" ||
      c.type === "image" ||
      (c.type === "binary" && t.typeId === Type.FixedSizeBinary && c.maxLength === t.byteWidth),
    arrow: is(Type.Binary, Type.LargeBinary, Type.FixedSizeBinary),
    ddl: () => "varbinary(max)",
    bulk: (sql) => sql.VarBinary(sql.MAX),
    encode: (v) => {
      const width = v.type.typeId === Type.FixedSizeBinary ? (v.type as T).byteWidth : undefined;
      return (i) => binaryCell(v.data[0]!, i, width);
    },
    sql: ["binary", "varbinary", "image"],
    read: () => plan(asIs, (n) => new VarBuilder(new Binary(), (b: Uint8Array) => b, n)),
  },
  ...MSSQL_TIME_TYPES,
];
