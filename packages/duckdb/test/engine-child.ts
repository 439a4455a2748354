// Child process of engine-kill.test.ts: `<dir> <runType>` copies in/t → out/t on engine: duckdb
// (the parent SIGKILLs it while DuckDB writes the staging file).
import { copyFlow } from "./engine-helpers.js";

const [dir, runType] = process.argv.slice(2) as [string, "full_drop" | "incremental"];
const report = await copyFlow(dir, {}, { runType });
process.stdout.write(`${JSON.stringify({ rows: report.rows, engine: report.engine })}\n`);
