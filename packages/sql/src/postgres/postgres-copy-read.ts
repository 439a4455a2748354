import { isHyggeError } from "@hygge/core";
import { Field, makeData, Null, RecordBatch, Schema, Struct } from "apache-arrow";
import type { PoolClient } from "pg";
import type { ColumnBuilder } from "../arrow/column-builder.js";
import type { Statement, StreamOptions } from "../dialect.js";
import { abortError } from "../errors.js";
import type { Decode, PgColumn, PgReader } from "./pg-type-row.js";
import { CopyBinaryParser } from "./postgres-copy-decode.js";
import { pgArrowField, pgReadable, pgReader, unsupportedType } from "./postgres-type-table.js";

type CopyTo = typeof import("pg-copy-streams").to;

/** The columns of a statement's result, how each becomes Arrow, and their send functions. */
export interface ReadPlan {
  schema: Schema;
  readers: PgReader[];
  /**
   * The statement selecting every column by position: as is for COPY (binary format), and for the
   * cursor (text format) each column's binary form through its send function, in base64, except
   * text-like columns, whose text is their binary form.
   */
  wrapped(binaryAs: "copy" | "base64"): string;
}

/**
 * Describes `statement` (LIMIT 0, with its parameters) and maps every column through the type
 * table; a type no row reads exactly is refused here, before any row is read.
 */
export async function describeRead(client: PoolClient, statement: Statement): Promise<ReadPlan> {
  const columns = await resultColumns(client, statement);
  const unreadable = columns.find((c) => !pgReadable(c.oid));
  if (unreadable) {
    const r = await client.query({
      text: "SELECT format_type($1::oid, $2::int) AS t",
      values: [unreadable.oid, unreadable.typmod],
    });
    throw unsupportedType(unreadable.name, String(r.rows[0]?.t ?? `oid ${unreadable.oid}`));
  }
  const readers = columns.map(pgReader);
  const schema = new Schema(columns.map((c, i) => pgArrowField(c, readers[i]!)));
  // Columns are renamed by position (hygge_1…): duplicate or odd names need no quoting rules.
  const aliases = columns.map((_, i) => `hygge_${i + 1}`);
  const from = `(${statement.text}) AS hygge_source(${aliases.join(", ")})`;
  let sends: string[] | undefined;
  const plan: ReadPlan = {
    schema,
    readers,
    wrapped: (binaryAs) =>
      binaryAs === "copy"
        ? `SELECT ${aliases.join(", ")} FROM ${from}`
        : `SELECT ${aliases.map((a, i) => (readers[i]!.textIsBinary ? a : `encode(${sends![i]}(${a}), 'base64')`)).join(", ")} FROM ${from}`,
  };
  if (statement.params.length > 0) {
    // The cursor path (bound parameters) reads each value's binary form as bytea through its type's send function.
    const { rows } = await client.query({
      text: "SELECT oid::int AS oid, typsend::regproc::text AS send FROM pg_type WHERE oid = ANY($1::oid[])",
      values: [columns.map((c) => c.oid)],
    });
    const byOid = new Map(rows.map((r) => [Number(r.oid), String(r.send)]));
    sends = columns.map((c) => byOid.get(c.oid)!);
  }
  return plan;
}

/** The columns of a statement's result (LIMIT 0, with its parameters): names, type OIDs, modifiers. */
async function resultColumns(client: PoolClient, statement: Statement): Promise<PgColumn[]> {
  const described = await client.query({
    text: `SELECT * FROM (${statement.text}) AS hygge_describe LIMIT 0`,
    values: statement.params as unknown[],
  });
  return (described.fields as { name: string; dataTypeID: number; dataTypeModifier: number }[]).map((f) => ({
    name: f.name,
    oid: f.dataTypeID,
    typmod: f.dataTypeModifier,
  }));
}

/**
 * The Arrow schema a read of `statement` produces, through the same type table. With
 * `placeholders`, a column no row reads is kept by name as an Arrow Null column instead of refused.
 */
