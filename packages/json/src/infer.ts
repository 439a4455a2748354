import { isLosslessNumber } from "lossless-json";
import { exactNumber, type JsonValue } from "./parse-line.js";

/**
 * What the sample says about one key, merged line by line. Numbers keep exact statistics, so the
 * type chosen carries every sampled value exactly.
 */
export type Kind =
  | { k: "null" }
  | { k: "bool" }
  | {
      k: "number";
      fraction: boolean;
      floatExact: boolean;
      beyondInt64: boolean;
      intDigits: number;
      scale: number;
    }
  | { k: "string" }
  | { k: "list"; item: Kind }
  | { k: "struct"; fields: Map<string, Kind> };

/** Two kinds that cannot share a column: `path` says where, below the column. */
export class MixedError extends Error {
  constructor(
    readonly a: string,
    readonly b: string,
    public path = "",
  ) {
    super(`holds both ${a} and ${b}`);
  }
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** The kind of one value (numbers given as literal text: `LosslessNumber`). */
export function kindOf(value: JsonValue): Kind {
  if (value === null) return { k: "null" };
  if (typeof value === "boolean") return { k: "bool" };
  if (typeof value === "string") return { k: "string" };
  if (typeof value === "number" || isLosslessNumber(value)) return numberKind(String(value));
  if (Array.isArray(value)) {
    let item: Kind = { k: "null" };
    value.forEach((x, i) => {
      item = at(`[${i}]`, () => merge(item, kindOf(x)));
    });
    return { k: "list", item };
  }
  const fields = new Map<string, Kind>();
  for (const [key, x] of Object.entries(value)) fields.set(key, kindOf(x));
  return { k: "struct", fields };
}

function numberKind(text: string): Kind {
  const x = exactNumber(text)!;
  const fraction = /[.eE]/.test(text);
  const scale = Math.max(0, -x.exponent);
  const abs = x.digits < 0n ? -x.digits : x.digits;
  const intDigits = Math.max(1, abs.toString().length + x.exponent);
  const value = x.exponent >= 0 ? x.digits * 10n ** BigInt(x.exponent) : undefined;
  return {
    k: "number",
    fraction,
    floatExact: roundTrips(text),
    beyondInt64: !fraction && value !== undefined && (value > INT64_MAX || value < INT64_MIN),
    intDigits,
    scale: trimmedScale(x.digits, scale),
  };
}

/** Decimals actually needed: `1.50` needs one. */
function trimmedScale(digits: bigint, scale: number): number {
  let s = scale;
  let d = digits;
  while (s > 0 && d % 10n === 0n) {
    d /= 10n;
    s--;
  }
  return s;
}

/** True when the double nearest to `text` prints back as the same decimal value. */
function roundTrips(text: string): boolean {
  const d = Number(text);
  if (!Number.isFinite(d)) return false;
  return sameValue(exactNumber(text)!, exactNumber(String(d).replace("e+", "e"))!);
}

function sameValue(
  a: { digits: bigint; exponent: number },
  b: { digits: bigint; exponent: number },
): boolean {
  const e = Math.min(a.exponent, b.exponent);
  return a.digits * 10n ** BigInt(a.exponent - e) === b.digits * 10n ** BigInt(b.exponent - e);
}

function at<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof MixedError) error.path = path + error.path;
    throw error;
  }
}

const NAMES = {
  null: "null",
  bool: "booleans",
  number: "numbers",
  string: "strings",
  list: "arrays",
  struct: "objects",
};

export function merge(a: Kind, b: Kind): Kind {
  if (a.k === "null") return b;
  if (b.k === "null") return a;
  if (a.k !== b.k) throw new MixedError(NAMES[a.k], NAMES[b.k]);
  if (a.k === "number" && b.k === "number")
    return {
      k: "number",
      fraction: a.fraction || b.fraction,
      floatExact: a.floatExact && b.floatExact,
      beyondInt64: a.beyondInt64 || b.beyondInt64,
      intDigits: Math.max(a.intDigits, b.intDigits),
      scale: Math.max(a.scale, b.scale),
    };
  if (a.k === "list" && b.k === "list") return { k: "list", item: at("[]", () => merge(a.item, b.item)) };
  if (a.k === "struct" && b.k === "struct") {
    const fields = new Map(a.fields);
    for (const [key, kind] of b.fields)
      fields.set(
        key,
        at(`.${key}`, () => merge(fields.get(key) ?? { k: "null" }, kind)),
      );
    return { k: "struct", fields };
  }
  return a;
}
