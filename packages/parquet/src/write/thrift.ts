/**
 * Thrift Compact Protocol, the encoding of Parquet's page headers and footer: a typed value tree,
 * its encoder and a decoder that keeps the wire types (so a decoded struct re-encodes to the same
 * bytes). Parquet metadata uses no maps or sets, so neither is supported.
 */

export const BOOL = 1; // in lists; as a struct field the value is carried in the type (1 true, 2 false)
export const BYTE = 3;
export const I16 = 4;
export const I32 = 5;
export const I64 = 6;
export const DOUBLE = 7;
export const BINARY = 8;
export const LIST = 9;
export const STRUCT = 12;

export type TValue =
  | { type: typeof BOOL; value: boolean }
  | { type: typeof BYTE | typeof I16 | typeof I32 | typeof DOUBLE; value: number }
  | { type: typeof I64; value: bigint }
  | { type: typeof BINARY; value: Uint8Array }
  | { type: typeof LIST; elem: number; value: TValue[] }
  | { type: typeof STRUCT; value: TStruct };

/** Fields by id, ascending. */
export type TStruct = [id: number, value: TValue][];

const utf8 = new TextEncoder();

export const i32 = (value: number): TValue => ({ type: I32, value });
export const i64 = (value: bigint | number): TValue => ({ type: I64, value: BigInt(value) });
export const byte = (value: number): TValue => ({ type: BYTE, value });
export const bool = (value: boolean): TValue => ({ type: BOOL, value });
export const bin = (value: Uint8Array | string): TValue => ({
  type: BINARY,
  value: typeof value === "string" ? utf8.encode(value) : value,
});
export const list = (elem: number, value: TValue[]): TValue => ({ type: LIST, elem, value });
/** A struct from optional fields: undefined ones are left out. */
export const struct = (...fields: [number, TValue | undefined][]): TValue => ({
  type: STRUCT,
  value: fields.filter((f): f is [number, TValue] => f[1] !== undefined),
});

/** A growable byte buffer. */
export class Bytes {
  buf = new Uint8Array(256);
  length = 0;
  private view = new DataView(this.buf.buffer);

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }
  bytes(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.length);
    this.length += v.length;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  uvarint(v: number): void {
    while (v >= 0x80) {
      this.u8((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.u8(v);
  }
  uvarint64(v: bigint): void {
    while (v >= 0x80n) {
      this.u8(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.u8(Number(v));
  }
  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

const zigzag32 = (n: number) => ((n << 1) ^ (n >> 31)) >>> 0;
const zigzag64 = (n: bigint) => BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));

function writeValue(out: Bytes, v: TValue): void {
  switch (v.type) {
    case BOOL:
      out.u8(v.value ? 1 : 2); // list elements only; fields carry it in the header
      return;
    case BYTE:
      out.u8(v.value & 0xff);
      return;
    case I16:
    case I32:
      out.uvarint(zigzag32(v.value));
      return;
    case I64:
      out.uvarint64(zigzag64(v.value));
      return;
    case DOUBLE:
      out.f64(v.value);
      return;
    case BINARY:
      out.uvarint(v.value.length);
      out.bytes(v.value);
      return;
    case LIST:
      if (v.value.length < 15) out.u8((v.value.length << 4) | v.elem);
      else {
        out.u8(0xf0 | v.elem);
        out.uvarint(v.value.length);
      }
      for (const item of v.value) writeValue(out, item);
      return;
    case STRUCT:
      writeStruct(out, v.value);
      return;
  }
}

function writeStruct(out: Bytes, fields: TStruct): void {
  let last = 0;
  for (const [id, v] of fields) {
    const type = v.type === BOOL ? (v.value ? 1 : 2) : v.type;
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.u8((delta << 4) | type);
    else {
      out.u8(type);
      out.uvarint(zigzag32(id));
    }
    if (v.type !== BOOL) writeValue(out, v);
    last = id;
  }
  out.u8(0);
}

/** Appends the compact encoding of `value` (a struct) to `out`. */
export function encodeStruct(value: TValue, out = new Bytes()): Bytes {
  if (value.type !== STRUCT) throw new Error("thrift: only structs are encoded at the top level");
  writeStruct(out, value.value);
  return out;
}

/** Decodes one struct at `offset`, keeping wire types. Returns the struct and the offset after it. */
export function decodeStruct(bytes: Uint8Array, offset = 0): { value: TValue; end: number } {
  const r = { bytes, pos: offset };
  const value: TValue = { type: STRUCT, value: readStruct(r) };
  return { value, end: r.pos };
}

interface Reader {
  bytes: Uint8Array;
  pos: number;
}

function next(r: Reader): number {
  if (r.pos >= r.bytes.length) throw new Error("thrift: unexpected end of data");
  return r.bytes[r.pos++]!;
}

function readUvarint64(r: Reader): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = next(r);
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return result;
    shift += 7n;
  }
}

function readUvarint(r: Reader): number {
  return Number(readUvarint64(r));
}

const unzigzag32 = (n: number) => (n >>> 1) ^ -(n & 1);
const unzigzag64 = (n: bigint) => BigInt.asIntN(64, (n >> 1n) ^ -(n & 1n));

function readValue(r: Reader, type: number): TValue {
  switch (type) {
    case 1:
    case 2:
      return { type: BOOL, value: next(r) === 1 };
    case BYTE:
      return { type: BYTE, value: next(r) };
    case I16:
    case I32:
      return { type, value: unzigzag32(readUvarint(r)) };
    case I64:
      return { type: I64, value: unzigzag64(readUvarint64(r)) };
    case DOUBLE: {
      const v = new DataView(r.bytes.buffer, r.bytes.byteOffset + r.pos, 8).getFloat64(0, true);
      r.pos += 8;
      return { type: DOUBLE, value: v };
    }
    case BINARY: {
      const n = readUvarint(r);
      if (r.pos + n > r.bytes.length) throw new Error("thrift: binary runs past the end of data");
      const value = r.bytes.slice(r.pos, r.pos + n);
      r.pos += n;
      return { type: BINARY, value };
    }
    case LIST: {
      const head = next(r);
      const size = head >> 4 === 15 ? readUvarint(r) : head >> 4;
      const elem = head & 0x0f;
      const items: TValue[] = [];
      for (let i = 0; i < size; i++) items.push(readValue(r, elem));
      return { type: LIST, elem: elem === 2 ? BOOL : elem, value: items };
    }
    case STRUCT:
      return { type: STRUCT, value: readStruct(r) };
    default:
      throw new Error(`thrift: unsupported compact type ${type}`);
  }
}

function readStruct(r: Reader): TStruct {
  const fields: TStruct = [];
  let last = 0;
  for (;;) {
    const head = next(r);
    if (head === 0) return fields;
    const delta = head >> 4;
    const type = head & 0x0f;
    const id = delta ? last + delta : unzigzag32(readUvarint(r));
    const value =
      type === 1 || type === 2 ? ({ type: BOOL, value: type === 1 } as TValue) : readValue(r, type);
    fields.push([id, value]);
    last = id;
  }
}

/** Field `id` of a decoded struct. */
export function field(s: TValue | undefined, id: number): TValue | undefined {
  if (s?.type !== STRUCT) return undefined;
  return s.value.find((f) => f[0] === id)?.[1];
}
