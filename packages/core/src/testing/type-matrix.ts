import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { JSON_EXTENSION, parseUuid, UUID_EXTENSION, withExtension } from "../arrow/extension.js";
import { bigIntToWords, parseDecimal } from "../arrow/values.js";

function validity(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8) || 1);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

/** A vector of 64-bit values (Int64, timestamps) built from BigInts without going through floats. */
export function int64Vector(type: DataType, values: readonly (bigint | null)[]): Vector {
  const data = new BigInt64Array(values.map((v) => v ?? 0n));
  return makeVector(makeData({ type, length: values.length, data, ...validity(values) } as never));
}

/** A Decimal128 vector from decimal strings (exact). */
export function decimalVector(precision: number, scale: number, values: readonly (string | null)[]): Vector {
  const type = new Decimal(scale, precision, 128);
  const data = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    if (v !== null) bigIntToWords(parseDecimal(v, scale), 4, data, i * 4);
  });
  return makeVector(makeData({ type, length: values.length, data, ...validity(values) } as never));
}

export function dateDayVector(values: readonly (number | null)[]): Vector {
  const data = new Int32Array(values.map((v) => v ?? 0));
  return makeVector(
    makeData({ type: new DateDay(), length: values.length, data, ...validity(values) } as never),
  );
}

/** A batch of the given columns (all nullable); `extensions` declares Arrow extension types by column. */
export function batchOf(
  columns: Record<string, Vector>,
  extensions: Record<string, string> = {},
): RecordBatch {
  const fields = Object.entries(columns).map(([name, v]) =>
    extensions[name]
      ? withExtension(new Field(name, v.type, true), extensions[name])
      : new Field(name, v.type, true),
  );
  const schema = new Schema(fields);
  const length = Object.values(columns)[0]?.length ?? 0;
  const data = makeData({
    type: new Struct(fields),
    length,
    nullCount: 0,
    children: Object.values(columns).map((v) => v.data[0]!),
  });
  return new RecordBatch(schema, data);
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/**
 * Every type a store should round-trip exactly, with nulls in every column, unicode and empty
 * strings, int64 extremes, nanosecond timestamps, time zones and wide decimals. Column names are
 * the keys of `TYPE_MATRIX_COLUMNS`; stores that cannot hold a type exclude its column.
 */
export function typeMatrix(exclude: readonly string[] = []): RecordBatch {
  const all: Record<string, Vector> = {
    id: vectorFromArray([1, 2, 3, 4, 5], new Int32()),
    bool: vectorFromArray([true, false, null, true, false], new Bool()),
    int8: vectorFromArray([-128, 127, null, 0, 1], new Int8()),
    int16: vectorFromArray([-32768, 32767, null, 0, -1], new Int16()),
    int32: vectorFromArray([-2147483648, 2147483647, null, 0, 42], new Int32()),
    int64: int64Vector(new Int64(), [I64_MIN, I64_MAX, null, 0n, 9007199254740993n]),
    float32: vectorFromArray([1.5, -0.25, null, 0, 3.140000104904175], new Float32()),
    float64: vectorFromArray([Math.PI, -1e300, null, 0, 5e-324], new Float64()),
    utf8: vectorFromArray(["hello", "", null, "ünïcødé ✓ 日本語 🚀", 'line\nbreak,comma"quote'], new Utf8()),
    binary: vectorFromArray(
      [
        new Uint8Array([0, 1, 2, 255]),
        new Uint8Array([]),
        null,
        new Uint8Array([42]),
        new Uint8Array([7, 7]),
      ],
      new Binary(),
    ),
    date: dateDayVector([0, 19723, null, -719162, 2932896]),
    ts_ms: int64Vector(new TimestampMillisecond(), [0n, 1704067200123n, null, -1000n, 253402300799999n]),
    ts_us: int64Vector(new TimestampMicrosecond(), [0n, 1704067200123456n, null, -1n, 253402300799999999n]),
    ts_ns: int64Vector(new TimestampNanosecond(), [
      0n,
      1704067200123456789n,
      null,
      -1n,
      1704067200000000001n,
    ]),
    ts_us_utc: int64Vector(new TimestampMicrosecond("UTC"), [
      0n,
      1704067200123456n,
      null,
      1n,
      946684800000000n,
    ]),
    decimal_9_2: decimalVector(9, 2, ["1234567.89", "-0.01", null, "0.00", "-9999999.99"]),
    decimal_18_4: decimalVector(18, 4, ["99999999999999.9999", "-1.0001", null, "0.0000", "12345.6789"]),
    decimal_38_10: decimalVector(38, 10, [
      "9999999999999999999999999999.9999999999",
      "-0.0000000001",
      null,
      "0.0000000000",
      "-1234567890123456789.1234567890",
    ]),
    list_int32: vectorFromArray(
      [[1, 2, 3], [], null, [null, 4], [5]],
      new List(new Field("item", new Int32(), true)),
    ),
    struct: vectorFromArray(
      [{ a: 1, b: "x" }, { a: null, b: "" }, null, { a: -1, b: null }, { a: 2, b: "ü" }],
      new Struct([new Field("a", new Int32(), true), new Field("b", new Utf8(), true)]),
    ),
    uuid: vectorFromArray(
      [
        parseUuid("00000000-0000-0000-0000-000000000000"),
        parseUuid("ffffffff-ffff-ffff-ffff-ffffffffffff"),
        null,
        parseUuid("123e4567-e89b-12d3-a456-426614174000"),
        parseUuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
      ],
      new FixedSizeBinary(16),
    ),
    json: vectorFromArray(
      ['{"a":1,"b":[true,null]}', "[]", null, '"ünïcødé 🚀"', '{"big":12345678901234567890}'],
      new Utf8(),
    ),
  };
  const columns = Object.fromEntries(
    Object.entries(all).filter(([name]) => name === "id" || !exclude.includes(name)),
  );
  return batchOf(columns, { uuid: UUID_EXTENSION, json: JSON_EXTENSION });
}

export const TYPE_MATRIX_COLUMNS = [
  "bool",
  "int8",
  "int16",
  "int32",
  "int64",
  "float32",
  "float64",
  "utf8",
  "binary",
  "date",
  "ts_ms",
  "ts_us",
  "ts_ns",
  "ts_us_utc",
  "decimal_9_2",
  "decimal_18_4",
  "decimal_38_10",
  "list_int32",
  "struct",
  "uuid",
  "json",
] as const;

/** `count` rows of (id int64, name utf8, amount float64), ids starting at `start`, in batches of `batchSize`. */
export function sequenceBatches(count: number, batchSize: number, start = 0): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let offset = 0; offset < count; offset += batchSize) {
    const n = Math.min(batchSize, count - offset);
    const ids = Array.from({ length: n }, (_, i) => BigInt(start + offset + i));
    out.push(
      batchOf({
        id: int64Vector(new Int64(), ids),
        name: vectorFromArray(
          ids.map((id) => `name-${id}`),
          new Utf8(),
        ),
        amount: vectorFromArray(
          ids.map((id) => Number(id) / 4),
          new Float64(),
        ),
      }),
    );
  }
  return out;
}
