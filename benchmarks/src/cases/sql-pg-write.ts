import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, statSync } from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";
import { type Home, runFlow } from "@hygge/core";
import { sequenceBatches } from "@hygge/core/testing";
import sql from "@hygge/sql";
import { RecordBatchReader, RecordBatchStreamWriter } from "apache-arrow";
import type { BenchCase } from "../case.js";
import { benchContext, PG_URL, ROWS } from "./sql-pg-shared.js";

const BATCH = 65_536;
const TABLE = "hygge_bench_write";
const tsvFile = (dir: string) => path.join(dir, "rows.tsv");
const arrowFile = (dir: string) => path.join(dir, "rows.arrows");

/** The prepared rows streamed from an Arrow IPC file: flat memory, no generation cost measured. */
function ipcHome(dir: string): Home {
  return {
    async *read() {
      const reader = await RecordBatchReader.from(createReadStream(arrowFile(dir)));
      for await (const batch of reader) yield batch;
    },
  };
}

async function writeLines(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  for (let start = 0; start < rows; start += BATCH) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + BATCH); i++) text += `${i}\tname-${i}\t${i / 4}\n`;
    if (!out.write(text)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  out.end();
  await finished(out);
}

/** Arrow → PostgreSQL: the postgres store (binary COPY into staging + swap) vs psql \copy of the same rows. */
export const benchCase: BenchCase = {
  name: "sql-pg-write",
  description: `1M narrow rows (bigint, text, double) into PostgreSQL (${new URL(PG_URL).host}): hygge store (full_drop) vs psql \\copy`,
  async prepare(dir, scale) {
    const rows = ROWS * scale;
    if (!existsSync(arrowFile(dir))) {
      const ipc = RecordBatchStreamWriter.throughNode();
      const done = finished(ipc.pipe(createWriteStream(arrowFile(dir))));
      for (let start = 0; start < rows; start += BATCH) {
        ipc.write(sequenceBatches(Math.min(BATCH, rows - start), BATCH, start)[0]!);
      }
      ipc.end();
      await done;
    }
    if (!existsSync(tsvFile(dir))) await writeLines(tsvFile(dir), rows);
  },
  async hygge(dir) {
    const ctx = benchContext(TABLE);
    const store = sql.stores.postgres.create(
      sql.stores.postgres.options.parse({ connection: "bench", table: TABLE }),
      ctx,
    );
    const report = await runFlow({ flow: "bench", entity: TABLE, home: ipcHome(dir), store });
    await ctx.resources.closeAll();
    return { rows: report.rows, bytes: statSync(tsvFile(dir)).size };
  },
  reference: {
    name: "psql \\copy",
    async run(dir) {
      const t = `${TABLE}_ref`;
      const out = execFileSync(
        "psql",
        [
          PG_URL,
          "-X",
          "-q",
          "-t",
          "-v",
          "ON_ERROR_STOP=1",
          "-1",
          "-c",
          `DROP TABLE IF EXISTS ${t}`,
          "-c",
          `CREATE TABLE ${t} (id bigint, name text, amount double precision)`,
          "-c",
          `\\copy ${t} FROM '${tsvFile(dir)}'`,
          "-c",
          `SELECT count(*) FROM ${t}`,
        ],
        { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
      );
      return { rows: Number(out.trim().split("\n").at(-1)), bytes: statSync(tsvFile(dir)).size };
    },
  },
};
