import { isLosslessNumber, LosslessNumber, parse } from "lossless-json";

/**
 * A JSON value as read: numbers are a JS `number` when that is exact (see `parseLine`) or a
 * `LosslessNumber` holding the literal text when it may not be.
 */
export type JsonValue = null | boolean | number | LosslessNumber | string | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

// A number literal that a double may not carry exactly: 16 or more digits (an integer beyond
// 2^53, a decimal with 16 significant digits) or a three-digit exponent (1e400 overflows, 1e-400
// underflows). Matches inside strings too: that only sends the line to the slower parser.
// A loop rather than a regular expression: this runs on every line, and the regex backtracks.
export function risky(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c === 46 && run > 0)) {
      if (++run >= 16) return true;
    } else if ((c === 101 || c === 69) && run > 0) {
      let j = i + 1;
      const s = text.charCodeAt(j);
      if (s === 43 || s === 45) j++;
      let digits = 0;
      while (digits < 3 && text.charCodeAt(j + digits) >= 48 && text.charCodeAt(j + digits) <= 57) digits++;
      if (digits === 3) return true;
      run = 0;
    } else run = 0;
  }
  return false;
}

const OPTIONS = {
  parseNumber: (text: string) => new LosslessNumber(text),
  onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue, // last one wins, as JSON.parse
};

/**
 * One line → a JSON value whose numbers are exact. Most lines hold only short numbers, which
 * `JSON.parse` (native, several times faster) reads exactly: a literal of at most 15 significant
 * digits is the shortest text of its double, so `String(n)` gives its value back. Lines with a
 * risky literal go through `lossless-json`, which keeps the literal text.
 */
export function parseLine(text: string): JsonValue {
  return risky(text) ? (parse(text, null, OPTIONS) as JsonValue) : (JSON.parse(text) as JsonValue);
}

/** Every number as its literal (for inference, where `1.0` and `1` differ). */
export function parseLiteral(text: string): JsonValue {
  return parse(text, null, OPTIONS) as JsonValue;
}

export function isNumber(value: unknown): value is number | LosslessNumber {
  return typeof value === "number" || isLosslessNumber(value);
}

/** The decimal text of a number value (`1e-7` for the double 0.0000001: parse it with `exactNumber`). */
export function numberText(value: number | LosslessNumber): string {
  return typeof value === "number" ? String(value) : value.value;
}

/** A number literal as digits × 10^exponent, exactly. */
export interface Exact {
  digits: bigint;
  exponent: number;
}

const NUMBER = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export function exactNumber(text: string): Exact | undefined {
  const m = NUMBER.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? "";
  const digits = BigInt(m[2]! + frac);
  return { digits: m[1] ? -digits : digits, exponent: Number(m[4] ?? 0) - frac.length };
}

/** `x` scaled to `scale` decimals as an integer, or undefined when that would drop a non-zero digit. */
export function scaled(x: Exact, scale: number): bigint | undefined {
  const shift = x.exponent + scale;
  if (shift >= 0) return shift > 400 ? undefined : x.digits * 10n ** BigInt(shift);
  if (-shift > 400) return x.digits === 0n ? 0n : undefined;
  const div = 10n ** BigInt(-shift);
  return x.digits % div === 0n ? x.digits / div : undefined;
}
