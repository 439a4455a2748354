/**
 * The last step before the wire, without a server: mssql's own `request.bulk()` (column types,
 * `_makeBulk`, `addColumn`) and tedious' own BulkLoad + BulkLoadPayload turn a `Table` into the
 * TDS bytes of INSERT BULK; only the socket is replaced. `decodeBulk` then reads those bytes back
 * (COLMETADATA + ROW tokens, MS-TDS 2.2.7) into exact values: what SQL Server would receive.
 */
import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { formatDecimal } from "@hygge/core";
import "./mssql-jest-azure.js";

const fromHere = createRequire(import.meta.url);
const fromMssql = createRequire(fromHere.resolve("mssql"));
export const mssql = fromHere("mssql") as typeof import("mssql");
export const tedious = fromMssql("tedious") as { TYPES: Record<string, TediousType> };
const BulkLoad = fromMssql("tedious/lib/bulk-load") as new (...args: unknown[]) => { callback: Function };
const { BulkLoadPayload } = fromMssql("tedious/lib/bulk-load-payload") as {
  BulkLoadPayload: new (bulk: unknown, rows: unknown) => AsyncIterable<Buffer>;
};
const WritableTrackingBuffer = fromMssql(
  "tedious/lib/tracking-buffer/writable-tracking-buffer",
) as new () => {
  data: Buffer;
};
const { resolveParameter } = fromMssql("tedious/lib/data-type") as {
  resolveParameter(p: unknown, collation: unknown, options: unknown): { data: unknown };
};

export interface TediousType {
  name: string;
  validate(value: unknown, collation?: unknown): unknown;
  writeTypeInfo(buffer: unknown, data: unknown, options: unknown): void;
  writeValue(buffer: unknown, data: unknown, options: unknown): void;
}

export const CONNECTION_OPTIONS = { tdsVersion: "7_4", useUTC: true };

/** The INSERT BULK statement and the bytes tedious would send for `table`. */
export interface BulkCapture {
  statement: string;
  bytes: Buffer;
}

/** Runs mssql's `request.bulk(table)` against a connection whose socket is a buffer. */
export async function bulkBytes(table: unknown): Promise<BulkCapture> {
  let capture: BulkCapture | undefined;
  const connection = Object.assign(new EventEmitter(), {
    newBulkLoad: (name: string, options: unknown, done: Function) =>
      new BulkLoad(name, undefined, CONNECTION_OPTIONS, options, done),
    execBulkLoad: async (bulk: { callback: Function; getBulkInsertSql(): string }, rows: unknown[]) => {
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of new BulkLoadPayload(bulk, rows)) chunks.push(Buffer.from(chunk));
        capture = { statement: bulk.getBulkInsertSql(), bytes: Buffer.concat(chunks) };
        bulk.callback(null, rows.length);
      } catch (error) {
        bulk.callback(error);
      }
    },
  });
  const pool = {
    connected: true,
    config: {},
    _aborted: false,
    acquire: (_request: unknown, callback: Function) => callback(null, connection),
    release: () => undefined,
  };
  await new mssql.Request(pool as never).bulk(table as never);
  return capture!;
}

/** The TYPE_INFO and value bytes tedious writes for one parameter (the RPC path). */
export function parameterBytes(type: TediousType, value: unknown): { typeInfo: Buffer; value: Buffer } {
  const resolved = resolveParameter(
    { type, name: "p1", value, output: false },
    undefined,
    CONNECTION_OPTIONS,
  );
  const info = new WritableTrackingBuffer();
  type.writeTypeInfo(info, resolved.data, CONNECTION_OPTIONS);
  const data = new WritableTrackingBuffer();
  type.writeValue(data, resolved.data, CONNECTION_OPTIONS);
  return { typeInfo: info.data, value: data.data };
}

export interface DecodedColumn {
  name: string;
  /** e.g. "IntN(8)", "DecimalN(38,10)", "NVarChar(max)", "DateTime2N(6)". */
  type: string;
}

class Reader {
  pos = 0;
  constructor(readonly b: Buffer) {}
  u8 = () => this.b.readUInt8(this.pos++);
  u16 = () => ((this.pos += 2), this.b.readUInt16LE(this.pos - 2));
  u32 = () => ((this.pos += 4), this.b.readUInt32LE(this.pos - 4));
  bytes = (n: number) => ((this.pos += n), this.b.subarray(this.pos - n, this.pos));
  uint = (n: number) => {
    let v = 0n;
    for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(this.b[this.pos + k]!);
    this.pos += n;
    return v;
  };
}

interface ColumnInfo extends DecodedColumn {
  id: number;
  length?: number;
  precision?: number;
  scale?: number;
}

const TIME_LENGTH = (scale: number) => (scale <= 2 ? 3 : scale <= 4 ? 4 : 5);

function typeInfo(r: Reader): Omit<ColumnInfo, "name"> {
  const id = r.u8();
  switch (id) {
    case 0x26:
    case 0x68:
    case 0x6d:
    case 0x24: {
      const length = r.u8();
      const name = { 38: "IntN", 104: "BitN", 109: "FloatN", 36: "Guid" }[id]!;
      return { id, length, type: `${name}(${length})` };
    }
    case 0x6a:
    case 0x6c: {
      r.u8();
      const precision = r.u8();
      const scale = r.u8();
      return {
        id,
        precision,
        scale,
        type: `${id === 0x6a ? "DecimalN" : "NumericN"}(${precision},${scale})`,
      };
    }
    case 0xe7:
    case 0xa5: {
      const length = r.u16();
      if (id === 0xe7) r.bytes(5); // collation
      const name = id === 0xe7 ? "NVarChar" : "VarBinary";
      const size = length === 0xffff ? "max" : id === 0xe7 ? length / 2 : length; // nvarchar: bytes → characters
      return { id, length, type: `${name}(${size})` };
    }
    case 0x28:
      return { id, type: "DateN" };
    case 0x29:
    case 0x2a:
    case 0x2b: {
      const scale = r.u8();
      const name = { 41: "TimeN", 42: "DateTime2N", 43: "DateTimeOffsetN" }[id]!;
      return { id, scale, type: `${name}(${scale})` };
    }
    default:
      throw new Error(`TYPE_INFO 0x${id.toString(16)} is not decoded here`);
  }
}

