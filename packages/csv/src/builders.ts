import { isUtf8 } from "node:buffer";
import { bigIntToWords, isJsonField, isUuidField, parseDecimal, parseUuid } from "@hygge/core";
import {
  type Data,
  type DataType,
  type Decimal,
  type Field,
  type Int,
  makeData,
  type Timestamp,
  Type,
} from "apache-arrow";
import { bytesDate, bytesDecimal, bytesTimestamp } from "./parse-bytes.js";
import {
  parseBigInt,
  parseBinary,
  parseBool,
  parseDate,
  parseFloatText,
  parseSmallInt,
  parseTime,
  parseTimestamp,
  ValueError,
} from "./parse-values.js";
import type { Cells } from "./tokenizer.js";

/** Collects one column of a batch from text cells (null = a null marker) and builds its Arrow data. */
export interface ColumnBuilder {
  /** Throws ValueError when the text does not parse as the column's type. */
  append(text: string | null): void;
  /** Appends cell c of the current record (its bytes are parsed directly where the type allows). */
  appendCell(cells: Cells, c: number): void;
  finish(): Data;
}

export interface BuildOptions {
  binary: "base64" | "hex";
}

/** Validity bits, one per row, and the null count. */
class Validity {
  readonly bits: Uint8Array;
  nulls = 0;
  constructor(capacity: number) {
    this.bits = new Uint8Array(Math.ceil(capacity / 8));
  }
  set(row: number, valid: boolean) {
    if (valid) this.bits[row >> 3]! |= 1 << (row & 7);
    else this.nulls++;
  }
}

/** A builder over a fixed-width values array (typed array) written one row at a time. */
function fixed<T extends { length: number }>(
  type: DataType,
  capacity: number,
  values: T,
  put: (values: T, row: number, text: string) => void,
  /** Parses the value's UTF-8 bytes when it can (false: the text path decides). */
  putBytes?: (values: T, row: number, bytes: Uint8Array, start: number, end: number) => boolean,
): ColumnBuilder {
  const validity = new Validity(capacity);
  let length = 0;
  return {
    append(text) {
      if (text !== null) put(values, length, text);
      validity.set(length++, text !== null);
    },
    appendCell(cells, c) {
      if (cells.isNull(c)) {
        validity.set(length++, false);
        return;
      }
      if (putBytes) {
        cells.value(c);
        if (!putBytes(values, length, cells.vbuf, cells.vstart, cells.vend))
          put(values, length, cells.text(c)!);
      } else put(values, length, cells.text(c)!);
      validity.set(length++, true);
    },
    finish: () =>
      makeData({
        type,
        length,
        nullCount: validity.nulls,
        nullBitmap: validity.nulls ? validity.bits : null,
        data: values,
      } as never),
  };
}

/** Variable-width bytes (strings, binaries): the cells' bytes end to end, and their offsets. */
function variable(
  type: DataType,
  capacity: number,
  encode: (text: string) => Uint8Array | string,
  /** The cell's UTF-8 bytes are the value (strings): copied without making a string. */
  verbatim = false,
): ColumnBuilder {
  const validity = new Validity(capacity);
  const offsets = new Int32Array(capacity + 1);
  let bytes = Buffer.allocUnsafe(64 * 1024);
  let used = 0;
  let length = 0;
  const reserve = (size: number) => {
    if (used + size > 0x7fffffff)
      throw new ValueError("the batch holds more than 2 GiB of text: lower batch_size");
    if (used + size <= bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, used + size));
    bytes.copy(grown, 0, 0, used);
    bytes = grown;
  };
  return {
    appendCell(cells, c) {
      if (!verbatim || cells.isNull(c)) {
        this.append(cells.text(c));
        return;
      }
      cells.value(c);
      const { vbuf, vstart, vend } = cells;
      const size = vend - vstart;
      reserve(size);
      if (size < 48) for (let k = vstart; k < vend; k++) bytes[used++] = vbuf[k]!;
      else {
        bytes.set(vbuf.subarray(vstart, vend), used);
        used += size;
      }
      validity.set(length++, true);
      offsets[length] = used;
    },
    append(text) {
      if (text !== null) {
        const value = encode(text);
        const size = typeof value === "string" ? Buffer.byteLength(value) : value.length;
        reserve(size);
        if (typeof value === "string") bytes.write(value, used);
        else bytes.set(value, used);
        used += size;
      }
      validity.set(length++, text !== null);
      offsets[length] = used;
    },
    finish() {
      let data = new Uint8Array(bytes.subarray(0, used));
      // Bytes copied verbatim from a file that is not valid UTF-8: decoded as text is (U+FFFD
      // for the invalid sequences), so the column holds valid UTF-8 as Arrow requires.
      if (verbatim && !isUtf8(data)) {
        const parts: Buffer[] = [];
        let at = 0;
        for (let row = 0; row < length; row++) {
          const part = Buffer.from(
            Buffer.from(data.buffer, data.byteOffset).toString("utf8", offsets[row], offsets[row + 1]),
          );
          offsets[row] = at;
          at += part.length;
          parts.push(part);
        }
        offsets[length] = at;
        data = new Uint8Array(Buffer.concat(parts));
      }
      return makeData({
        type,
        length,
        nullCount: validity.nulls,
        nullBitmap: validity.nulls ? validity.bits : null,
        valueOffsets: offsets.subarray(0, length + 1),
        data,
      } as never);
    },
  };
}

