import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import type { Data, Schema } from "apache-arrow";
import type { ColumnChunk, CompressionCodec, KeyValue, SchemaElement, SchemaTree } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { writeColumn } from "hyparquet-writer/src/column.js";
import { encodeNestedValues } from "hyparquet-writer/src/dremel.js";
import { schemaPathResolver } from "hyparquet-writer/src/schema.js";
import type { Compressor } from "./codecs.js";
import { columnValues } from "./columns.js";
import { fastPhysical, type Physical, writeFastColumn } from "./fast-column.js";

export interface FileWriterOptions {
  codec: CompressionCodec;
  compressors: Partial<Record<CompressionCodec, Compressor>>;
  dictionary: boolean;
  kvMetadata?: KeyValue[];
}

const FLUSH_AT = 1 << 20;

/** A ByteWriter that spills to a file descriptor, so memory holds about one page at a time. */
class FdWriter extends ByteWriter {
  constructor(private readonly fd: number) {
    super(1 << 20);
  }
  override ensure(size: number): void {
    if (this.index > FLUSH_AT) this.spill();
    super.ensure(size);
  }
  override appendBytes(value: Uint8Array): void {
    if (value.length > FLUSH_AT) {
      this.spill();
      let done = 0;
      while (done < value.length) done += writeSync(this.fd, value, done, value.length - done);
      this.offset += value.length;
      return;
    }
    super.appendBytes(value);
  }
  spill(): void {
    let done = 0;
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.index = 0;
  }
  override finish(): void {
    this.spill();
  }
}

interface Internals {
  row_groups: {
    columns: ColumnChunk[];
    total_byte_size: bigint;
    num_rows: bigint;
    total_compressed_size: bigint;
  }[];
  num_rows: bigint;
  pendingIndexes: unknown[];
}

type Plan =
  | { kind: "fast"; element: SchemaElement; physical: Physical }
  | { kind: "generic"; leaves: SchemaTree[][] };

/**
 * Writes one Parquet file, one row group per `writeRowGroup` call. Flat primitive columns go
 * through the columnar fast path; nested and other columns through hyparquet-writer. The file
 * framing, footer and statistics serialisation are hyparquet-writer's.
 */
export class ParquetFileWriter {
  private readonly fd: number;
  private readonly writer: FdWriter;
  private readonly parquet: ParquetWriter;
  private readonly plans: Plan[];
  rows = 0;
  private closed = false;

  constructor(
    readonly path: string,
    schema: Schema,
    elements: SchemaElement[],
    private readonly options: FileWriterOptions,
  ) {
    const resolve = schemaPathResolver(elements);
    this.plans = schema.fields.map((f) => {
      const path = resolve([f.name]) as SchemaTree[];
      const node = path.at(-1)!;
      const physical = node.children.length === 0 ? fastPhysical(f.type, node.element) : undefined;
      return physical
        ? { kind: "fast", element: node.element, physical }
        : { kind: "generic", leaves: leafPaths(path) };
    });
    this.fd = openSync(path, "wx");
    this.writer = new FdWriter(this.fd);
    this.parquet = new ParquetWriter({
      writer: this.writer as never,
      schema: elements,
      codec: options.codec,
      compressors: options.compressors as never,
      kvMetadata: options.kvMetadata,
      createdBy: "hygge (hyparquet-writer)",
    });
  }

  /** `columns[c]` holds the Data parts of column c for this row group. */
  writeRowGroup(columns: Data[][], rows: number): void {
    if (rows === 0) return;
    const start = this.writer.offset;
    const chunks: ColumnChunk[] = [];
    const internals = this.parquet as unknown as Internals;
    const compress = this.options.compressors[this.options.codec];
    this.plans.forEach((plan, c) => {
      if (plan.kind === "fast") {
        const chunk = writeFastColumn(this.writer, plan.element, plan.physical, columns[c]!, {
          codec: this.options.codec,
          compress,
          dictionary: this.options.dictionary,
        });
        chunks.push(chunk);
        internals.pendingIndexes.push({ chunk });
        return;
      }
      const values = columnValues(columns[c]!);
      for (const leafPath of plan.leaves) {
        const schemaPath = leafPath.map((n) => n.element);
        const result = writeColumn({
          writer: this.writer as never,
          column: {
            columnName: schemaPath
              .slice(1)
              .map((s) => s.name)
              .join("."),
            element: encodingElement(schemaPath.at(-1)!),
            schemaPath,
            codec: this.options.codec,
            compressors: this.options.compressors as never,
            stats: true,
            pageSize: 1 << 20,
            columnIndex: false,
            offsetIndex: true,
            encoding: this.options.dictionary ? undefined : "PLAIN",
          } as never,
          pageData: encodeNestedValues(leafPath, values as never),
        });
        detachStatistics(result.chunk);
        chunks.push(result.chunk);
        internals.pendingIndexes.push(result);
      }
    });
    let uncompressed = 0n;
    for (const chunk of chunks) uncompressed += chunk.meta_data?.total_uncompressed_size ?? 0n;
    internals.row_groups.push({
      columns: chunks,
      total_byte_size: uncompressed,
      num_rows: BigInt(rows),
      total_compressed_size: BigInt(this.writer.offset - start),
    });
    internals.num_rows += BigInt(rows);
    this.writer.spill();
    this.rows += rows;
  }

  /** Footer, fsync, close. Returns the file size. */
  finish(): number {
    this.parquet.finish();
    fsyncSync(this.fd);
    this.close();
    return this.writer.offset;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

function leafPaths(path: SchemaTree[]): SchemaTree[][] {
  const node = path.at(-1)!;
  if (node.children.length === 0) return [path];
  return node.children.flatMap((child) => leafPaths([...path, child]));
}

/** Statistics kept until the footer must not be views into a row group's buffers (that would retain them). */
function detachStatistics(chunk: ColumnChunk): void {
  const stats = chunk.meta_data?.statistics as Record<string, unknown> | undefined;
  if (!stats) return;
  for (const key of ["min_value", "max_value", "min", "max"]) {
    const v = stats[key];
    if (v instanceof Uint8Array) stats[key] = v.slice();
  }
}

/**
 * The leaf element hyparquet-writer encodes with. Its value conversion would JSON.stringify the
 * bytes of a JSON column; hygge hands it the bytes already, so the annotation is left out here
 * (the file's schema, written from the full elements, keeps it).
 */
function encodingElement(element: SchemaElement): SchemaElement {
  if (element.converted_type !== "JSON" && element.logical_type?.type !== "JSON") return element;
  return { ...element, converted_type: undefined, logical_type: undefined };
}