function varBytes(r: Reader, c: ColumnInfo): Buffer | null {
  if (c.length !== 0xffff) {
    const n = r.u16();
    return n === 0xffff ? null : r.bytes(n);
  }
  const total = r.uint(8);
  if (total === 0xffffffffffffffffn) return null;
  const parts: Buffer[] = [];
  for (let n = r.u32(); n !== 0; n = r.u32()) parts.push(r.bytes(n));
  return Buffer.concat(parts);
}

/** Decoded values: exact, in the spelling of `toRows` where one exists. */
export type Wire =
  | null
  | boolean
  | bigint
  | number
  | string
  | Buffer
  | { days: number; ticks?: bigint; scale?: number; offset?: number };

function value(r: Reader, c: ColumnInfo): Wire {
  switch (c.id) {
    case 0x26: {
      const n = r.u8();
      return n === 0 ? null : BigInt.asIntN(n * 8, r.uint(n));
    }
    case 0x68: {
      const n = r.u8();
      return n === 0 ? null : r.u8() === 1;
    }
    case 0x6d: {
      const n = r.u8();
      if (n === 0) return null;
      const b = r.bytes(n);
      return n === 4 ? b.readFloatLE(0) : b.readDoubleLE(0);
    }
    case 0x6a:
    case 0x6c: {
      const n = r.u8();
      if (n === 0) return null;
      const positive = r.u8() === 1;
      const magnitude = r.uint(n - 1);
      return formatDecimal(positive ? magnitude : -magnitude, c.scale!);
    }
    case 0x24: {
      const n = r.u8();
      return n === 0 ? null : Buffer.from(r.bytes(n));
    }
    case 0xe7: {
      const b = varBytes(r, c);
      if (b === null) return null;
      let s = "";
      for (let k = 0; k < b.length; k += 2) s += String.fromCharCode(b.readUInt16LE(k)); // code units as sent
      return s;
    }
    case 0xa5: {
      const b = varBytes(r, c);
      return b === null ? null : Buffer.from(b);
    }
    case 0x28: {
      const n = r.u8();
      return n === 0 ? null : { days: Number(r.uint(3)) };
    }
    default: {
      const n = r.u8();
      if (n === 0) return null;
      const ticks = r.uint(TIME_LENGTH(c.scale!));
      if (c.id === 0x29) return { days: 0, ticks, scale: c.scale! };
      const days = Number(r.uint(3));
      const offset = c.id === 0x2b ? r.b.readInt16LE((r.pos += 2) - 2) : undefined;
      return { days, ticks, scale: c.scale!, ...(offset !== undefined ? { offset } : {}) };
    }
  }
}

/** Reads COLMETADATA, ROW… and DONE back from the bytes of a bulk load. */
export function decodeBulk(bytes: Buffer): { columns: DecodedColumn[]; rows: Wire[][] } {
  const r = new Reader(bytes);
  if (r.u8() !== 0x81) throw new Error("no COLMETADATA token");
  const columns: ColumnInfo[] = [];
  for (let n = r.u16(), k = 0; k < n; k++) {
    r.u32(); // user type
    r.u16(); // flags
    const info = typeInfo(r);
    const name = r.bytes(r.u8() * 2).toString("utf16le");
    columns.push({ ...info, name });
  }
  const rows: Wire[][] = [];
  for (let token = r.u8(); token === 0xd1; token = r.u8()) rows.push(columns.map((c) => value(r, c)));
  return { columns: columns.map(({ name, type }) => ({ name, type })), rows };
}

/** One value decoded from the bytes `parameterBytes` produced. */
export function decodeParameter(bytes: { typeInfo: Buffer; value: Buffer }): { type: string; value: Wire } {
  const info = { name: "p1", ...typeInfo(new Reader(bytes.typeInfo)) };
  return { type: info.type, value: value(new Reader(bytes.value), info) };
}

/** SQL Server's GUID bytes (first three groups little-endian) in RFC 4122 order. */
export function guidToRfc(bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  return b;
}

const DAYS_0001_TO_1970 = 719162;

/** A decoded date/datetime2/datetimeoffset as an epoch count in `unit` (exact), or days for dates. */
export function wireEpoch(v: Wire, unitPerSecond?: bigint): string | null {
  if (v === null) return null;
  const t = v as { days: number; ticks?: bigint; scale?: number };
  const days = BigInt(t.days - DAYS_0001_TO_1970);
  if (unitPerSecond === undefined) return String(days);
  const per = 10n ** BigInt(t.scale!);
  const total = days * 86_400n * per + t.ticks!; // in 10^-scale seconds
  if (unitPerSecond >= per) return String(total * (unitPerSecond / per));
  const step = per / unitPerSecond;
  return total % step === 0n ? String(total / step) : `inexact ${total} × 10^-${t.scale} s`;
}
