import { HyggeError } from "@hygge/core";
import { type DataType, type Field, Type } from "apache-arrow";

const TS_PRECISION = [0, 3, 6, 6] as const; // s, ms, us, ns (PostgreSQL stops at µs)

/** PostgreSQL column type for an Arrow type (the README's mapping table). */
export function pgColumnType(field: Field): string {
  return pgType(field.type, field.name);
}

function pgType(type: DataType, column: string): string {
  const t = type as DataType & Record<string, any>;
  switch (type.typeId) {
    case Type.Bool:
      return "boolean";
    case Type.Int: {
      const bits = t.bitWidth as number;
      if (t.isSigned) return bits <= 16 ? "smallint" : bits === 32 ? "integer" : "bigint";
      return bits === 8 ? "smallint" : bits === 16 ? "integer" : bits === 32 ? "bigint" : "numeric(20,0)";
    }
    case Type.Float:
      return t.precision === 2 ? "double precision" : "real";
    case Type.Utf8:
    case Type.LargeUtf8:
      return "text";
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return "bytea";
    case Type.Date:
      return "date";
    case Type.Timestamp:
      return `timestamp(${TS_PRECISION[t.unit as 0 | 1 | 2 | 3]})${t.timezone ? " with time zone" : ""}`;
    case Type.Time:
      return `time(${TS_PRECISION[t.unit as 0 | 1 | 2 | 3]})`;
    case Type.Decimal:
      return `numeric(${t.precision},${t.scale})`;
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.Struct:
    case Type.Map:
      return "jsonb";
    case Type.Dictionary:
      return pgType(t.dictionary as DataType, column);
    default:
      throw new HyggeError(
        "SCHEMA_MISMATCH",
        `column "${column}" has Arrow type ${type}, which has no PostgreSQL mapping`,
        {
          subject: column,
          hint: "Leave the column out or convert it before loading.",
        },
      );
  }
}
