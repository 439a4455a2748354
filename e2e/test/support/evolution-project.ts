import { mkdir, mkdtemp, readdir, readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type duck, q } from "./duck.js";
import { type Columns, rowsOf } from "./evolution-cases.js";

export interface EvolutionFlow {
  name: string;
  policy: string;
}

export interface EvolutionProjectOptions {
  /** The `store:` block of every flow, `{flow}` replaced by the flow's name; Parquet under `out/<flow>/` by default. */
  storeYaml?: string;
  concurrency?: number;
  /** Extra project-file lines (connections:). */
  extraYaml?: string;
  prefix?: string;
}

/**
 * A project of incremental flows (watermark ts, key id), one per case, each reading the Parquet
 * source folder `src/<flow>/t/` (one file the test rewrites with DuckDB) and writing, by default,
 * a Parquet store on disk under `out/<flow>/` (data in `out/<flow>/t/`, bookkeeping in
 * `out/<flow>/.hygge/t/`).
 */
export async function evolutionProject(flows: EvolutionFlow[], options: EvolutionProjectOptions = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), options.prefix ?? "hygge-evo-"));
  await writeFile(
    path.join(dir, "hygge.yml"),
    `name: evolution\nplugins: [parquet${options.extraYaml ? ", sql" : ""}]\noptions:\n  concurrency: ${options.concurrency ?? 4}\n  retries: 0\n${options.extraYaml ?? ""}`,
  );
  for (const flow of flows) {
    await mkdir(path.join(dir, "flows", flow.name), { recursive: true });
    await writeFile(
      path.join(dir, "flows", flow.name, "flow.yml"),
      [
        `home: { type: parquet, path: ./src/${flow.name} }`,
        `store: ${(options.storeYaml ?? "{ type: parquet, path: ./out/{flow} }").replaceAll("{flow}", flow.name)}`,
        "run_type: incremental",
        "watermark: { watermark_column: ts, primary_key: id }",
        `on_schema_change: ${flow.policy}`,
        "entities: [t]",
        "",
      ].join("\n"),
    );
  }
  return projectAt(dir);
}

let files = 0;
/** Rewrites the source of `flow` in project `dir` with rows [0, n) in `columns` (published with a rename). */
export async function writeSource(
  db: Awaited<ReturnType<typeof duck>>,
  dir: string,
  flow: string,
  columns: Columns,
  n: number,
) {
  const folder = path.join(dir, "src", flow, "t");
  await mkdir(folder, { recursive: true });
  const tmp = path.join(dir, `.tmp-${process.pid}-${files++}.parquet`);
  await db.run(`COPY (${rowsOf(columns, 0, n)}) TO ${q(tmp)} (FORMAT parquet)`);
  await rename(tmp, path.join(folder, "data.parquet"));
}

export interface StoredState {
  state: { runId: string; schema?: { name: string; type: string }[]; watermark?: { value: string } };
}

/** Paths and readers of an evolution project at `dir` (also a copy of one). */
export function projectAt(dir: string) {
  return {
    dir,
    /** The store folder of a flow (data and `.hygge` bookkeeping). */
    storeDir: (flow: string) => path.join(dir, "out", flow),
    /** The published data folder of the flow's entity. */
    dataDir: (flow: string) => path.join(dir, "out", flow, "t"),
    /** DuckDB's glob over every published Parquet file of the flow's entity. */
    glob: (flow: string) => path.join(dir, "out", flow, "t", "**", "*.parquet"),
    /** The journal's newest record of the flow's entity. */
    async lastRecord(flow: string) {
      const folder = path.join(dir, ".hygge", "runs", flow, "t");
      const names = (await readdir(folder)).filter((f) => f.endsWith(".json") && !f.startsWith(".")).sort();
      return JSON.parse(await readFile(path.join(folder, names.at(-1)!), "utf8")) as {
        status: string;
        schemaChange?: Record<string, { name: string }[]>;
        error?: { code: string };
      };
    },
    /** The store's committed state (state.json in the bookkeeping folder). */
    async state(flow: string): Promise<StoredState> {
      return JSON.parse(await readFile(path.join(dir, "out", flow, ".hygge", "t", "state.json"), "utf8"));
    },
    /** The commit record of a publish not finished yet (publish.json), if any. */
    async intent(flow: string): Promise<StoredState | undefined> {
      try {
        return JSON.parse(await readFile(path.join(dir, "out", flow, ".hygge", "t", "publish.json"), "utf8"));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
  };
}
