import { mkdir, mkdtemp, readdir, readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { duck, q } from "./duck.js";
import { type Columns, rowsOf } from "./evolution-cases.js";

export interface EvolutionFlow {
  name: string;
  policy: string;
}

/**
 * A project of incremental flows (watermark ts, key id), one per case: the Parquet source folder
 * `src/<flow>/t/` (one file the test rewrites with DuckDB) into a Parquet store on disk under
 * `out/<flow>/` (data in `out/<flow>/t/`, bookkeeping in `out/<flow>/.hygge/t/`).
 */
export async function evolutionProject(flows: EvolutionFlow[], prefix = "hygge-evo-") {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const db = await duck();
  await writeFile(
    path.join(dir, "hygge.yml"),
    "name: evolution\nplugins: [parquet]\noptions:\n  concurrency: 4\n  retries: 0\n",
  );
  for (const flow of flows) {
    await mkdir(path.join(dir, "flows", flow.name), { recursive: true });
    await writeFile(
      path.join(dir, "flows", flow.name, "flow.yml"),
      [
        `home: { type: parquet, path: ./src/${flow.name} }`,
        `store: { type: parquet, path: ./out/${flow.name} }`,
        "run_type: incremental",
        "watermark: { watermark_column: ts, primary_key: id }",
        `on_schema_change: ${flow.policy}`,
        "entities: [t]",
        "",
      ].join("\n"),
    );
  }
  let files = 0;
  return {
    dir,
    db,
    /** Rewrites the source of `flow` with rows [0, n) in `columns` (published with a rename). */
    async source(flow: string, columns: Columns, n: number) {
      const folder = path.join(dir, "src", flow, "t");
      await mkdir(folder, { recursive: true });
      const tmp = path.join(dir, `.tmp-${files++}.parquet`);
      await db.run(`COPY (${rowsOf(columns, 0, n)}) TO ${q(tmp)} (FORMAT parquet)`);
      await rename(tmp, path.join(folder, "data.parquet"));
    },
    /** The store folder of a flow (data and `.hygge` bookkeeping). */
    storeDir: (flow: string) => path.join(dir, "out", flow),
    /** DuckDB's glob over every published Parquet file of the flow's entity. */
    glob: (flow: string) => path.join(dir, "out", flow, "t", "**", "*.parquet"),
    /** The journal's newest record of the flow's entity. */
    async lastRecord(flow: string) {
      const folder = path.join(dir, ".hygge", "runs", flow, "t");
      const files = (await readdir(folder)).filter((f) => f.endsWith(".json") && !f.startsWith(".")).sort();
      return JSON.parse(await readFile(path.join(folder, files.at(-1)!), "utf8")) as {
        status: string;
        schemaChange?: Record<string, { name: string }[]>;
        error?: { code: string };
      };
    },
    /** The store's committed state (state.json in the bookkeeping folder). */
    async state(flow: string) {
      const file = path.join(dir, "out", flow, ".hygge", "t", "state.json");
      return JSON.parse(await readFile(file, "utf8")) as {
        state: { runId: string; schema?: { name: string; type: string }[]; watermark?: { value: string } };
      };
    },
  };
}