function checkJson(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    throw new ValueError(`"${text}" is not JSON`);
  }
  return text;
}

const INT_RANGES: Record<string, [number, number]> = {
  i8: [-128, 127],
  i16: [-32768, 32767],
  i32: [-2147483648, 2147483647],
  u8: [0, 255],
  u16: [0, 65535],
  u32: [0, 4294967295],
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const SMALL_INTEGER = /^[+-]?\d{1,15}$/;
const SMALL_DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** An integer of at most 15 digits (exact as a double), or undefined to take the BigInt path. */
function smallInteger(text: string): number | undefined {
  return SMALL_INTEGER.test(text) ? Number(text) : undefined;
}

/**
 * The unscaled value of a decimal text when it has at most 15 significant digits and no more
 * decimals than `scale` (exact as a double), or undefined to take the BigInt path.
 */
function smallDecimal(text: string, scale: number): number | undefined {
  const m = SMALL_DECIMAL.exec(text);
  if (!m) return undefined;
  const integer = m[2] ?? "";
  const fraction = m[3] ?? "";
  if (fraction.length > scale || integer.length + scale > 15 || (integer === "" && fraction === ""))
    return undefined;
  const value = Number(integer + fraction.padEnd(scale, "0"));
  return m[1] === "-" ? -value : value;
}

/** A safe integer as two little-endian 32-bit words, two's complement. */
function putWords(words: Int32Array, at: number, value: number): void {
  words[at] = (value % 0x1_0000_0000) | 0;
  words[at + 1] = Math.floor(value / 0x1_0000_0000);
}

/** A factory of builders for `field`, one per batch of at most `capacity` rows. */
export function builderFor(field: Field, options: BuildOptions): (capacity: number) => ColumnBuilder {
  const type = field.type as DataType;
  if (isUuidField(field))
    return (n) =>
      fixed(type, n, new Uint8Array(n * 16), (v, row, text) => {
        try {
          v.set(parseUuid(text), row * 16);
        } catch {
          throw new ValueError(`"${text}" is not a UUID`);
        }
      });
  if (isJsonField(field)) return (n) => variable(type, n, checkJson);
  switch (type.typeId) {
    case Type.Utf8:
      return (n) => variable(type, n, (text) => text, true);
    case Type.Binary:
      return (n) => variable(type, n, (text) => parseBinary(text, options.binary));
    case Type.Bool:
      return (n) =>
        fixed(type, n, new Uint8Array(Math.ceil(n / 8)), (v, row, text) => {
          if (parseBool(text)) v[row >> 3]! |= 1 << (row & 7);
        });
    case Type.Int: {
      const int = type as Int;
      const name = `${int.isSigned ? "int" : "uint"}${int.bitWidth}`;
      if (int.bitWidth === 64) {
        const [min, max] = int.isSigned ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
        return (n) => {
          const values = int.isSigned ? new BigInt64Array(n) : new BigUint64Array(n);
          const words = new Int32Array(values.buffer);
          return fixed(
            type,
            n,
            values,
            (v, row, text) => {
              // Up to 15 digits is exact as a double: the two words are written without a BigInt.
              const small = text.length <= 15 && int.isSigned ? smallInteger(text) : undefined;
              if (small === undefined) v[row] = parseBigInt(text, min, max, name);
              else putWords(words, row * 2, small);
            },
            int.isSigned
              ? (_v, row, b, start, end) => {
                  const small = bytesDecimal(b, start, end, 0);
                  if (small === undefined) return false;
                  putWords(words, row * 2, small);
                  return true;
                }
              : undefined,
          );
        };
      }
      const [min, max] = INT_RANGES[`${int.isSigned ? "i" : "u"}${int.bitWidth}`]!;
      return (n) =>
        fixed(type, n, new int.ArrayType(n), (v, row, text) => {
          v[row] = parseSmallInt(text, min, max, name);
        });
    }
    case Type.Float: {
      const ArrayType = (type as unknown as { ArrayType: Float64ArrayConstructor }).ArrayType;
      return (n) =>
        fixed(type, n, new ArrayType(n), (v, row, text) => {
          v[row] = parseFloatText(text);
        });
    }
    case Type.Decimal: {
      const { scale, precision, bitWidth } = type as Decimal;
      const words = bitWidth / 32;
      const limit = 10n ** BigInt(precision);
      const limitSmall = 10 ** precision;
      return (n) =>
        fixed(
          type,
          n,
          new Uint32Array(n * words),
          (v, row, text) => {
            const small = precision <= 15 ? smallDecimal(text, scale) : undefined;
            if (small !== undefined) {
              if (Math.abs(small) >= limitSmall)
                throw new ValueError(`${text} has more digits than decimal(${precision}, ${scale})`);
              putWords(v as unknown as Int32Array, row * words, small);
              if (words > 2) v.fill(small < 0 ? 0xffffffff : 0, row * words + 2, row * words + words);
              return;
            }
            let unscaled: bigint;
            try {
              unscaled = parseDecimal(text, scale);
            } catch (error) {
              throw new ValueError(
                /decimals/.test((error as Error).message)
                  ? (error as Error).message
                  : `"${text}" is not a decimal`,
              );
            }
            if (unscaled >= limit || unscaled <= -limit)
              throw new ValueError(`${text} has more digits than decimal(${precision}, ${scale})`);
            bigIntToWords(unscaled, words, v, row * words);
          },
          (v, row, b, start, end) => {
            // Within the limit only: the text path words the error.
            const small = precision <= 15 ? bytesDecimal(b, start, end, scale) : undefined;
            if (small === undefined || Math.abs(small) >= limitSmall) return false;
            putWords(v as unknown as Int32Array, row * words, small);
            if (words > 2) v.fill(small < 0 ? 0xffffffff : 0, row * words + 2, row * words + words);
            return true;
          },
        );
    }
    case Type.Date:
      return (n) =>
        fixed(
          type,
          n,
          new Int32Array(n),
          (v, row, text) => {
            v[row] = parseDate(text);
          },
          (v, row, b, start, end) => {
            const days = bytesDate(b, start, end);
            if (days === undefined) return false;
            v[row] = days;
            return true;
          },
        );
    case Type.Time: {
      const unit = (type as unknown as { unit: number }).unit;
      if (unit <= 1)
        return (n) =>
          fixed(type, n, new Int32Array(n), (v, row, text) => {
            v[row] = Number(parseTime(text, unit));
          });
      return (n) =>
        fixed(type, n, new BigInt64Array(n), (v, row, text) => {
          v[row] = parseTime(text, unit);
        });
    }
    case Type.Timestamp: {
      const { unit, timezone } = type as Timestamp;
      const utc = /^(utc|etc\/utc|z)$/i.test(timezone ?? "");
      return (n) =>
        fixed(
          type,
          n,
          new BigInt64Array(n),
          (v, row, text) => {
            const value = parseTimestamp(text, unit, timezone);
            if (value < INT64_MIN || value > INT64_MAX)
              throw new ValueError(`"${text}" is outside the range of ${field.type}`);
            v[row] = value;
          },
          (v, row, b, start, end) => {
            const value = bytesTimestamp(b, start, end, unit, !!timezone, utc);
            if (value === undefined || value < INT64_MIN || value > INT64_MAX) return false;
            v[row] = value;
            return true;
          },
        );
    }
    default:
      throw new ValueError(`CSV cannot hold ${type} (column ${field.name}): declare it json or string`);
  }
}
