import { isUtf8 } from "node:buffer";
import { isJsonField, isUuidField, wordsToBigInt } from "@hygge/core";
import {
  type Data,
  type DataType,
  type Date_,
  type Decimal,
  type Field,
  type FixedSizeBinary,
  type Int,
  type Time,
  type Timestamp,
  Type,
} from "apache-arrow";
import { dateColumn, timeColumn, timestampColumn } from "./to-duckdb-temporal.js";
import {
  bindings,
  type ColumnMapping,
  copy,
  fixed,
  isValid,
  NESTED_HINT,
  refuseType,
  refuseValue,
  writeValidity,
} from "./to-duckdb-vector.js";

export { bindings, type ColumnMapping, type RawVector } from "./to-duckdb-vector.js";

function decimalColumn(field: Field<Decimal>): ColumnMapping {
  const { precision, scale, bitWidth } = field.type;
  if (precision > 38) {
    refuseType(
      field,
      `DuckDB DECIMAL holds at most 38 digits, this column has ${precision}`,
      `Cast "${field.name}" to decimal(38, s) in the home if its values fit, or to text to keep every digit.`,
    );
  }
  if (scale < 0 || scale > precision) {
    refuseType(
      field,
      `DuckDB DECIMAL needs 0 <= scale <= precision (scale is ${scale})`,
      "Cast it in the home.",
    );
  }
  const width = precision <= 4 ? 2 : precision <= 9 ? 4 : precision <= 18 ? 8 : 16;
  const bound = 10n ** BigInt(precision);
  const words = bitWidth / 32;
  return {
    name: field.name,
    type: `DECIMAL(${precision},${scale})`,
    write(vector, data, start, count) {
      const src = data.values as Uint32Array;
      const out =
        width === 2
          ? new Int16Array(count)
          : width === 4
            ? new Int32Array(count)
            : new BigInt64Array(width === 8 ? count : count * 2);
      for (let i = 0; i < count; i++) {
        if (!isValid(data, start + i)) continue;
        const v = wordsToBigInt(src, (start + i) * words, words);
        if (v >= bound || v <= -bound) {
          refuseValue(
            field,
            start + i,
            `the unscaled value ${v}`,
            `has more than the ${precision} digits its type declares`,
            "The source's decimal column holds values outside its precision: fix the source or cast to a wider decimal.",
          );
        }
        if (width === 16) {
          (out as BigInt64Array)[2 * i] = BigInt.asIntN(64, v);
          (out as BigInt64Array)[2 * i + 1] = v >> 64n;
        } else if (width === 8) (out as BigInt64Array)[i] = v;
        else (out as Int16Array | Int32Array)[i] = Number(v);
      }
      copy(vector, out, width, 0, width === 16 ? count : count);
      writeValidity(vector, data, start, count);
    },
  };
}

/** Refuses the first value of the range that is not UTF-8 text (null rows' bytes are not looked at). */
function badText(field: Field, data: Data, start: number, count: number, at: (r: number) => number): void {
  const bytes = data.values as Uint8Array;
  for (let r = start; r < start + count; r++) {
    if (isValid(data, r) && !isUtf8(bytes.subarray(at(r), at(r + 1)))) {
      refuseValue(
        field,
        r,
        "bytes that are not UTF-8 text",
        "a text column cannot hold",
        "Read the column as binary in the home, or fix its encoding.",
      );
    }
  }
}

function varlen(field: Field, type: string): ColumnMapping {
  return {
    name: field.name,
    type,
    write(vector, data, start, count) {
      const offsets = data.valueOffsets as Int32Array | BigInt64Array;
      const bytes = data.values as Uint8Array;
      const large = offsets instanceof BigInt64Array;
      const at = (r: number) => (large ? Number(offsets[r]) : (offsets[r] as number));
      // DuckDB trusts VARCHAR bytes: the range must be UTF-8 and every value start on a character.
      const text = type !== "BLOB";
      if (text && !isUtf8(bytes.subarray(at(start), at(start + count))))
        badText(field, data, start, count, at);
      for (let i = 0; i < count; i++) {
        const r = start + i;
        if (!isValid(data, r)) continue;
        const from = at(r);
        const to = at(r + 1);
        if (text && to > from && (bytes[from]! & 0xc0) === 0x80) badText(field, data, r, 1, at);
        bindings.vector_assign_string_element_len(vector, i, bytes.subarray(from, to));
      }
      writeValidity(vector, data, start, count);
    },
  };
}

