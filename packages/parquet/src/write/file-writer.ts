import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import type { Data, Schema } from "apache-arrow";
import type { CompressionCodec, KeyValue, SchemaElement } from "hyparquet";
import type { Compressor } from "./codecs.js";
import { fastPhysical, type Physical, writeFastColumn } from "./fast-column.js";
import { columnElements, writeGenericColumn } from "./generic-column.js";
import { type ChunkMeta, encodeFileMetaData, type RowGroupMeta } from "./metadata.js";
import { Bytes, field, I64 } from "./thrift.js";

export interface FileWriterOptions {
  codec: CompressionCodec;
  compressors: Partial<Record<CompressionCodec, Compressor>>;
  dictionary: boolean;
  kvMetadata?: KeyValue[];
  /**
   * The columnar encoder for flat primitive columns (default on). Off, every column goes through
   * the generic path; HYGGE_PARQUET_FAST=0 turns it off too, so a benchmark can show what it buys.
   */
  fast?: boolean;
}

const FLUSH_AT = 1 << 20;
const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

/** Buffered appends to a file descriptor: memory holds about one page at a time. */
class FdSink {
  offset = 0;
  private buffer = new Uint8Array(FLUSH_AT);
  private used = 0;
  constructor(private readonly fd: number) {}

  appendBytes(bytes: Uint8Array): void {
    if (this.used + bytes.length > FLUSH_AT) this.spill();
    if (bytes.length >= FLUSH_AT) writeAll(this.fd, bytes);
    else {
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
    this.offset += bytes.length;
  }

  spill(): void {
    writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

type Plan =
  | { kind: "fast"; element: SchemaElement; physical: Physical }
  | { kind: "generic"; subtree: SchemaElement[] };

/** How each column is written: the columnar encoder, or the generic path. */
function plan(schema: Schema, elements: SchemaElement[], fastOption?: boolean): Plan[] {
  const fast = fastOption ?? fastPathOn();
  return schema.fields.map((f, c) => {
    const subtree = columnElements(elements, c);
    const element = subtree[0]!;
    const physical = fast && subtree.length === 1 ? fastPhysical(f.type, element) : undefined;
    return physical ? { kind: "fast", element, physical } : { kind: "generic", subtree };
  });
}

export const fastPathOn = () => process.env.HYGGE_PARQUET_FAST !== "0";

/**
 * Whether every column goes through the columnar encoder: only then can the file be written by the
 * encoder thread (the generic path builds JS values, which do not cross threads cheaply).
 */
export function allColumnar(schema: Schema, elements: SchemaElement[]): boolean {
  return plan(schema, elements).every((p) => p.kind === "fast");
}

/**
 * Writes one Parquet file, one row group per `writeRowGroup` call: "PAR1", the row groups' column
 * chunks, the FileMetaData footer (thrift compact, write/metadata.ts), its length and "PAR1".
 * Flat primitive columns go through the columnar encoder (fast-column.ts); nested and rare
 * columns through the generic one (generic-column.ts).
 */
export class ParquetFileWriter {
  private readonly fd: number;
  private readonly sink: FdSink;
  private readonly plans: Plan[];
  private readonly groups: RowGroupMeta[] = [];
  rows = 0;
  private closed = false;

  constructor(
    readonly path: string,
    schema: Schema,
    private readonly elements: SchemaElement[],
    private readonly options: FileWriterOptions,
  ) {
    this.plans = plan(schema, elements, options.fast);
    this.fd = openSync(path, "wx");
    this.sink = new FdSink(this.fd);
    this.sink.appendBytes(MAGIC);
  }

  /**
   * `columns[c]` holds the Data parts of column c for this row group. With `release`, each entry
   * is emptied once its column is written, so its buffers can go before the row group ends.
   */
  writeRowGroup(columns: Data[][], rows: number, release = false): void {
    if (rows === 0) return;
    const start = this.sink.offset;
    const chunks: ChunkMeta[] = [];
    const compress = this.options.compressors[this.options.codec];
    this.plans.forEach((plan, c) => {
      if (plan.kind === "fast") {
        chunks.push(
          writeFastColumn(this.sink, plan.element, plan.physical, columns[c]!, {
            codec: this.options.codec,
            compress,
            dictionary: this.options.dictionary,
          }),
        );
      } else chunks.push(...writeGenericColumn(this.sink, plan.subtree, columns[c]!, rows, this.options));
      if (release) columns[c] = [];
    });
    let uncompressed = 0n;
    for (const chunk of chunks) {
      const size = field(field(chunk, 3), 6);
      if (size?.type === I64) uncompressed += size.value;
    }
    this.groups.push({
      columns: chunks,
      totalByteSize: uncompressed,
      numRows: BigInt(rows),
      fileOffset: BigInt(start),
      totalCompressedSize: BigInt(this.sink.offset - start),
    });
    this.sink.spill();
    this.rows += rows;
  }

  /** Footer, fsync, close. Returns the file size. */
  finish(): number {
    const footer = new Bytes();
    encodeFileMetaData(
      {
        schema: this.elements,
        numRows: BigInt(this.rows),
        rowGroups: this.groups,
        kv: this.options.kvMetadata,
        createdBy: "hygge",
      },
      footer,
    );
    const length = footer.length;
    const le = new Uint8Array(4);
    new DataView(le.buffer).setUint32(0, length, true);
    footer.bytes(le);
    footer.bytes(MAGIC);
    this.sink.appendBytes(footer.result());
    this.sink.spill();
    fsyncSync(this.fd);
    this.close();
    return this.sink.offset;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
