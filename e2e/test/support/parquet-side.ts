import { mkdir, readdir, rename } from "node:fs/promises";
import path from "node:path";
import { duck, q } from "./duck.js";
import type { Destination, RowsSpec, Source } from "./fault-harness.js";

export const rowsSql = (r: RowsSpec) =>
  `SELECT (${r.startId} + i)::BIGINT AS id, (${r.baseTs} + (i % 3))::BIGINT AS ts, 'row-' || (${r.startId} + i) AS payload FROM range(${r.count}) t(i)`;

/** Source parquet files under <dir>/src/<entity>/, each published with a rename. */
export async function parquetSource(dir: string): Promise<Source> {
  const db = await duck();
  let files = 0;
  return {
    homeYaml: "{ type: parquet, path: ./src }",
    async add(entity, rows) {
      const folder = path.join(dir, "src", entity);
      await mkdir(folder, { recursive: true });
      const tmp = path.join(dir, `.tmp-${files}.parquet`);
      await db.run(`COPY (${rowsSql(rows)}) TO ${q(tmp)} (FORMAT parquet)`);
      await rename(tmp, path.join(folder, `part-${String(files++).padStart(5, "0")}.parquet`));
    },
  };
}

export async function parquetDestination(dir: string): Promise<Destination> {
  const db = await duck();
  return {
    storeYaml: "{ type: parquet, path: ./out }",
    async inspect(entity) {
      const out = path.join(dir, "out", entity);
      const names = await readdir(out, { withFileTypes: true });
      const strays = names
        .filter((n) => !n.isFile() || !n.name.endsWith(".parquet") || n.name.startsWith("."))
        .map((n) => n.name);
      const [s] = await db.rows<Record<string, number | null>>(
        `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d, min(id)::INT AS mi, max(id)::INT AS ma, max(ts)::INT AS mt
           FROM read_parquet(${q(`${out}/*.parquet`)})`,
      );
      return { n: s!.n!, distinctIds: s!.d!, minId: s!.mi!, maxId: s!.ma!, maxTs: s!.mt!, strays };
    },
  };
}
