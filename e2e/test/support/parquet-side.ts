import { existsSync } from "node:fs";
import { mkdir, readdir, rename } from "node:fs/promises";
import path from "node:path";
import { duck, q } from "./duck.js";
import type { Destination, DestinationState, RowsSpec, Source } from "./fault-harness.js";

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

/**
 * What a reader of an entity folder sees: every `.parquet` file under it, sub-folders included, except
 * hygge's bookkeeping folder `.hygge` at its top; anything else a reader would trip over (other files,
 * hidden entries, links) is a stray. A missing folder holds nothing.
 */
export async function publishedFiles(folder: string): Promise<{ files: string[]; strays: string[] }> {
  const files: string[] = [];
  const strays: string[] = [];
  const walk = async (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && dir === folder) return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(folder, full);
      if (dir === folder && entry.name === ".hygge" && entry.isDirectory()) continue;
      if (entry.name.startsWith(".")) strays.push(rel);
      else if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.endsWith(".parquet")) files.push(full);
      else strays.push(rel);
    }
  };
  await walk(folder);
  return { files: files.sort(), strays: strays.sort() };
}

export async function parquetDestination(dir: string): Promise<Destination> {
  const db = await duck();
  return {
    storeYaml: "{ type: parquet, path: ./out }",
    async inspect(entity, below = 0) {
      const folder = path.join(dir, "out", entity);
      const { files, strays } = await publishedFiles(folder);
      const publishGap =
        !existsSync(folder) && existsSync(path.join(dir, "out", ".hygge", entity, "publish.json"));
      // The publish gap only matters when no folder is there (checkAfterKill).
      return {
        ...(await parquetState(db, files, below)),
        strays,
        ...(files.length === 0 ? { publishGap } : {}),
      };
    },
  };
}

/** What DuckDB reads from `files` (every published `.parquet` of an entity), as the fault checks need it. */
export async function parquetState(
  db: Awaited<ReturnType<typeof duck>>,
  files: string[],
  below: number,
): Promise<Omit<DestinationState, "strays" | "publishGap">> {
  if (files.length === 0)
    return {
      n: 0,
      distinctIds: 0,
      minId: null,
      maxId: null,
      maxTs: null,
      sumTs: 0,
      badPayloads: 0,
      below: 0,
    };
  const [s] = await db.rows<Record<string, number | null>>(
    `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS d, min(id)::INT AS mi, max(id)::INT AS ma,
            max(ts)::INT AS mt, coalesce(sum(ts), 0)::DOUBLE AS st,
            count(*) FILTER (WHERE payload IS DISTINCT FROM 'row-' || id)::INT AS bad,
            count(*) FILTER (WHERE id < ${Number(below)})::INT AS below
       FROM read_parquet([${files.map(q).join(", ")}], hive_partitioning = false)`,
  );
  return {
    n: s!.n!,
    distinctIds: s!.d!,
    minId: s!.mi!,
    maxId: s!.ma!,
    maxTs: s!.mt!,
    sumTs: s!.st!,
    badPayloads: s!.bad!,
    below: s!.below!,
  };
}
