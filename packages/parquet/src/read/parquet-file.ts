import { type Data, type Field, makeData, RecordBatch, Schema, Struct, Timestamp } from "apache-arrow";
import type { FileMetaData, SchemaTree } from "hyparquet";
import { parquetMetadata, parquetSchema } from "hyparquet";
import { ARROW_SCHEMA_KEY, decodeArrowSchema } from "../arrow-schema.js";
import { assembleColumn } from "./assemble.js";
import { decodeChunk, type LeafData } from "./chunk.js";
import { ENCRYPTED_HINT, RefusedError, VALUE_HINT } from "./errors.js";
import { ValueError } from "./leaf-vector.js";
import { restoreShape } from "./restore.js";
import { type ByteSource, coalesce, localSource, type Range } from "./source.js";
import { fieldOf, type Shape, shapeOf } from "./types.js";

const MAGIC = 0x31524150; // "PAR1"
const ENCRYPTED_MAGIC = 0x45524150; // "PARE": encrypted footer

/** Key-value metadata key holding `{ column: zone }` for timestamp columns with a zone other than UTC. */
export const TIMEZONES_KEY = "hygge.timezones";

/** The first read of a file: its tail, which holds the footer of most files. */
const TAIL = 64 * 1024;
/** Column chunks less than this far apart are fetched in one read. */
const GAP = 64 * 1024;

/** The column-chunk bytes of one row group: what a decoder needs, fetched by ranged reads. */
export interface RowGroupBytes {
  rowGroup: number;
  /** Chunk bytes by leaf path (names joined by NUL), views into a few coalesced reads. */
  chunks: Map<string, Uint8Array>;
}

const keyOf = (path: string[]) => path.join("\u0000");

/**
 * A Parquet file opened for streaming from a byte source: the footer is read first (one read of
 * the tail, a second only when the footer is bigger), then each row group's needed column chunks
 * (coalesced ranged reads). Never the whole file in memory.
 */
export class ParquetFile {
  private constructor(
    readonly path: string,
    private readonly source: ByteSource | undefined,
    /** The footer (FileMetaData, its length, "PAR1"): a decoder thread rebuilds the file from it. */
    readonly footer: Uint8Array,
    readonly metadata: FileMetaData,
    readonly size: number,
    private readonly release?: () => Promise<void>,
  ) {}

  /** The file on the local disk, when it is one: a decoder thread may read it itself. */
  localPath?: string;

  /** Opens a byte source, or a local file by path (closed by close()). */
  static async open(source: ByteSource | string): Promise<ParquetFile> {
    if (typeof source !== "string") return ParquetFile.read(source, undefined);
    const local = await localSource(source);
    try {
      return await ParquetFile.read(local, source, () => local.close());
    } catch (error) {
      await local.close().catch(() => undefined);
      throw error;
    }
  }

  /** A file whose footer was read elsewhere (a decoder thread): it decodes fetched bytes only. */
  static fromFooter(path: string, size: number, footer: Uint8Array): ParquetFile {
    return new ParquetFile(path, undefined, footer, parquetMetadata(footer), size);
  }

  private static async read(
    source: ByteSource,
    path: string | undefined,
    release?: () => Promise<void>,
  ): Promise<ParquetFile> {
    const size = source.size;
    if (size < 12) throw new Error(`file is too short to be Parquet (${size} bytes)`);
    const tailLength = Math.min(size, TAIL);
    const [tail, head] = await Promise.all([
      read(source, size - tailLength, tailLength),
      tailLength < size ? read(source, 0, 4) : undefined,
    ]);
    const tailView = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    const headView = head ? new DataView(head.buffer, head.byteOffset, 4) : tailView;
    if (tailView.getUint32(tailLength - 4, true) === ENCRYPTED_MAGIC)
      throw new RefusedError("the file is encrypted (Parquet modular encryption)", ENCRYPTED_HINT);
    if (tailView.getUint32(tailLength - 4, true) !== MAGIC || headView.getUint32(0, true) !== MAGIC)
      throw new Error("not a Parquet file (magic bytes PAR1 missing; truncated or corrupt)");
    const metaLength = tailView.getUint32(tailLength - 8, true);
    if (metaLength + 12 > size)
      throw new Error(`footer length ${metaLength} exceeds the file size ${size} (truncated?)`);
    const footer =
      metaLength + 8 <= tailLength
        ? tail.slice(tailLength - 8 - metaLength)
        : await read(source, size - 8 - metaLength, metaLength + 8);
    const metadata = parquetMetadata(footer);
    if (
      metadata.row_groups.some((g) => g.columns.some((c) => c.crypto_metadata || c.encrypted_column_metadata))
    )
      throw new RefusedError(
        "the file is encrypted (Parquet modular encryption, plaintext footer)",
        ENCRYPTED_HINT,
      );
    const file = new ParquetFile(source.url, source, footer, metadata, size, release);
    file.localPath = path ?? source.localPath;
    return file;
  }

