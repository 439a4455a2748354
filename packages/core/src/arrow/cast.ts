import {
  type Data,
  type DataType,
  type Decimal,
  type Float,
  type Int,
  makeData,
  Precision,
  type Time,
  type Timestamp,
  Type,
  util,
} from "apache-arrow";
import { holds } from "../schema/widen.js";
import { bigIntToWords, wordsToBigInt } from "./values.js";

/**
 * A value that the wider type cannot carry (a timestamp in seconds past year 292277 as
 * nanoseconds, a decimal bigger than its declared precision): `row` is the index in the column.
 */
export class CastOverflow extends Error {
  constructor(
    readonly row: number,
    readonly value: string,
  ) {
    super(`the value ${value} (row ${row}) does not fit`);
  }
}

/**
 * The column `data` (of type `from`) as the type `to` that holds it (`holds(to, from)` in
 * schema/widen.ts), exactly: integers to wider or signed integers and to decimals, float32 to
 * float64, decimals to more digits or a larger scale, timestamps and times to a finer unit,
 * utf8/binary to their large forms. Validity and slice offset are kept; values buffers are shared
 * where the bits do not change (a decimal that only gains precision). Throws CastOverflow on a
 * value the wider type cannot carry, and Error on a pair it does not know (a bug: unify first).
 */
export function castData(data: Data, to: DataType): Data {
  const from = data.type as DataType;
  // The one guarantee every branch below relies on (uint64 → int64 would otherwise be reinterpreted).
  if (!holds(to, from))
    throw new Error(`cannot cast ${String(from)} to ${String(to)}: it does not hold every value`);
  const base = { type: to, offset: data.offset, length: data.length, nullCount: data.nullCount };
  const nullBitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
  switch (to.typeId) {
    case Type.Int:
      if (from.typeId === Type.Int)
        return makeData({ ...base, nullBitmap, data: intValues(data.values, to as Int) } as never);
      break;
    case Type.Float:
      if (from.typeId === Type.Float)
        return makeData({
          ...base,
          nullBitmap,
          data: floatValues(data.values, from as Float, to as Float),
        } as never);
      break;
    case Type.Decimal:
      if (from.typeId === Type.Decimal || from.typeId === Type.Int)
        return makeData({ ...base, nullBitmap, data: decimalValues(data, to as Decimal) } as never);
      break;
    case Type.Timestamp:
      if (from.typeId === Type.Timestamp) {
        const factor = unitFactor((from as Timestamp).unit, (to as Timestamp).unit);
        return makeData({ ...base, nullBitmap, data: scaleBigInts(data, factor) } as never);
      }
      break;
    case Type.Time:
      if (from.typeId === Type.Time)
        return makeData({ ...base, nullBitmap, data: timeValues(data, from as Time, to as Time) } as never);
      break;
    case Type.LargeUtf8:
    case Type.LargeBinary:
      if (from.typeId === Type.Utf8 || from.typeId === Type.Binary) {
        const valueOffsets = BigInt64Array.from(data.valueOffsets as Int32Array, (o) => BigInt(o));
        return makeData({ ...base, nullBitmap, valueOffsets, data: data.values } as never);
      }
      break;
  }
  throw new Error(`no exact cast from ${String(from)} to ${String(to)}`);
}

type IntArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

function intValues(values: IntArray | BigInt64Array | BigUint64Array, to: Int): ArrayLike<number | bigint> {
  const Out = to.ArrayType;
  if (to.bitWidth < 64) return new (Out as Int32ArrayConstructor)(values as IntArray); // a native, exact copy
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return values; // int64 is int64
  // Into 64 bits without a BigInt per value: the low word, then the sign extended (little-endian).
  const out = new (Out as BigInt64ArrayConstructor)(values.length);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    words[2 * i] = v;
    words[2 * i + 1] = v < 0 ? -1 : 0;
  }
  return out;
}

function floatValues(
  values: Uint16Array | Float32Array | Float64Array,
  from: Float,
  to: Float,
): Float32Array | Float64Array {
  const Out = to.precision === Precision.DOUBLE ? Float64Array : Float32Array;
  if (from.precision !== Precision.HALF) return new Out(values as Float32Array);
  const out = new Out(values.length);
  for (let i = 0; i < values.length; i++) out[i] = util.uint16ToFloat64(values[i]!);
  return out;
}

/** 10^k as BigInt, for k up to 77 (decimal256 and one more, for limits). */
const POW10: bigint[] = Array.from({ length: 78 }, (_, k) => 10n ** BigInt(k));

