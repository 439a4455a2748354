import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { type Data, type Field, makeData, RecordBatch, Schema, Struct, Timestamp } from "apache-arrow";
import type { FileMetaData, SchemaTree } from "hyparquet";
import { parquetMetadata, parquetSchema } from "hyparquet";
import { ARROW_SCHEMA_KEY, decodeArrowSchema } from "../arrow-schema.js";
import { assembleColumn } from "./assemble.js";
import { decodeChunk, type LeafData } from "./chunk.js";
import { ENCRYPTED_HINT, RefusedError, VALUE_HINT } from "./errors.js";
import { ValueError } from "./leaf-vector.js";
import { restoreShape } from "./restore.js";
import { fieldOf, type Shape, shapeOf } from "./types.js";

const MAGIC = 0x31524150; // "PAR1"
const ENCRYPTED_MAGIC = 0x45524150; // "PARE": encrypted footer

/** Key-value metadata key holding `{ column: zone }` for timestamp columns with a zone other than UTC. */
export const TIMEZONES_KEY = "hygge.timezones";

/** A Parquet file opened for streaming: the footer is read, row groups are read one at a time. */
export class ParquetFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly metadata: FileMetaData,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<ParquetFile> {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      if (size < 12) throw new Error(`file is too short to be Parquet (${size} bytes)`);
      const tail = await readAt(handle, size - 8, 8);
      const head = await readAt(handle, 0, 4);
      const tailView = new DataView(tail.buffer, tail.byteOffset, 8);
      if (tailView.getUint32(4, true) === ENCRYPTED_MAGIC)
        throw new RefusedError("the file is encrypted (Parquet modular encryption)", ENCRYPTED_HINT);
      if (
        tailView.getUint32(4, true) !== MAGIC ||
        new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) !== MAGIC
      )
        throw new Error("not a Parquet file (magic bytes PAR1 missing; truncated or corrupt)");
      const metaLength = tailView.getUint32(0, true);
      if (metaLength + 12 > size)
        throw new Error(`footer length ${metaLength} exceeds the file size ${size} (truncated?)`);
      const footer = await readAt(handle, size - 8 - metaLength, metaLength + 8);
      const metadata = parquetMetadata(footer);
      if (
        metadata.row_groups.some((g) =>
          g.columns.some((c) => c.crypto_metadata || c.encrypted_column_metadata),
        )
      )
        throw new RefusedError(
          "the file is encrypted (Parquet modular encryption, plaintext footer)",
          ENCRYPTED_HINT,
        );
      return new ParquetFile(path, handle, metadata, size);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
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

  /** Reads row group `index` as one record batch of the given shapes. */
  async readRowGroup(index: number, shapes: Shape[], schema: Schema): Promise<RecordBatch> {
    const group = this.metadata.row_groups[index]!;
    const byPath = new Map(group.columns.map((c) => [c.meta_data!.path_in_schema.join("\u0000"), c]));
    const root = this.tree();
    const cache = new Map<SchemaTree, LeafData>();
    const needed: SchemaTree[] = [];
    const collect = (node: SchemaTree) =>
      node.children.length === 0 ? needed.push(node) : node.children.forEach(collect);
    for (const s of shapes) collect(s.node);
    for (const leaf of needed) {
      const chunk = byPath.get(leaf.path.join("\u0000"));
      if (!chunk?.meta_data)
        throw new Error(`row group ${index} has no data for column ${leaf.path.join(".")}`);
      const meta = chunk.meta_data;
      const dict = meta.dictionary_page_offset;
      const start = Number(
        dict !== undefined && dict > 0n && dict < meta.data_page_offset ? dict : meta.data_page_offset,
      );
      const length = Number(meta.total_compressed_size);
      if (start + length > this.size)
        throw new Error(`column ${leaf.path.join(".")} runs past the end of the file (truncated?)`);
      // Old parquet-mr and Impala writers left the dictionary page header out of the chunk size
      // (PARQUET-816): read up to 100 bytes more, as Arrow C++ and DuckDB do.
      const padding = Math.max(0, Math.min(100, this.size - 8 - (start + length)));
      const bytes = await readAt(this.handle, start, length + padding);
      try {
        cache.set(leaf, decodeChunk(bytes, chunk, schemaPathOf(root, leaf.path)));
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

  close(): Promise<void> {
    return this.handle.close();
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

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return buffer;
}
