import { HyggeError } from "@hygge/core";
import { type DataType, type Field, Type } from "apache-arrow";

const FRACTION_DIGITS = [0, 3, 6, 7] as const; // s, ms, us, ns (SQL Server stops at 100 ns)

/** SQL Server column type for an Arrow type (the README's mapping table). */
export function mssqlColumnType(field: Field): string {
  return msType(field.type, field.name);
}

function msType(type: DataType, column: string): string {
  const t = type as DataType & Record<string, any>;
  switch (type.typeId) {
    case Type.Bool:
      return "bit";
    case Type.Int: {
      const bits = t.bitWidth as number;
      if (t.isSigned) return bits <= 16 ? "smallint" : bits === 32 ? "int" : "bigint";
      return bits === 8 ? "tinyint" : bits === 16 ? "int" : bits === 32 ? "bigint" : "decimal(20,0)";
    }
    case Type.Float:
      return t.precision === 2 ? "float" : "real";
    case Type.Utf8:
    case Type.LargeUtf8:
      return "nvarchar(max)";
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return "varbinary(max)";
    case Type.Date:
      return "date";
    case Type.Timestamp:
      return `${t.timezone ? "datetimeoffset" : "datetime2"}(${FRACTION_DIGITS[t.unit as 0 | 1 | 2 | 3]})`;
    case Type.Time:
      return `time(${FRACTION_DIGITS[t.unit as 0 | 1 | 2 | 3]})`;
    case Type.Decimal:
      if (t.precision > 38) break;
      return `decimal(${t.precision},${t.scale})`;
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.Struct:
    case Type.Map:
      return "nvarchar(max)";
    case Type.Dictionary:
      return msType(t.dictionary as DataType, column);
  }
  throw new HyggeError(
    "SCHEMA_MISMATCH",
    `column "${column}" has Arrow type ${type}, which has no SQL Server mapping`,
    {
      subject: column,
      hint: "Leave the column out or convert it before loading.",
    },
  );
}
