// Copies every *.parquet file below one folder into <to-folder>/<its name>, exactly, with the
// programmatic API. Usage: tsx examples/copy-parquet.ts <from-folder> <to-folder>
import { basename, dirname } from "node:path";
import { runProject } from "@hygge/core";
import parquet from "@hygge/parquet";

const [from, to] = process.argv.slice(2);
if (!from || !to) throw new Error("usage: copy-parquet.ts <from-folder> <to-folder>");

const summary = await runProject({
  plugins: [parquet],
  project: {
    flows: {
      // One entity, named after the source folder: read from <parent>/<name>, written to <to>/<name>.
      copy: {
        home: { type: "parquet", path: dirname(from) },
        store: { type: "parquet", path: to },
        entities: [basename(from)],
      },
    },
  },
});
console.log(`${summary.status}: ${summary.totals.rows} rows in ${summary.durationMs} ms`);
process.exitCode = summary.status === "pass" ? 0 : 1;
