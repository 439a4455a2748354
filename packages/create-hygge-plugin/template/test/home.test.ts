// The conformance suite of @hygge/core/testing, run against the my-plugin home.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { batchToRows, typeNameOf } from "@hygge/core";
import { tempDir, testHome } from "@hygge/core/testing";
import plugin from "../src/index.js";
import { encodeValue } from "../src/values.js";
import { createContext } from "./context.js";

const root = tempDir("my-plugin-home");
const columns = new Map<string, Record<string, string>>();

testHome({
  name: "my-plugin home",
  seed: async (entity, batches) => {
    columns.set(entity, Object.fromEntries(batches[0]!.schema.fields.map((f) => [f.name, typeNameOf(f)])));
    const lines = batches.flatMap((b) => batchToRows(b)).map((row) => JSON.stringify(row, encodeValue));
    await writeFile(path.join(root, `${entity}.jsonl`), lines.map((l) => `${l}\n`).join(""));
  },
  create: (entity, { batchSize }) =>
    plugin.homes["my-plugin"].create(
      {
        path: `${entity}.jsonl`,
        columns: columns.get(entity)!,
        batch_size: batchSize ?? 10_000,
      },
      createContext(root, entity),
    ),
  // The `columns` type syntax has no struct type: a home declaring its columns cannot read one.
  excludeTypes: ["struct"],
});