  get numRows(): number {
    return Number(this.metadata.num_rows);
  }

  tree(): SchemaTree {
    return parquetSchema(this.metadata);
  }

  /**
   * Top-level column shapes, optionally restricted to `columns` (in that order), with the field
   * metadata and zone names of the file's stored Arrow schema, if it has one.
   */
  shapes(columns?: readonly string[]): Shape[] {
    const root = this.tree();
    const zones = timeZones(this.metadata);
    const value = this.metadata.key_value_metadata?.find((k) => k.key === ARROW_SCHEMA_KEY)?.value;
    const stored = decodeArrowSchema(value);
    const shape = (node: SchemaTree) =>
      restoreShape(
        withZone(shapeOf(node), zones),
        stored?.fields.find((f) => f.name === node.element.name),
      );
    if (!columns) return root.children.map(shape);
    return columns.map((name) => {
      const node = root.children.find((c) => c.element.name === name);
      if (!node)
        throw new MissingColumnError(
          name,
          root.children.map((c) => c.element.name),
        );
      return shape(node);
    });
  }

  schema(shapes: Shape[]): Schema {
    return new Schema(shapes.map(fieldOf));
  }

  /** The leaves (primitive columns) `shapes` read. */
  private leaves(shapes: Shape[]): SchemaTree[] {
    const needed: SchemaTree[] = [];
    const collect = (node: SchemaTree) =>
      node.children.length === 0 ? needed.push(node) : node.children.forEach(collect);
    for (const s of shapes) collect(s.node);
    return needed;
  }

  /** Fetches the column chunks of row group `index` that `shapes` need, in as few reads as sensible. */
  async fetchRowGroup(index: number, shapes: Shape[]): Promise<RowGroupBytes> {
    if (!this.source) throw new Error("this file has no byte source (a decoder-side copy)");
    const group = this.metadata.row_groups[index]!;
    const byPath = new Map(group.columns.map((c) => [keyOf(c.meta_data!.path_in_schema), c]));
    const wanted: (Range & { key: string })[] = [];
    for (const leaf of this.leaves(shapes)) {
      const key = keyOf(leaf.path);
      const chunk = byPath.get(key);
      if (!chunk?.meta_data)
        throw new Error(`row group ${index} has no data for column ${leaf.path.join(".")}`);
      const meta = chunk.meta_data;
      const dict = meta.dictionary_page_offset;
      const start = Number(
        dict !== undefined && dict > 0n && dict < meta.data_page_offset ? dict : meta.data_page_offset,
      );
      const length = Number(meta.total_compressed_size);
      if (start < 0 || start + length > this.size)
        throw new Error(`column ${leaf.path.join(".")} runs past the end of the file (truncated?)`);
      // Old parquet-mr and Impala writers left the dictionary page header out of the chunk size
      // (PARQUET-816): read up to 100 bytes more, as Arrow C++ and DuckDB do.
      const padding = Math.max(0, Math.min(100, this.size - 8 - (start + length)));
      wanted.push({ key, start, end: start + length + padding });
    }
    const reads = coalesce(wanted, GAP);
    const buffers = await Promise.all(reads.map((r) => read(this.source!, r.start, r.end - r.start)));
    const chunks = new Map<string, Uint8Array>();
    for (const w of wanted) {
      const i = reads.findIndex((r) => r.start <= w.start && w.end <= r.end);
      const r = reads[i]!;
      chunks.set(w.key, buffers[i]!.subarray(w.start - r.start, w.end - r.start));
    }
    return { rowGroup: index, chunks };
  }

