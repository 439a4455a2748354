import { describe, expect, it } from "@jest/globals";
import { makeData, Utf8 } from "apache-arrow";
import { writeFastColumn } from "../src/write/fast-column.js";
import { UnwritableError } from "../src/write/schema.js";

describe("the writer refuses what Arrow's int32 offsets cannot hold", () => {
  it("a string column whose values in one row group pass 2 GiB is refused, naming the column", () => {
    // Two batches of one 1.5 GiB value each (offsets only: the check comes before any byte is read).
    const part = () =>
      makeData({
        type: new Utf8(),
        length: 1,
        nullCount: 0,
        valueOffsets: new Int32Array([0, 1.5 * 2 ** 30]),
        data: new Uint8Array(8),
      });
    const sink = { offset: 0, appendBytes: () => undefined };
    const write = () =>
      writeFastColumn(
        sink,
        { name: "notes", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" },
        "BYTE_ARRAY",
        [part(), part()],
        { codec: "UNCOMPRESSED", dictionary: false },
      );
    expect(write).toThrow(UnwritableError);
    expect(write).toThrow(/column "notes": the values of one row group pass 2 GiB \(3221225472 bytes\)/);
  });
});
