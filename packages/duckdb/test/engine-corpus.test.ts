import { cp, readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { copyFlow, readWithHygge, tableText, tempProject } from "./engine-helpers.js";

/**
 * apache/parquet-testing through `engine: duckdb`: every file either copies inside DuckDB and
 * reads back through hygge's own reader (hyparquet) with the same schema and the same rows as the
 * source does, or is routed to the batch loop (which copies it or refuses it as the parquet
 * plugin's corpus test expects). Never changed.
 */
const ROOT = fileURLToPath(new URL("../../parquet/test/fixtures/parquet-testing/", import.meta.url));

async function parquetFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await parquetFiles(full)));
    else if (e.name.endsWith(".parquet")) out.push(relative(ROOT, full));
  }
  return out.sort();
}

const files = await parquetFiles(ROOT);
const ran: string[] = [];
const fellBack: string[] = [];

/** A run's outcome without its temporary paths: the error message, or undefined. */
async function outcome(run: Promise<unknown>, dir: string): Promise<string | undefined> {
  try {
    await run;
    return undefined;
  } catch (error) {
    return String((error as Error).message).replaceAll(dir, "<dir>");
  }
}

describe("apache/parquet-testing through engine: duckdb", () => {
  it.each(files)("%s: copied identically by DuckDB, or by the batch loop", async (file) => {
    const dir = await tempProject();
    await cp(join(ROOT, file), join(dir, "in/t/file.parquet"));
    const size = (await stat(join(ROOT, file))).size;
    let report: Awaited<ReturnType<typeof copyFlow>> | undefined;
    const engine = await outcome(
      copyFlow(dir).then((r) => (report = r)),
      dir,
    );
    // The batch loop alone, into another folder: the engine run must end the same way.
    const alone = await outcome(
      copyFlow(dir, { store: { type: "parquet", path: "alone" }, engine: false }),
      dir,
    );
    expect(engine).toBe(alone);
    if (engine !== undefined) return;
    const source = await readWithHygge(join(dir, "in/t"));
    const copied = await readWithHygge(join(dir, "out/t"));
    if (report?.engine?.ran) ran.push(file);
    else fellBack.push(`${file}: ${report?.engine?.ran === false ? report.engine.fallback : "?"}`);
    if (size > 1_000_000) {
      // Too large for a JS value comparison: the same rows and schema.
      expect(copied.reduce((n, b) => n + b.numRows, 0)).toBe(source.reduce((n, b) => n + b.numRows, 0));
      expect(tableText(copied.slice(0, 1)).schema).toBe(tableText(source.slice(0, 1)).schema);
      return;
    }
    const a = tableText(copied);
    const b = tableText(source);
    expect(a.schema).toBe(b.schema);
    expect(a.rows).toEqual(b.rows);
  });

  it("runs most of the corpus on the engine (the exact set is not empty by accident)", () => {
    if (process.env.HYGGE_ENGINE_CORPUS_REPORT)
      console.log(
        `ran on DuckDB: ${ran.length}\n${ran.join("\n")}\nfell back: ${fellBack.length}\n${fellBack.join("\n")}`,
      );
    expect(ran.length).toBeGreaterThan(15);
  });
});
