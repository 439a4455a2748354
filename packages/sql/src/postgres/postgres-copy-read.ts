import { Field, makeData, RecordBatch, Schema, Struct } from "apache-arrow";
import type { PoolClient } from "pg";
import type { ColumnBuilder } from "../arrow/column-builder.js";
import type { Statement, StreamOptions } from "../dialect.js";
import { abortError } from "../errors.js";
import { binaryDecodable, binaryDecoder, CopyBinaryParser } from "./postgres-copy-decode.js";
import { pgQuote } from "./postgres-sql.js";
import { type PgField, pgColumnBuilder, pgReadable, unsupportedType } from "./postgres-types.js";

type CopyTo = typeof import("pg-copy-streams").to;

/**
 * Reads a parameterless statement through `COPY (…) TO STDOUT (FORMAT binary)`: no per-row
 * protocol messages or per-value strings, values decoded straight into Arrow buffers. The socket
 * is paused while the consumer holds a batch (backpressure through the stream's async iterator).
 * Returns undefined when the result cannot be addressed by column name (duplicate names).
 */
export async function describeForCopy(
  client: PoolClient,
  statement: Statement,
): Promise<PgField[] | undefined> {
  const described = await client.query({
    text: `SELECT * FROM (${statement.text}) AS hygge_describe LIMIT 0`,
  });
  const fields = described.fields as PgField[];
  if (new Set(fields.map((f) => f.name)).size !== fields.length) return undefined;
  const unreadable = fields.find((f) => !pgReadable(f.dataTypeID));
  if (unreadable) {
    const r = await client.query({
      text: "SELECT format_type($1::oid, $2::int) AS t",
      values: [unreadable.dataTypeID, unreadable.dataTypeModifier],
    });
    throw unsupportedType(unreadable, String(r.rows[0]?.t ?? `oid ${unreadable.dataTypeID}`));
  }
  return fields;
}

export async function* copyRead(
  client: PoolClient,
  copyTo: CopyTo,
  statement: Statement,
  fields: PgField[],
  options: StreamOptions,
  /** Registers the COPY stream so a dying connection can fail it instead of leaving it waiting. */
  track: (stream: NodeJS.ReadableStream & { destroy(error?: Error): void }) => void,
): AsyncIterable<RecordBatch> {
  const builders: ColumnBuilder[] = fields.map((f) => pgColumnBuilder(f, options.batchSize, ""));
  const schema = new Schema(fields.map((f, i) => new Field(f.name, builders[i]!.type, true)));
  const decoders = fields.map((f, i) => binaryDecoder(f, builders[i]!));
  const select = fields
    .map((f) => `hygge_copy.${pgQuote(f.name)}${binaryDecodable(f) ? "" : "::text"}`)
    .join(", ");
  const stream = client.query(
    copyTo(`COPY (SELECT ${select} FROM (${statement.text}) AS hygge_copy) TO STDOUT (FORMAT binary)`),
  );
  track(stream);
  const parser = new CopyBinaryParser(decoders, builders);
  const ready: RecordBatch[] = [];
  let rows = 0;
  let yielded = false;
  const flush = () => {
    const children = builders.map((b) => b.finish());
    ready.push(
      new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }),
      ),
    );
    rows = 0;
  };
  const onRow = () => {
    if (++rows === options.batchSize) flush();
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (options.signal.aborted) throw abortError(options.signal);
    parser.push(chunk, onRow);
    while (ready.length > 0) {
      yielded = true;
      yield ready.shift()!;
    }
  }
  if (rows > 0 || !yielded) flush();
  yield* ready;
}
