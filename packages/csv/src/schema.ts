import { type FileSource, type FormatContext, HyggeError, typeNameOf } from "@hygge/core";
import { type Field, Schema } from "apache-arrow";
import { columnNames, declaredField, declaredTypes, FIELD_COUNT_HINT, PLUGIN } from "./columns.js";
import { inferredField, newSample, observe } from "./infer.js";
import type { CsvReadOptions } from "./options.js";
import { cursors } from "./records.js";

/**
 * The schema of a file: declared columns as declared, the others inferred from the first
 * `infer_rows` rows (only those are read). Logged at info, so users see what was inferred.
 */
export async function csvSchema(
  source: FileSource,
  options: CsvReadOptions,
  ctx: FormatContext,
): Promise<Schema> {
  let header: (string | null)[] | undefined;
  let samples: ReturnType<typeof newSample>[] = [];
  let rows = 0;
  sampling: for await (const cells of cursors(source, options, ctx.signal))
    while (cells.next()) {
      if (options.header && header === undefined) {
        header = Array.from({ length: cells.count }, (_, c) => cells.text(c));
        continue;
      }
      if (samples.length === 0) samples = Array.from({ length: cells.count }, () => newSample());
      const width = header?.length ?? samples.length;
      if (cells.count !== width)
        throw new HyggeError(
          "HOME_READ_FAILED",
          `${source.url} line ${cells.line}: ${cells.count} field(s) where the file has ${width} column(s)`,
          { plugin: PLUGIN, subject: source.url, hint: FIELD_COUNT_HINT },
        );
      for (let c = 0; c < samples.length; c++) observe(samples[c]!, cells.text(c));
      if (++rows >= options.infer_rows) break sampling;
    }
  const width = header?.length ?? samples.length;
  if (width === 0) {
    // An empty file: its columns are the declared ones, when there are.
    const fields = Object.entries(declaredTypes(options)).map(([name]) => declaredField(name, options)!);
    return new Schema(fields);
  }
  const names = columnNames(header, width, options);
  const fields: Field[] = names.map(
    (name, c) => declaredField(name, options) ?? inferredField(name, samples[c] ?? newSample()),
  );
  const declared = declaredTypes(options);
  const inferred = fields.filter((f) => declared[f.name] === undefined);
  if (inferred.length > 0)
    ctx.logger.info(
      `${source.url}: inferred from ${rows} row(s): ${inferred.map((f) => `${f.name} ${typeNameOf(f)}`).join(", ")}`,
    );
  return new Schema(fields);
}
