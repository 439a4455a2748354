import { HyggeError } from "@hygge/core";
import type {
  BoolBuilder,
  ColumnBuilder,
  DecimalBuilder,
  FixedBuilder,
  VarBuilder,
} from "../arrow/column-builder.js";
import { PG_OID, type PgField, pgNumericPrecision, pgTimestampUnit } from "./postgres-types.js";

const PG_EPOCH_DAYS = 10_957;
const PG_EPOCH_MICROS = 946_684_800_000_000n;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

/** Writes one non-null binary COPY value into its builder. */
export type Decode = (buf: Buffer, start: number, length: number) => void;

/**
 * Types decoded from PostgreSQL's binary COPY format straight into Arrow buffers; any other
 * readable type is selected as `::text` for the COPY and read as its text bytes.
 */
export function binaryDecodable(field: PgField): boolean {
  switch (field.dataTypeID) {
    case PG_OID.bool:
    case PG_OID.int2:
    case PG_OID.int4:
    case PG_OID.int8:
    case PG_OID.oid:
    case PG_OID.float4:
    case PG_OID.float8:
    case PG_OID.text:
    case PG_OID.varchar:
    case PG_OID.bpchar:
    case PG_OID.name:
    case PG_OID.json:
    case PG_OID.xml:
    case PG_OID.bytea:
    case PG_OID.date:
    case PG_OID.time:
    case PG_OID.timestamp:
    case PG_OID.timestamptz:
      return true;
    case PG_OID.numeric: {
      const ps = pgNumericPrecision(field.dataTypeModifier);
      return ps !== undefined && ps[0] <= 38;
    }
    default:
      return false;
  }
}

function outOfRange(field: PgField, what: string): HyggeError {
  return new HyggeError(
    "HOME_READ_FAILED",
    `column "${field.name}" holds ${what}, which Arrow cannot hold exactly`,
    {
      subject: field.name,
      hint: "Filter or cast such values in a query (infinity and NaN have no Arrow equivalent).",
    },
  );
}

/** The decoder of `field` writing into `builder` (made by pgColumnBuilder for the same field). */
export function binaryDecoder(field: PgField, builder: ColumnBuilder): Decode {
  const fixed = builder as FixedBuilder;
  switch (binaryDecodable(field) ? field.dataTypeID : -1) {
    case PG_OID.bool:
      return (buf, start) => (builder as BoolBuilder).pushBool(buf[start] !== 0);
    case PG_OID.int2:
      return (buf, start) => {
        const i = fixed.slot();
        fixed.array[i] = buf.readInt16BE(start);
      };
    case PG_OID.int4:
      return (buf, start) => {
        const i = fixed.slot();
        fixed.array[i] = buf.readInt32BE(start);
      };
    case PG_OID.int8:
      return (buf, start) => {
        const i = fixed.slot();
        fixed.array[i] = buf.readBigInt64BE(start);
      };
    case PG_OID.float4:
      return (buf, start) => {
        const i = fixed.slot();
        fixed.array[i] = buf.readFloatBE(start);
      };
    case PG_OID.float8:
      return (buf, start) => {
        const i = fixed.slot();
        fixed.array[i] = buf.readDoubleBE(start);
      };
    case PG_OID.date:
      return (buf, start) => {
        const days = buf.readInt32BE(start);
        if (days === 0x7fffffff || days === -0x80000000) throw outOfRange(field, "an infinite date");
        const i = fixed.slot();
        fixed.array[i] = days + PG_EPOCH_DAYS;
      };
    case PG_OID.time:
      return (buf, start) => {
        const i = fixed.slot();
        fixed.array[i] = buf.readBigInt64BE(start);
      };
    case PG_OID.timestamp:
    case PG_OID.timestamptz: {
      const unit = pgTimestampUnit(field.dataTypeModifier);
      const per = unit === "us" ? 1n : unit === "ms" ? 1000n : 1_000_000n;
      return (buf, start) => {
        const raw = buf.readBigInt64BE(start);
        if (raw === INT64_MAX || raw === INT64_MIN) throw outOfRange(field, "an infinite timestamp");
        const micros = raw + PG_EPOCH_MICROS;
        const i = fixed.slot();
        // Values of timestamp(p ≤ 3) are whole units of 10^-p s: the division is exact.
        fixed.array[i] = per === 1n ? micros : micros / per - (micros % per < 0n ? 1n : 0n);
      };
    }
    case PG_OID.numeric: {
      const scale = pgNumericPrecision(field.dataTypeModifier)![1];
      return (buf, start) => {
        const ndigits = buf.readInt16BE(start);
        const weight = buf.readInt16BE(start + 2);
        const sign = buf.readUInt16BE(start + 4);
        if (sign !== 0 && sign !== 0x4000) throw outOfRange(field, "NaN or infinity");
        let acc = 0n;
        for (let d = 0; d < ndigits; d++) acc = acc * 10000n + BigInt(buf.readInt16BE(start + 8 + 2 * d));
        // acc × 10000^(weight − ndigits + 1), scaled by 10^scale.
        const exp = 4 * (weight - ndigits + 1) + scale;
        const value = exp >= 0 ? acc * 10n ** BigInt(exp) : acc / 10n ** BigInt(-exp);
        (builder as DecimalBuilder).pushUnscaled(sign === 0x4000 ? -value : value);
      };
    }
    case PG_OID.oid:
      return (buf, start) => {
        const i = fixed.slot();
        fixed.array[i] = BigInt(buf.readUInt32BE(start));
      };
    default:
      // Text, varchar, json, xml, bytea and every column selected as ::text: the raw bytes.
      return (buf, start, length) => (builder as VarBuilder).pushBytes(buf, start, length);
  }
}

const SIGNATURE = "PGCOPY\n\xff\r\n\0";

/**
 * Parses a binary COPY stream chunk by chunk into builders: calls `onRow` after each complete
 * tuple; a tuple split across chunks waits for the next chunk.
 */
export class CopyBinaryParser {
  private rest: Buffer | undefined;
  private headerDone = false;
  done = false;

  constructor(
    private readonly decoders: Decode[],
    private readonly builders: ColumnBuilder[],
  ) {}

  /** Parses every tuple `chunk` completes, calling `onRow` after each. */
  push(chunk: Buffer, onRow: () => void): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let pos = 0;
    if (!this.headerDone) {
      if (buf.length < 19) {
        this.rest = buf;
        return;
      }
      if (buf.toString("latin1", 0, 11) !== SIGNATURE) throw new Error("not a binary COPY stream");
      pos = 19 + buf.readInt32BE(15);
      this.headerDone = true;
    }
    const width = this.decoders.length;
    const end = buf.length;
    while (pos + 2 <= end) {
      const fields = buf.readInt16BE(pos);
      if (fields === -1) {
        this.done = true;
        pos += 2;
        break;
      }
      // Is the whole tuple here?
      let p = pos + 2;
      let complete = true;
      for (let c = 0; c < fields; c++) {
        if (p + 4 > end) {
          complete = false;
          break;
        }
        const len = buf.readInt32BE(p);
        p += 4 + Math.max(len, 0);
        if (p > end) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      p = pos + 2;
      for (let c = 0; c < width; c++) {
        const len = buf.readInt32BE(p);
        p += 4;
        if (len < 0) this.builders[c]!.pushNull();
        else {
          this.decoders[c]!(buf, p, len);
          p += len;
        }
      }
      pos = p;
      onRow();
    }
    this.rest = pos < end ? buf.subarray(pos) : undefined;
  }
}