  /** Reads row group `index` as one record batch of the given shapes. */
  async readRowGroup(index: number, shapes: Shape[], schema: Schema): Promise<RecordBatch> {
    return this.decodeRowGroup(await this.fetchRowGroup(index, shapes), shapes, schema);
  }

  /** Decodes fetched column chunks into one record batch of the given shapes. */
  decodeRowGroup(bytes: RowGroupBytes, shapes: Shape[], schema: Schema): RecordBatch {
    const index = bytes.rowGroup;
    const group = this.metadata.row_groups[index]!;
    const byPath = new Map(group.columns.map((c) => [keyOf(c.meta_data!.path_in_schema), c]));
    const root = this.tree();
    const cache = new Map<SchemaTree, LeafData>();
    for (const leaf of this.leaves(shapes)) {
      const key = keyOf(leaf.path);
      const chunk = byPath.get(key);
      const data = bytes.chunks.get(key);
      if (!chunk || !data)
        throw new Error(`row group ${index} has no data for column ${leaf.path.join(".")}`);
      try {
        cache.set(leaf, decodeChunk(data, chunk, schemaPathOf(root, leaf.path)));
      } catch (error) {
        throw new Error(`column ${leaf.path.join(".")}: ${(error as Error).message}`, { cause: error });
      }
    }
    const rows = Number(group.num_rows);
    const children: Data[] = shapes.map((s) => {
      let data: Data;
      try {
        data = assembleColumn(s, (node) => cache.get(node)!);
      } catch (error) {
        if (error instanceof ValueError)
          throw new RefusedError(
            `column "${s.node.element.name}", row group ${index}: ${error.message}`,
            VALUE_HINT,
          );
        throw error;
      }
      if (data.length !== rows)
        throw new Error(`column ${s.node.element.name} has ${data.length} values, expected ${rows}`);
      return data;
    });
    const data = makeData({
      type: new Struct(schema.fields as Field[]),
      length: rows,
      nullCount: 0,
      children,
    });
    return new RecordBatch(schema, data);
  }

  /** Releases the local file a path was opened as (a caller's byte source is the caller's to close). */
  async close(): Promise<void> {
    await this.release?.();
  }
}

export class MissingColumnError extends Error {
  constructor(
    readonly column: string,
    readonly available: string[],
  ) {
    super(`column "${column}" does not exist (columns: ${available.join(", ")})`);
  }
}

/** Zone names hygge wrote for UTC-adjusted timestamp columns (Parquet itself only knows "UTC"). */
function timeZones(metadata: FileMetaData): Record<string, string> {
  const kv = metadata.key_value_metadata?.find((k) => k.key === TIMEZONES_KEY);
  if (!kv?.value) return {};
  try {
    return JSON.parse(kv.value) as Record<string, string>;
  } catch {
    return {};
  }
}

function withZone(shape: Shape, zones: Record<string, string>): Shape {
  const zone = zones[shape.node.element.name];
  if (!zone || shape.kind !== "leaf" || !(shape.type instanceof Timestamp) || shape.type.timezone !== "UTC")
    return shape;
  return { ...shape, type: new Timestamp(shape.type.unit, zone) };
}

function schemaPathOf(root: SchemaTree, path: string[]): SchemaTree[] {
  const out = [root];
  let node = root;
  for (const name of path) {
    node = node.children.find((c) => c.element.name === name)!;
    out.push(node);
  }
  return out;
}

async function read(source: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  const bytes = await source.read(offset, length);
  if (bytes.length !== length)
    throw new Error(`read ${bytes.length} of ${length} bytes at byte ${offset} (truncated file?)`);
  return bytes;
}