export async function describeSchema(
  client: PoolClient,
  statement: Statement,
  placeholders: boolean,
): Promise<Schema> {
  if (!placeholders) return (await describeRead(client, statement)).schema;
  const columns = await resultColumns(client, statement);
  return new Schema(
    columns.map((c) => {
      if (!pgReadable(c.oid)) return new Field(c.name, new Null(), true);
      try {
        return pgArrowField(c, pgReader(c));
      } catch (error) {
        if (isHyggeError(error)) return new Field(c.name, new Null(), true);
        throw error;
      }
    }),
  );
}

/** Builders and decoders of one read. */
function decoding(plan: ReadPlan, batchSize: number): { builders: ColumnBuilder[]; decoders: Decode[] } {
  const builders = plan.readers.map((r) => r.builder(batchSize));
  return { builders, decoders: plan.readers.map((r, i) => r.decoder(builders[i]!)) };
}

function batchOf(schema: Schema, builders: ColumnBuilder[], rows: number): RecordBatch {
  const children = builders.map((b) => b.finish());
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }),
  );
}

/**
 * Reads a parameterless statement through `COPY (…) TO STDOUT (FORMAT binary)`: no per-row
 * protocol messages or per-value strings, values decoded straight into Arrow buffers. The socket
 * is paused while the consumer holds a batch (backpressure through the stream's async iterator).
 */
export async function* copyRead(
  client: PoolClient,
  copyTo: CopyTo,
  plan: ReadPlan,
  options: StreamOptions,
  /** Registers the COPY stream so a dying connection can fail it instead of leaving it waiting. */
  track: (stream: NodeJS.ReadableStream & { destroy(error?: Error): void }) => void,
): AsyncIterable<RecordBatch> {
  const { builders, decoders } = decoding(plan, options.batchSize);
  const stream = client.query(copyTo(`COPY (${plan.wrapped("copy")}) TO STDOUT (FORMAT binary)`));
  track(stream);
  const parser = new CopyBinaryParser(decoders, builders);
  const ready: RecordBatch[] = [];
  let rows = 0;
  let yielded = false;
  const flush = () => {
    ready.push(batchOf(plan.schema, builders, rows));
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

/**
 * Turns cursor rows of `plan.wrapped("base64")` (each value its binary form in base64, or
 * the text of a text-like column) into
 * batches through the same decoders as COPY: one exact codec per type for both read paths.
 */
export class SendRowDecoder {
  private readonly builders: ColumnBuilder[];
  private readonly decoders: Decode[];
  private readonly base64: boolean[];
  private scratch = Buffer.allocUnsafe(1 << 12);

  constructor(
    private readonly plan: ReadPlan,
    batchSize: number,
  ) {
    ({ builders: this.builders, decoders: this.decoders } = decoding(plan, batchSize));
    this.base64 = plan.readers.map((r) => !r.textIsBinary);
  }

  batch(rows: readonly (readonly (string | null)[])[]): RecordBatch {
    const width = this.builders.length;
    for (const row of rows) {
      for (let c = 0; c < width; c++) {
        const value = row[c];
        if (value === null || value === undefined) {
          this.builders[c]!.pushNull();
          continue;
        }
        const base64 = this.base64[c]!;
        const bytes = base64 ? ((value.length + 3) >> 2) * 3 : value.length * 3;
        if (bytes > this.scratch.length)
          this.scratch = Buffer.allocUnsafe(Math.max(bytes, this.scratch.length * 2));
        // encode(…, 'base64') breaks lines every 76 characters: Node's decoder skips them.
        const n = base64
          ? this.scratch.write(value, 0, bytes, "base64")
          : this.scratch.write(value, 0, "utf8");
        this.decoders[c]!(this.scratch, 0, n);
      }
    }
    return batchOf(this.plan.schema, this.builders, rows.length);
  }
}
