import { fieldFromTypeName } from "@hygge/core";
import type { CsvReadOptions } from "./options.js";

export const PLUGIN = "@hygge/csv";
export const FIELD_COUNT_HINT =
  "check the delimiter, quote and escape options: every row must have as many fields as the header";

/**
 * The column names of a file: from its header (an empty name becomes column<n>, a repeated one
 * gets _1, _2… as DuckDB does), else from `columns:`, else column1, column2…
 */
export function columnNames(
  header: (string | null)[] | undefined,
  width: number,
  options: CsvReadOptions,
): string[] {
  const declared =
    options.columns === undefined
      ? []
      : Array.isArray(options.columns)
        ? options.columns
        : Object.keys(options.columns);
  const names: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < width; i++) {
    let name = (header ? header[i]?.trim() : declared[i]) || `column${i + 1}`;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    if (count > 0) name = `${name}_${count}`;
    names.push(name);
  }
  return names;
}

/** Declared types by column name (`columns:` given as a map). */
export function declaredTypes(options: CsvReadOptions): Record<string, string> {
  return options.columns && !Array.isArray(options.columns) ? options.columns : {};
}

export function declaredField(name: string, options: CsvReadOptions) {
  const type = declaredTypes(options)[name];
  return type === undefined ? undefined : fieldFromTypeName(name, type);
}
