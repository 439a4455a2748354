import { type DuckDBDecimalType, type DuckDBType, DuckDBTypeId } from "@duckdb/node-api";
import { HyggeError, jsonField, uuidField } from "@hygge/core";
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  TimeMicrosecond,
  TimeNanosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from "apache-arrow";

/** DuckDB types carried exactly as one Arrow type (no extension). */
const PLAIN: Partial<Record<DuckDBTypeId, () => DataType>> = {
  [DuckDBTypeId.BOOLEAN]: () => new Bool(),
  [DuckDBTypeId.TINYINT]: () => new Int8(),
  [DuckDBTypeId.SMALLINT]: () => new Int16(),
  [DuckDBTypeId.INTEGER]: () => new Int32(),
  [DuckDBTypeId.BIGINT]: () => new Int64(),
  [DuckDBTypeId.UTINYINT]: () => new Uint8(),
  [DuckDBTypeId.USMALLINT]: () => new Uint16(),
  [DuckDBTypeId.UINTEGER]: () => new Uint32(),
  [DuckDBTypeId.UBIGINT]: () => new Uint64(),
  [DuckDBTypeId.FLOAT]: () => new Float32(),
  [DuckDBTypeId.DOUBLE]: () => new Float64(),
  [DuckDBTypeId.BLOB]: () => new Binary(),
  [DuckDBTypeId.ENUM]: () => new Utf8(),
  [DuckDBTypeId.DATE]: () => new DateDay(),
  [DuckDBTypeId.TIME]: () => new TimeMicrosecond(),
  [DuckDBTypeId.TIME_NS]: () => new TimeNanosecond(),
  [DuckDBTypeId.TIMESTAMP_S]: () => new TimestampSecond(),
  [DuckDBTypeId.TIMESTAMP_MS]: () => new TimestampMillisecond(),
  [DuckDBTypeId.TIMESTAMP]: () => new TimestampMicrosecond(),
  [DuckDBTypeId.TIMESTAMP_NS]: () => new TimestampNanosecond(),
  // DuckDB keeps TIMESTAMPTZ as UTC microseconds; the session time zone only affects display.
  [DuckDBTypeId.TIMESTAMP_TZ]: () => new TimestampMicrosecond("UTC"),
};

/** What to write in the query instead, for each type hygge refuses. */
const REFUSED: Partial<Record<DuckDBTypeId, (column: string) => string>> = {
  [DuckDBTypeId.HUGEINT]: (c) => `CAST(${c} AS DECIMAL(38,0))`,
  [DuckDBTypeId.UHUGEINT]: (c) => `CAST(${c} AS DECIMAL(38,0))`,
  [DuckDBTypeId.BIGNUM]: (c) => `CAST(${c} AS DECIMAL(38,0)) or CAST(${c} AS VARCHAR)`,
  [DuckDBTypeId.INTERVAL]: (c) => `CAST(${c} AS VARCHAR) or epoch_us(${c})`,
  [DuckDBTypeId.TIME_TZ]: (c) => `CAST(${c} AS VARCHAR)`,
  [DuckDBTypeId.BIT]: (c) => `CAST(${c} AS VARCHAR)`,
  [DuckDBTypeId.LIST]: (c) => `CAST(${c} AS JSON)`,
  [DuckDBTypeId.ARRAY]: (c) => `CAST(${c} AS JSON)`,
  [DuckDBTypeId.STRUCT]: (c) => `CAST(${c} AS JSON)`,
  [DuckDBTypeId.MAP]: (c) => `CAST(${c} AS JSON)`,
  [DuckDBTypeId.UNION]: (c) => `CAST(${c} AS JSON)`,
  [DuckDBTypeId.VARIANT]: (c) => `CAST(${c} AS JSON)`,
  [DuckDBTypeId.GEOMETRY]: (c) => `ST_AsText(${c})`,
};

function quoted(column: string): string {
  return `"${column.replaceAll('"', '""')}"`;
}

/** The refusal of a column whose DuckDB type has no exact Arrow equivalent in hygge. */
export function typeRefused(column: string, type: DuckDBType): HyggeError {
  const cast = REFUSED[type.typeId]?.(quoted(column)) ?? `CAST(${quoted(column)} AS VARCHAR)`;
  return new HyggeError(
    "SCHEMA_MISMATCH",
    `column "${column}" has DuckDB type ${String(type)}, which hygge cannot carry exactly`,
    {
      subject: column,
      hint: `Convert it in the query, e.g. select ${cast} AS ${quoted(column)}.`,
    },
  );
}

/** Storage bytes per value of a DECIMAL of this width: 2, 4, 8 or 16 (DuckDB's int16…int128). */
export function decimalStorageBytes(width: number): 2 | 4 | 8 | 16 {
  if (width <= 4) return 2;
  if (width <= 9) return 4;
  if (width <= 18) return 8;
  return 16;
}

/**
 * The Arrow field of a DuckDB result column, exact or refused (SCHEMA_MISMATCH naming the column,
 * its DuckDB type and the cast to write instead). Every field is nullable. UUID and JSON travel as
 * Arrow's canonical extensions `arrow.uuid` / `arrow.json`; ENUM as its labels (Utf8); DECIMAL(p,s)
 * as Decimal128(p,s).
 */
export function arrowFieldFromDuckDB(column: string, type: DuckDBType): Field {
  if (type.typeId === DuckDBTypeId.VARCHAR) {
    return type.alias === "JSON" ? jsonField(column) : new Field(column, new Utf8(), true);
  }
  if (type.typeId === DuckDBTypeId.UUID) return uuidField(column);
  if (type.typeId === DuckDBTypeId.DECIMAL) {
    const { width, scale } = type as DuckDBDecimalType;
    return new Field(column, new Decimal(scale, width, 128), true);
  }
  const plain = PLAIN[type.typeId];
  if (plain) return new Field(column, plain(), true);
  throw typeRefused(column, type);
}
