// Copies every *.parquet file below one folder into another, exactly, with the programmatic API.
// Usage: tsx examples/copy-parquet.ts <from-folder> <to-folder>
import { runProject } from "@hygge/core";
import parquet from "@hygge/parquet";

const [from, to] = process.argv.slice(2);
if (!from || !to) throw new Error("usage: copy-parquet.ts <from-folder> <to-folder>");

const summary = await runProject({
  plugins: [parquet],
  project: {
    flows: { copy: { home: { type: "parquet", path: from }, store: { type: "parquet", path: to } } },
  },
});
console.log(`${summary.status}: ${summary.totals.rows} rows in ${summary.durationMs} ms`);
process.exitCode = summary.status === "pass" ? 0 : 1;
