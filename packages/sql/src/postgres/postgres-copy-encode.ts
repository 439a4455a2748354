import type { RecordBatch } from "apache-arrow";
import { pgWriteCodec } from "./postgres-type-table.js";

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Escapes a value for COPY text format (backslash, newline, carriage return, tab). */
export function copyEscape(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : text;
}

/**
 * A batch as COPY FROM STDIN text format rows (tab-separated, \N for null): for target columns
 * whose type differs from the type table's (PostgreSQL then converts the text), and for the
 * Arrow types without a binary encoder (dictionaries, large strings, nested values as jsonb).
 * `typmods`: as for encodeCopyBinary.
 */
export function encodeCopyText(batch: RecordBatch, typmods?: ReadonlyMap<string, number>): Buffer {
  const columns = batch.schema.fields.map((_, c) => batch.getChildAt(c)!.data[0]!);
  const cells = batch.schema.fields.map((f, c) => {
    const codec = pgWriteCodec(f);
    const cell = codec.text(columns[c]!);
    const guard = typmods && codec.guard(columns[c]!, typmods.get(f.name) ?? -1);
    return guard
      ? (i: number) => {
          guard(i);
          return cell(i);
        }
      : cell;
  });
  const n = batch.numRows;
  const last = columns.length - 1;
  let out = "";
  for (let i = 0; i < n; i++) {
    let line = "";
    for (let c = 0; c <= last; c++) {
      const d = columns[c]!;
      line += d.nullCount > 0 && !d.getValid(i) ? "\\N" : copyEscape(cells[c]!(i));
      line += c === last ? "\n" : "\t";
    }
    out += line;
  }
  return Buffer.from(out, "utf8");
}
