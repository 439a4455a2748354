import { typeMatrix } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { encodeCopyBinary } from "../src/postgres/postgres-copy-binary.js";
import { encodeCopyText } from "../src/postgres/postgres-copy-encode.js";

/** Tuples of a binary COPY body, split by walking the length words. */
function tuples(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const fields = buf.readInt16BE(pos);
    pos += 2;
    for (let c = 0; c < fields; c++) {
      const len = buf.readInt32BE(pos);
      pos += 4 + Math.max(len, 0);
    }
    out.push(buf.subarray(start, pos));
  }
  return out;
}

describe("PostgreSQL COPY encoders", () => {
  // Batches sliced by the engine or a home share buffers with an offset: encoders must honour it.
  it("encodes a sliced batch exactly as the same rows of the whole batch (binary and text)", () => {
    const batch = typeMatrix(["ts_ns", "struct"]);
    const whole = tuples(encodeCopyBinary(batch));
    expect(whole).toHaveLength(5);
    for (const [offset, length] of [
      [1, 3],
      [3, 2],
      [2, 1],
    ] as const) {
      const part = tuples(encodeCopyBinary(batch.slice(offset, offset + length)));
      expect(part.map((b) => b.toString("hex"))).toEqual(
        whole.slice(offset, offset + length).map((b) => b.toString("hex")),
      );
    }
    const lines = encodeCopyText(batch).toString("utf8").split("\n");
    const sliced = encodeCopyText(batch.slice(2, 5)).toString("utf8").split("\n");
    expect(sliced.slice(0, 3)).toEqual(lines.slice(2, 5));
  });
});
