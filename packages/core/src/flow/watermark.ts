import { type DataType, type RecordBatch, Type, type Vector } from "apache-arrow";
import { cellToJson } from "../arrow/values.js";
import type { Watermark, WatermarkKind, WatermarkSpec } from "../contracts/watermark.js";
import { HyggeError } from "../errors.js";

type Ordered = bigint | number | string;
const UNITS = ["s", "ms", "us", "ns"] as const;

/** The watermark kind of an Arrow type, or a CONFIG_INVALID error if values of it cannot be ordered. */
export function watermarkKind(
  type: DataType,
  column: string,
): { kind: WatermarkKind; unit?: Watermark["unit"] } {
  switch (type.typeId) {
    case Type.Int:
      return { kind: "integer" };
    case Type.Float:
      return { kind: "float" };
    case Type.Timestamp:
      return { kind: "timestamp", unit: UNITS[(type as unknown as { unit: number }).unit] };
    case Type.Date:
      return { kind: "date", unit: (type as unknown as { unit: number }).unit === 0 ? undefined : "ms" };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { kind: "string" };
    default:
      throw new HyggeError(
        "CONFIG_INVALID",
        `watermark column "${column}" has type ${type}, which cannot be ordered`,
        {
          hint: "Use an integer, timestamp, date or string column as watermark_column.",
        },
      );
  }
}

function parse(kind: WatermarkKind, value: string): Ordered {
  if (kind === "float") return Number(value);
  if (kind === "string") return value;
  return BigInt(value);
}

function read(vector: Vector, kind: WatermarkKind, i: number): Ordered | null {
  if (!vector.isValid(i)) return null;
  // Timestamps and dates from their raw buffers: `get()` turns them into float milliseconds.
  if (kind === "timestamp" || kind === "date") {
    return BigInt((vector.data[0]!.values as BigInt64Array | Int32Array)[i]!);
  }
  const v = vector.get(i);
  if (kind === "integer") return BigInt(v);
  return v as number | string;
}

const cmp = (a: Ordered, b: Ordered) => (a < b ? -1 : a > b ? 1 : 0);

/** A committed watermark of another column cannot be a resume point: comparing would drop rows. */
export function assertSameColumn(spec: WatermarkSpec, previous: Watermark | undefined): void {
  if (previous && previous.column !== spec.column) {
    throw new HyggeError(
      "CONFIG_INVALID",
      `watermark_column is "${spec.column}", but the committed watermark is on "${previous.column}"`,
      { hint: "Run once with --full-drop to load everything and start a watermark on the new column." },
    );
  }
}

/**
 * Applies the incremental boundary rule to batches and tracks the new watermark.
 * Rows below `since` and rows at `since` whose key is in `since.boundaryKeys` are dropped;
 * the result is the maximum seen and the keys of the rows holding it.
 */
export class WatermarkTracker {
  private kind: WatermarkKind | undefined;
  private unit: Watermark["unit"];
  private timezone: string | null | undefined;
  private since: Ordered | undefined;
  private readonly seen: Set<string>;
  private max: Ordered | undefined;
  private maxKeys = new Set<string>();

  constructor(
    readonly spec: WatermarkSpec,
    private readonly previous?: Watermark,
  ) {
    assertSameColumn(spec, previous);
    this.seen = new Set(previous?.boundaryKeys ?? []);
  }

  /** Returns the rows of `batch` that are new, as zero or more slices. */
  process(batch: RecordBatch): RecordBatch[] {
    const column = batch.getChild(this.spec.column);
    if (!column) {
      throw new HyggeError("CONFIG_INVALID", `watermark column "${this.spec.column}" is not in the data`, {
        hint: `columns: ${batch.schema.fields.map((f) => f.name).join(", ")}`,
      });
    }
    if (this.kind === undefined) {
      const info = watermarkKind(column.type, this.spec.column);
      this.kind = info.kind;
      this.unit = info.unit;
      this.timezone = (column.type as { timezone?: string | null }).timezone;
      if (this.previous) {
        const was = `${this.previous.kind}${this.previous.unit ? ` (${this.previous.unit})` : ""}`;
        const now = `${info.kind}${info.unit ? ` (${info.unit})` : ""}`;
        if (was !== now) {
          throw new HyggeError(
            "CONFIG_INVALID",
            `watermark column "${this.spec.column}" is now ${now}, but the committed watermark is ${was}`,
            { hint: "Run once with --full-drop to reset the watermark." },
          );
        }
        this.since = parse(info.kind, this.previous.value);
      }
    }
    const keyCols = this.spec.primaryKey.map((name) => {
      const v = batch.getChild(name);
      if (!v) throw new HyggeError("CONFIG_INVALID", `primary key column "${name}" is not in the data`);
      return v;
    });
    const key = (i: number) => JSON.stringify(keyCols.map((v) => cellToJson(v, i)));
    const kind = this.kind;
    const n = batch.numRows;
    const values: (Ordered | null)[] = new Array(n);
    const keep = new Uint8Array(n);
    let batchMax: Ordered | undefined;
    // One cheap pass: compare values; build keys only for rows sitting on the old boundary.
    for (let i = 0; i < n; i++) {
      const value = read(column, kind, i);
      values[i] = value;
      let k = true;
      if (value === null) k = this.since === undefined;
      else if (this.since !== undefined) {
        const c = cmp(value, this.since);
        if (c < 0) k = false;
        else if (c === 0) k = keyCols.length > 0 && !this.seen.has(key(i));
      }
      if (k) {
        keep[i] = 1;
        if (value !== null && (batchMax === undefined || value > batchMax)) batchMax = value;
      }
    }
    if (batchMax !== undefined) {
      const c = this.max === undefined ? 1 : cmp(batchMax, this.max);
      if (c > 0) {
        this.max = batchMax;
        this.maxKeys = new Set();
      }
      // Keys only for the rows holding the maximum.
      if (c >= 0 && keyCols.length > 0) {
        for (let i = 0; i < n; i++) if (keep[i] && values[i] === batchMax) this.maxKeys.add(key(i));
      }
    }
    const slices: RecordBatch[] = [];
    let start = -1;
    for (let i = 0; i < n; i++) {
      if (keep[i] && start < 0) start = i;
      if (!keep[i] && start >= 0) {
        slices.push(batch.slice(start, i));
        start = -1;
      }
    }
    if (start === 0) return [batch];
    if (start > 0) slices.push(batch.slice(start, n));
    return slices;
  }

  /** The watermark to commit: the new maximum, or the previous one when no newer row arrived. */
  result(): Watermark | undefined {
    if (this.max === undefined || this.kind === undefined) return this.previous;
    let keys = this.maxKeys;
    if (this.since !== undefined && cmp(this.max, this.since) === 0) keys = new Set([...this.seen, ...keys]);
    return {
      column: this.spec.column,
      kind: this.kind,
      value: String(this.max),
      ...(this.unit ? { unit: this.unit } : {}),
      ...(this.timezone !== undefined ? { timezone: this.timezone } : {}),
      ...(keys.size > 0 ? { boundaryKeys: [...keys].sort() } : {}),
    };
  }
}