function fixedBinary(field: Field<FixedSizeBinary>): ColumnMapping {
  const w = field.type.byteWidth;
  if (isUuidField(field)) {
    return {
      name: field.name,
      type: "UUID",
      write(vector, data, start, count) {
        const bytes = data.values as Uint8Array;
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const out = new BigInt64Array(count * 2);
        for (let i = 0; i < count; i++) {
          if (!isValid(data, start + i)) continue;
          // DuckDB's UUID is a 128-bit integer: the big-endian bytes with the top bit flipped.
          const at = (start + i) * 16;
          out[2 * i] = view.getBigInt64(at + 8, false);
          out[2 * i + 1] = view.getBigInt64(at, false) ^ -(2n ** 63n);
        }
        copy(vector, out, 16, 0, count);
        writeValidity(vector, data, start, count);
      },
    };
  }
  return {
    name: field.name,
    type: "BLOB",
    write(vector, data, start, count) {
      const bytes = data.values as Uint8Array;
      for (let i = 0; i < count; i++) {
        const r = start + i;
        if (isValid(data, r))
          bindings.vector_assign_string_element_len(vector, i, bytes.subarray(r * w, r * w + w));
      }
      writeValidity(vector, data, start, count);
    },
  };
}

const INT_TYPES: Record<string, string> = {
  "8true": "TINYINT",
  "16true": "SMALLINT",
  "32true": "INTEGER",
  "64true": "BIGINT",
  "8false": "UTINYINT",
  "16false": "USMALLINT",
  "32false": "UINTEGER",
  "64false": "UBIGINT",
};

export function duckdbColumn(field: Field): ColumnMapping {
  const type: DataType = field.type;
  const name = field.name;
  switch (type.typeId) {
    case Type.Bool:
      return {
        name,
        type: "BOOLEAN",
        write(vector, data, start, count) {
          const bits = data.values as Uint8Array;
          const out = new Uint8Array(count);
          for (let i = 0; i < count; i++) {
            const bit = data.offset + start + i;
            out[i] = (bits[bit >> 3]! >> (bit & 7)) & 1;
          }
          copy(vector, out, 1, 0, count);
          writeValidity(vector, data, start, count);
        },
      };
    case Type.Int: {
      const int = type as Int;
      return { name, type: INT_TYPES[`${int.bitWidth}${int.isSigned}`]!, write: fixed(int.bitWidth / 8) };
    }
    case Type.Float: {
      const precision = (type as unknown as { precision: number }).precision;
      if (precision === 0) {
        refuseType(field, "DuckDB has no half-precision float", `Cast "${name}" to float32 in the home.`);
      }
      return { name, type: precision === 1 ? "FLOAT" : "DOUBLE", write: fixed(precision === 1 ? 4 : 8) };
    }
    case Type.Decimal:
      return decimalColumn(field as Field<Decimal>);
    case Type.Date:
      return dateColumn(field as Field<Date_>);
    case Type.Time:
      return timeColumn(field as Field<Time>);
    case Type.Timestamp:
      return timestampColumn(field as Field<Timestamp>);
    case Type.Utf8:
    case Type.LargeUtf8:
      return varlen(field, isJsonField(field) ? "JSON" : "VARCHAR");
    case Type.Binary:
    case Type.LargeBinary:
      return varlen(field, "BLOB");
    case Type.FixedSizeBinary:
      return fixedBinary(field as Field<FixedSizeBinary>);
    case Type.Dictionary:
      return refuseType(
        field,
        "dictionary-encoded columns are not loaded",
        "Decode it in the home (cast to its value type).",
      );
    case Type.Null:
      return refuseType(
        field,
        "a column of only nulls has no type to create",
        `Cast "${name}" to the type it should have in the home.`,
      );
    default:
      return refuseType(field, "hygge has no DuckDB mapping for it", NESTED_HINT);
  }
}

/** The DuckDB column type of an Arrow field (DDL), refusing like duckdbColumn. */
export function duckdbColumnType(field: Field): string {
  return duckdbColumn(field).type;
}
