import { LosslessNumber } from "lossless-json";
import { type JsonValue, risky } from "./parse-line.js";

/**
 * Many lines → their values with one `JSON.parse` (about twice as fast as one call per line, and
 * most of what is left of reading is that call). Undefined when this cannot vouch for the result:
 * the caller then parses line by line, which also names the line of an error exactly.
 *
 * The lines are joined as `[line1,"\u0001",line2,"\u0001",…]`. A bad line can still make the
 * whole text valid JSON (`{"a":[{}` then `{}]}` read as one object, `{},{}` as two): so every
 * separator must come back as a top-level "\u0001" string between exactly one value per line.
 * Only a separator can produce that string when the text has no `\u0001` escape of its own (a raw
 * control character is not valid inside a JSON string).
 *
 * Numbers a double may not carry exactly (see `risky`) are rewritten as strings "\u0000<literal>"
 * and turned into `LosslessNumber`s after parsing, when the text has no `\u0000` of its own; a
 * rewritten literal that lands as an object key was not a value: the lines go the slow way.
 */
export function parseChunk(lines: readonly string[]): JsonValue[] | undefined {
  let text = lines.join(SEPARATOR);
  if (count(text, "\\u0001") !== lines.length - 1) return undefined;
  const marked = RISKY.test(text);
  if (marked) {
    if (text.includes("\\u0000")) return undefined;
    const rewritten = markRisky(text);
    if (rewritten === undefined) return undefined;
    text = rewritten;
  }
  let all: JsonValue[];
  try {
    all = JSON.parse(`[${text}]`) as JsonValue[];
  } catch {
    return undefined;
  }
  const n = lines.length;
  if (all.length !== 2 * n - 1) return undefined;
  const values = new Array<JsonValue>(n);
  for (let i = 0; i < n; i++) {
    if (i > 0 && all[2 * i - 1] !== MARK) return undefined;
    const value = all[2 * i]!;
    if (marked && !unmark(value)) return undefined;
    values[i] = value;
  }
  return values;
}

/** Occurrences of `needle` in `text`. */
function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

const SEPARATOR = ',"\\u0001",';
const MARK = "\u0001";

// A cheap over-approximation of `risky` for a whole chunk: irregexp runs a fixed-length pattern
// several times faster than a JavaScript loop over the characters. A match inside a string only
// costs the rewrite below, which reads strings properly.
const RISKY = new RegExp(`\\d${"[\\d.]".repeat(15)}|[eE]\\d\\d\\d|[eE][+-]\\d\\d\\d`);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The text with its risky number literals (outside strings) as "\u0000<literal>" strings. */
function markRisky(text: string): string | undefined {
  const parts: string[] = [];
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string: to its closing quote, one not escaped by an odd run of backslashes.
      let q = text.indexOf('"', i + 1);
      while (q !== -1) {
        let b = q - 1;
        while (text.charCodeAt(b) === 92) b--;
        if ((q - b) % 2 === 1) break;
        q = text.indexOf('"', q + 1);
      }
      if (q === -1) return undefined;
      i = q + 1;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
      }
      // (A risky literal has 5 characters at least: shorter ones are not even sliced.)
      const literal = j - i >= 5 ? text.slice(i, j) : "";
      if (literal !== "" && risky(literal)) {
        // Not a JSON number (a leading zero, two dots): as a string it would become valid.
        if (!NUMBER.test(literal)) return undefined;
        parts.push(text.slice(from, i), '"\\u0000', literal, '"');
        from = j;
      }
      i = j;
    } else i++;
  }
  parts.push(text.slice(from));
  return parts.join("");
}

/** Marked strings inside `value` → `LosslessNumber`s, in place; false when a mark is a key. */
function unmark(value: JsonValue): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const x = value[i]!;
      if (typeof x === "string") {
        if (x.charCodeAt(0) === 0) value[i] = new LosslessNumber(x.slice(1));
      } else if (!unmark(x)) return false;
    }
    return true;
  }
  if (value instanceof LosslessNumber) return true;
  for (const key in value) {
    if (key.charCodeAt(0) === 0) return false;
    const x = value[key]!;
    if (typeof x === "string") {
      // defineProperty: an own "__proto__" key is data, and assigning it would set the prototype.
      if (x.charCodeAt(0) === 0)
        Object.defineProperty(value, key, {
          value: new LosslessNumber(x.slice(1)),
          writable: true,
          enumerable: true,
          configurable: true,
        });
    } else if (!unmark(x)) return false;
  }
  return true;
}
