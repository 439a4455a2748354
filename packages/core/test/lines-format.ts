import { writeFile } from "node:fs/promises";
import { Field, Int32, type RecordBatch, Schema, vectorFromArray } from "apache-arrow";
import { defineFormat, HyggeError, z } from "../src/index.js";
import { batchOf } from "../src/testing/index.js";

/**
 * A tiny format, so that the file engine is tested apart from any real one: a header line naming
 * the one int32 column, then one value per line.
 */
export const lines = defineFormat({
  extensions: [".lines"],
  readOptions: z.strictObject({ skip: z.number().int().optional() }),
  writeOptions: z.strictObject({ upper: z.boolean().default(false) }),
  extensionFor: (o) => (o.upper ? ".LINES" : ".lines"),
  async schema(source) {
    const header = new TextDecoder().decode(await source.read(0, Math.min(source.size, 64))).split("\n")[0]!;
    if (header === "") throw new HyggeError("HOME_READ_FAILED", `${source.url} has no header`);
    return new Schema([new Field(header, new Int32(), true)]);
  },
  async rows(source) {
    const text = new TextDecoder().decode(await source.read(0, source.size));
    return text.split("\n").filter(Boolean).length - 1;
  },
  async *read(source, schema) {
    const text = new TextDecoder().decode(await source.read(0, source.size));
    const values = text.split("\n").filter(Boolean).slice(1).map(Number);
    yield batchOf({ [schema.fields[0]!.name]: vectorFromArray(values, new Int32()) });
  },
  async createWriter(path, schema) {
    const out: string[] = [schema.fields[0]!.name];
    return {
      async write(batch: RecordBatch) {
        for (const v of batch.getChildAt(0)!) out.push(String(v));
      },
      async finish() {
        const text = `${out.join("\n")}\n`;
        await writeFile(path, text, { flag: "wx" });
        return { bytes: Buffer.byteLength(text) };
      },
      async abort() {},
    };
  },
});