function decimalValues(data: Data, to: Decimal): Uint32Array {
  const from = data.type as DataType;
  const outWords = to.bitWidth / 32;
  const fromDecimal = from.typeId === Type.Decimal ? (from as Decimal) : undefined;
  const inWords = fromDecimal ? fromDecimal.bitWidth / 32 : 0;
  const shift = to.scale - (fromDecimal?.scale ?? 0);
  if (shift < 0) throw new Error(`cannot cast ${String(from)} to ${String(to)}: the scale would shrink`);
  // Only more precision: the same unscaled integers, the same bits.
  if (fromDecimal && shift === 0 && inWords === outWords) return data.values as Uint32Array;
  const values = data.values as Uint32Array | IntArray | BigInt64Array | BigUint64Array;
  const out = new Uint32Array(data.length * outWords);
  const exact = (i: number) => {
    const unscaled = fromDecimal
      ? wordsToBigInt(values as Uint32Array, i * inWords, inWords)
      : BigInt(values[i] as number | bigint);
    const v = unscaled * POW10[shift]!;
    if (v >= POW10[to.precision]! || v <= -POW10[to.precision]!) throw new CastOverflow(i, String(unscaled));
    bigIntToWords(v, outWords, out, i * outWords);
  };
  // A value whose digits fit a double (|x| < 2^53) is scaled without a BigInt: most real values.
  const view = wordView(values, inWords);
  const signed = !(values instanceof BigUint64Array);
  const factor = 10 ** shift;
  const limit = Math.min(10 ** to.precision, 2 ** 53);
  const nulls = data.nullCount > 0;
  for (let i = 0; i < data.length; i++) {
    if (nulls && !data.getValid(i)) continue;
    const x = smallValue(view.words, i, view.inWords, signed);
    const r = x === undefined ? limit : x * factor;
    if (r >= limit || r <= -limit) {
      exact(i); // a larger value, or one to refuse with its exact digits
      continue;
    }
    const hi = Math.floor(r / 4294967296);
    const o = i * outWords;
    out[o] = r - hi * 4294967296;
    out[o + 1] = hi >>> 0;
    if (r < 0) out.fill(0xffffffff, o + 2, o + outWords);
  }
  return out;
}

/** The column as 32-bit words (`inWords` a value; 0: one small integer a value). */
function wordView(
  values: Uint32Array | IntArray | BigInt64Array | BigUint64Array,
  inWords: number,
): { words: Uint32Array | IntArray; inWords: number } {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array)
    return { words: new Uint32Array(values.buffer, values.byteOffset, values.length * 2), inWords: 2 };
  return { words: values, inWords };
}

/** Row `i` as a number when it is one exactly (|x| < 2^53), else undefined. */
function smallValue(
  values: Uint32Array | IntArray,
  i: number,
  inWords: number,
  signed: boolean,
): number | undefined {
  if (inWords === 0) return values[i]!; // an integer column of 32 bits or fewer
  const w = i * inWords;
  const hi = signed ? values[w + 1]! | 0 : values[w + 1]!;
  if (hi >= 0x200000 || hi < -0x200000) return undefined;
  const sign = hi < 0 ? 0xffffffff : 0;
  for (let k = w + 2; k < w + inWords; k++) if (values[k] !== sign) return undefined;
  return hi * 4294967296 + values[w]!;
}

/** 1000^k between two TimeUnits (SECOND 0 … NANOSECOND 3), `from` no finer than `to`. */
function unitFactor(from: number, to: number): bigint {
  return 1000n ** BigInt(to - from);
}

const INT64_MAX = (1n << 63n) - 1n;

function scaleBigInts(data: Data, factor: bigint): BigInt64Array {
  const values = data.values as BigInt64Array;
  if (factor === 1n) return values;
  const max = INT64_MAX / factor;
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if ((v > max || v < -max) && data.getValid(i)) throw new CastOverflow(i, String(v));
    out[i] = v * factor;
  }
  return out;
}

function timeValues(data: Data, from: Time, to: Time): Int32Array | BigInt64Array {
  const factor = unitFactor(from.unit, to.unit);
  if (from.bitWidth === 64) return scaleBigInts(data, factor); // time64 → time64
  const values = data.values as Int32Array;
  if (to.bitWidth === 32) {
    const f = Number(factor);
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]! * f;
      if ((v > 2147483647 || v < -2147483648) && data.getValid(i))
        throw new CastOverflow(i, String(values[i]));
      out[i] = v;
    }
    return out;
  }
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!) * factor; // 2^31 × 10^9 fits in 2^63
  return out;
}
