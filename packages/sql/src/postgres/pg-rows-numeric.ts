import { formatDecimal, wordsToBigInt } from "@hygge/core";
import { type Data, Decimal, makeVector, Type } from "apache-arrow";
import { DecimalBuilder } from "../arrow/column-builder.js";
import { type AnyType, type PgTypeRow, readRefused, typeRefused, writeRefused } from "./pg-type-row.js";

/** Arrow Decimal256 holds 76 digits; PostgreSQL numeric up to 1000. */
const MAX_PRECISION = 76;

/** numeric(p,s) typmod → [precision, scale] (scale may be negative or above p since PostgreSQL 15). */
export function pgNumericPrecision(typmod: number): [number, number] | undefined {
  if (typmod < 4) return undefined;
  const t = typmod - 4;
  return [(t >> 16) & 0xffff, ((t & 0x7ff) ^ 1024) - 1024];
}

/** Base-10000 digits of an unscaled decimal, as PostgreSQL's binary numeric wants them. */
function writeNumeric(buf: Buffer, at: number, unscaled: bigint, scale: number): number {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const intPart = digits.length > scale ? digits.slice(0, digits.length - scale) : "";
  const frac = digits.length > scale ? digits.slice(digits.length - scale) : digits.padStart(scale, "0");
  const intPadded = intPart.padStart(Math.ceil(intPart.length / 4) * 4, "0");
  const fracPadded = frac.padEnd(Math.ceil(frac.length / 4) * 4, "0");
  const groups: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
  let weight = intPadded.length / 4 - 1;
  let first = 0;
  while (first < groups.length && groups[first] === 0) {
    first++;
    weight--;
  }
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last--;
  const ndigits = last - first;
  if (ndigits === 0) weight = 0;
  const len = 8 + 2 * ndigits;
  buf.writeInt32BE(len, at);
  buf.writeInt16BE(ndigits, at + 4);
  buf.writeInt16BE(weight, at + 6);
  buf.writeUInt16BE(negative && ndigits > 0 ? 0x4000 : 0, at + 8);
  buf.writeInt16BE(scale, at + 10);
  for (let i = 0; i < ndigits; i++) buf.writeInt16BE(groups[first + i]!, at + 12 + 2 * i);
  return at + 4 + len;
}

const numericBytes = (precision: number) => 12 + 2 * Math.ceil((precision + 8) / 4);

/** Reads a column as Decimal(p,s); refuses the numerics Arrow cannot hold with a fixed scale. */
function numericReader(column: { name: string; typmod: number }) {
  const ps = pgNumericPrecision(column.typmod);
  const hint = (p: string) =>
    `Cast it in the query to the precision and scale its values need, e.g. "${column.name}::numeric(${p})" (PostgreSQL rounds to that scale, so choose it to hold every digit), or leave it out with columns:.`;
  if (!ps)
    throw typeRefused(
      column.name,
      "numeric (no precision and scale)",
      `${hint("38,10")} Arrow decimals have a fixed scale: hygge does not guess one.`,
    );
  const [precision, scale] = ps;
  if (precision > MAX_PRECISION || scale < 0 || scale > precision)
    throw typeRefused(
      column.name,
      `numeric(${precision},${scale})`,
      hint(`${Math.min(precision, 76)},${Math.max(0, Math.min(scale, 76))}`),
    );
  const type = new Decimal(scale, precision, precision > 38 ? 256 : 128);
  return {
    type,
    builder: (capacity: number) => new DecimalBuilder(type, () => 0n, capacity),
    decoder: (b: unknown) => {
      const builder = b as DecimalBuilder;
      return (buf: Buffer, start: number) => {
        const ndigits = buf.readInt16BE(start);
        const weight = buf.readInt16BE(start + 2);
        const sign = buf.readUInt16BE(start + 4);
        if (sign !== 0 && sign !== 0x4000)
          throw readRefused(
            column.name,
            "NaN or infinity",
            "Filter or cast such values in a query (infinity and NaN have no Arrow decimal).",
          );
        let acc = 0n;
        for (let d = 0; d < ndigits; d++) acc = acc * 10000n + BigInt(buf.readInt16BE(start + 8 + 2 * d));
        // acc × 10000^(weight − ndigits + 1), scaled by 10^scale (exact: the column's scale bounds the digits).
        const exp = 4 * (weight - ndigits + 1) + scale;
        const value = exp >= 0 ? acc * 10n ** BigInt(exp) : acc / 10n ** BigInt(-exp);
        builder.pushUnscaled(sign === 0x4000 ? -value : value);
      };
    },
  };
}

/** numeric(p,s) ↔ Decimal128 (p ≤ 38) / Decimal256 (p ≤ 76); Uint64 is written as numeric(20,0). */
export const numericRow: PgTypeRow = {
  name: "numeric",
  oids: [1700],
  arrayOids: [1231],
  read: numericReader,
  takes: (f) =>
    f.type.typeId === Type.Decimal ||
    (f.type.typeId === Type.Int && !(f.type as AnyType).isSigned && (f.type as AnyType).bitWidth === 64),
  ddl: (f) => {
    const t = f.type as AnyType;
    return t.typeId === Type.Decimal ? `numeric(${t.precision},${t.scale})` : "numeric(20,0)";
  },
  binaryTargets: () => ["numeric"],
  encode: (data: Data) => {
    const t = data.type as AnyType;
    const values = data.values as any;
    if (t.typeId === Type.Int)
      return {
        bytes: data.length * numericBytes(20),
        write: (buf, at, i) => writeNumeric(buf, at, BigInt(values[i]), 0),
      };
    const words = (t.bitWidth as number) / 32;
    const scale = t.scale as number;
    return {
      bytes: data.length * numericBytes(Math.max(t.precision, scale)),
      write: (buf, at, i) => writeNumeric(buf, at, wordsToBigInt(values, i * words, words), scale),
    };
  },
  text: (data: Data) => {
    const t = data.type as AnyType;
    if (t.typeId === Type.Int) {
      const v = makeVector(data);
      return (i) => String(v.get(i));
    }
    const words = (t.bitWidth as number) / 32;
    const values = data.values as Uint32Array;
    return (i) => formatDecimal(wordsToBigInt(values, i * words, words), t.scale);
  },
  guard: numericGuard,
};

/** Refuses decimals with more fraction digits than a target numeric(p,s) keeps (PostgreSQL would round them). */
function numericGuard(data: Data, column: string, typmod: number): ((i: number) => void) | undefined {
  const target = pgNumericPrecision(typmod);
  const t = data.type as AnyType;
  if (!target || t.typeId !== Type.Decimal || target[1] >= t.scale) return undefined;
  const words = (t.bitWidth as number) / 32;
  const values = data.values as Uint32Array;
  const unit = 10n ** BigInt(t.scale - target[1]);
  return (i) => {
    const v = wordsToBigInt(values, i * words, words);
    if (v % unit !== 0n)
      throw writeRefused(
        column,
        `${formatDecimal(v, t.scale)}`,
        `The column is numeric(${target[0]},${target[1]}), which would round it: widen the column's scale, or round the value before loading.`,
      );
  };
}

/** money depends on lc_monetary and has no decimal scale of its own: cast it. */
export const moneyRow: PgTypeRow = {
  name: "money",
  oids: [790],
  arrayOids: [791],
  read: (column) => {
    throw typeRefused(
      column.name,
      "money",
      `Cast it in the query: "${column.name}::numeric(19,2)" (money's text depends on lc_monetary).`,
    );
  },
};
