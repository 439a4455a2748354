// Incremental runs append to what is published: the columns of the new batches and the old file
// are merged (on_schema_change): a new column is null in old rows, a column the source no longer
// sends is kept, and null in new rows. A column whose type changed is refused.
import { HyggeError } from "@hygge/core";
import {
  type Field,
  makeData,
  RecordBatch,
  type Schema,
  Struct,
  type Vector,
  vectorFromArray,
} from "apache-arrow";

/** The published columns, then the new ones; a column missing on either side becomes nullable. */
export function mergeFields(file: string, before: readonly Field[], now: readonly Field[]): Field[] {
  const out: Field[] = [];
  for (const old of before) {
    const next = now.find((f) => f.name === old.name);
    if (next && String(next.type) !== String(old.type))
      throw new HyggeError(
        "SCHEMA_MISMATCH",
        `column ${old.name} of ${file} is ${old.type}, the source sends ${next.type}`,
        {
          hint: "run this entity with run_type: full_drop to rewrite the file with the new types",
          subject: file,
        },
      );
    out.push(next && old.nullable ? old : old.clone({ nullable: true }));
  }
  for (const f of now)
    if (!before.some((o) => o.name === f.name)) out.push(before.length ? f.clone({ nullable: true }) : f);
  return out;
}

/** `batch` with exactly the columns of `schema`, in its order: absent ones are all null. */
export function conform(batch: RecordBatch, schema: Schema): RecordBatch {
  const children = schema.fields.map((field) => {
    const i = batch.schema.fields.findIndex((f) => f.name === field.name);
    // A record batch's column is one chunk; a missing one is all nulls of the column's type.
    const vector: Vector =
      i >= 0 ? batch.getChildAt(i)! : vectorFromArray(new Array(batch.numRows).fill(null), field.type);
    return vector.data[0]!;
  });
  const data = makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(schema, data);
}
