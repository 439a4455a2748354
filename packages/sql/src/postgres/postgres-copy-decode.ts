import type { ColumnBuilder } from "../arrow/column-builder.js";
import type { Decode } from "./pg-type-row.js";

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
