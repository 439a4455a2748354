/**
 * A tedious data type for `decimal(p,s)` that carries the exact unscaled value (a BigInt).
 *
 * tedious' own Decimal/Numeric `validate` runs `parseFloat` and `writeValue` computes
 * `Math.round(Math.abs(value * 10^scale))`: exact to about 15 significant digits only. This type
 * implements tedious' `DataType` interface (id, declaration, writeTypeInfo, writeValue, validate)
 * with the same TDS encoding — DECIMALN, length, precision, scale; then per value the length,
 * the sign byte and the magnitude as a little-endian integer of 4/8/12/16 bytes — but from a
 * BigInt, so nothing passes through a float. mssql hands a column type it does not know to
 * tedious as is, so `request.bulk()` keeps its bulk path (INSERT BULK) for decimals.
 */

/** The part of tedious' WritableTrackingBuffer this type writes with. */
export interface TdsBuffer {
  writeUInt8(value: number): void;
  writeUInt32LE(value: number): void;
  writeBigUInt64LE(value: bigint): void;
}

export interface DecimalParameter {
  value?: unknown;
  precision?: number;
  scale?: number;
}

const DECIMALN = 0x6a;
const MASK_64 = (1n << 64n) - 1n;

/** Bytes of the magnitude at `precision` (TDS 2.2.5.5.1.6). */
export function decimalLength(precision: number): 4 | 8 | 12 | 16 {
  return precision <= 9 ? 4 : precision <= 19 ? 8 : precision <= 28 ? 12 : 16;
}

export const exactDecimalType = {
  id: 0x37,
  type: "DECIMAL",
  name: "Decimal",
  declaration(parameter: DecimalParameter): string {
    return `decimal(${parameter.precision ?? 18}, ${parameter.scale ?? 0})`;
  },
  resolvePrecision: (parameter: DecimalParameter) => parameter.precision ?? 18,
  resolveScale: (parameter: DecimalParameter) => parameter.scale ?? 0,
  writeTypeInfo(buffer: TdsBuffer, parameter: DecimalParameter): void {
    const precision = parameter.precision ?? 18;
    buffer.writeUInt8(DECIMALN);
    buffer.writeUInt8(decimalLength(precision) + 1);
    buffer.writeUInt8(precision);
    buffer.writeUInt8(parameter.scale ?? 0);
  },
  writeValue(buffer: TdsBuffer, parameter: DecimalParameter): void {
    const value = parameter.value as bigint | null | undefined;
    if (value == null) {
      buffer.writeUInt8(0);
      return;
    }
    const precision = parameter.precision ?? 18;
    const magnitude = value < 0n ? -value : value;
    if (magnitude >= 10n ** BigInt(precision)) {
      throw new RangeError(`unscaled value ${value} does not fit decimal(${precision}, ${parameter.scale})`);
    }
    const length = decimalLength(precision);
    buffer.writeUInt8(length + 1);
    buffer.writeUInt8(value < 0n ? 0 : 1);
    if (length === 4) buffer.writeUInt32LE(Number(magnitude));
    else {
      buffer.writeBigUInt64LE(magnitude & MASK_64);
      if (length === 12) buffer.writeUInt32LE(Number(magnitude >> 64n));
      if (length === 16) buffer.writeBigUInt64LE(magnitude >> 64n);
    }
  },
  validate(value: unknown): bigint | null {
    if (value == null) return null;
    if (typeof value !== "bigint") throw new TypeError("an exact decimal is its unscaled value as a BigInt");
    return value;
  },
};
