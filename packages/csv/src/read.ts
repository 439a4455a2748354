import { type FileSource, type FormatContext, HyggeError, typeNameOf } from "@hygge/core";
import { makeData, RecordBatch, type Schema, Struct } from "apache-arrow";
import { builderFor, type ColumnBuilder } from "./builders.js";
import { columnNames, FIELD_COUNT_HINT, PLUGIN } from "./columns.js";
import type { CsvReadOptions } from "./options.js";
import { ValueError } from "./parse-values.js";
import { cursors } from "./records.js";

/** The rows of one file as batches of `schema` (the entity's), `batch_size` rows each. */
export async function* readCsv(
  source: FileSource,
  schema: Schema,
  options: CsvReadOptions,
  ctx: FormatContext,
): AsyncGenerator<RecordBatch> {
  const fields = schema.fields;
  const factories = fields.map((field) => {
    try {
      return builderFor(field, options);
    } catch (error) {
      throw new HyggeError("HOME_READ_FAILED", `${source.url}: ${(error as Error).message}`, {
        plugin: PLUGIN,
        subject: source.url,
        hint: "declare the column json or string in columns:",
      });
    }
  });
  const capacity = options.batch_size;
  const structType = new Struct(fields);
  let builders: ColumnBuilder[] = factories.map((make) => make(capacity));
  let rows = 0;
  let header = options.header;
  const flush = () => {
    const children = builders.map((b) => b.finish());
    const batch = new RecordBatch(
      schema,
      makeData({ type: structType, length: rows, nullCount: 0, children }),
    );
    builders = factories.map((make) => make(capacity));
    rows = 0;
    return batch;
  };
  const width = fields.length;
  for await (const cells of cursors(source, options, ctx.signal))
    while (cells.next()) {
      if (header) {
        header = false;
        const names = Array.from({ length: cells.count }, (_, c) => cells.text(c));
        checkHeader(columnNames(names, names.length, options), schema, source);
        continue;
      }
      if (cells.count !== width)
        throw new HyggeError(
          "HOME_READ_FAILED",
          `${source.url} line ${cells.line}: ${cells.count} field(s) where the file has ${width} column(s)`,
          { plugin: PLUGIN, subject: source.url, hint: FIELD_COUNT_HINT },
        );
      let c = 0;
      try {
        for (; c < width; c++) builders[c]!.appendCell(cells, c);
      } catch (error) {
        if (!(error instanceof ValueError)) throw error;
        const field = fields[c]!;
        throw new HyggeError(
          "HOME_READ_FAILED",
          `${source.url} line ${cells.line}, column ${c + 1} (${field.name} ${typeNameOf(field)}): ${error.message}`,
          {
            plugin: PLUGIN,
            subject: source.url,
            hint: `declare the column's type in columns: (for example columns: { ${field.name}: string }), or fix the value`,
          },
        );
      }
      if (++rows === capacity) yield flush();
    }
  if (rows > 0) yield flush();
}

function checkHeader(names: string[], schema: Schema, source: FileSource) {
  const expected = schema.fields.map((f) => f.name);
  if (names.length !== expected.length || names.some((n, i) => n !== expected[i]))
    throw new HyggeError(
      "SCHEMA_MISMATCH",
      `${source.url}: the header is ${names.join(", ")}; the entity's columns are ${expected.join(", ")}`,
      {
        plugin: PLUGIN,
        subject: source.url,
        hint: "every file of an entity must have the same columns, in order",
      },
    );
}
