import { existsSync } from "node:fs";
import path from "node:path";
import type { duck } from "./duck.js";
import { q } from "./duck.js";
import { type Change, type Columns, expectedRowsSql, V1, V2 } from "./evolution-cases.js";
import { publishedFiles } from "./parquet-side.js";

/**
 * What a reader of a Parquet entity folder sees after an evolving run was killed: `old` (version 1's
 * rows [0, n1), version 1's columns and types), `new` (rows [0, n2), the new rows in version 2's
 * columns), `gap` (the documented instant of a folder-swap publish: no folder, the commit record in
 * place), or `mix: <why>` for anything else.
 */
export async function parquetView(
  db: Awaited<ReturnType<typeof duck>>,
  dataDir: string,
  intentFile: string,
  change: Change,
  n1: number,
  n2: number,
): Promise<{ view: string; strays: string[] }> {
  const { files, strays } = await publishedFiles(dataDir);
  if (files.length === 0)
    return {
      view: !existsSync(dataDir) && existsSync(intentFile) ? "gap" : "mix: no published file",
      strays,
    };
  const read = `read_parquet([${files.map(q).join(", ")}], union_by_name = true, hive_partitioning = false)`;
  const described = await db.rows<{ column_name: string; column_type: string }>(
    `DESCRIBE SELECT * FROM ${read}`,
  );
  const columns = described.map((d) => d.column_name);
  const types = Object.fromEntries(described.map((d) => [d.column_name, d.column_type]));
  /** The folder holds exactly `names`: rows [0, n1) of version 1 and rows [n1, n) of `version`. */
  const matches = async (names: string[], version: Columns, n: number) => {
    if ([...names].sort().join() !== [...columns].sort().join()) return false;
    const actual = `SELECT ${names.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(", ")} FROM ${read}`;
    const expected = expectedRowsSql(names, version, [], n1, n);
    const [diff] = await db.rows<{ n: number }>(
      `SELECT (SELECT count(*) FROM ((${actual}) EXCEPT ALL (${expected})))::INT
            + (SELECT count(*) FROM ((${expected}) EXCEPT ALL (${actual})))::INT AS n`,
    );
    return diff!.n === 0;
  };
  if (
    types.amount === "INTEGER" &&
    (await matches(
      V1.map(([c]) => c),
      V1,
      n1,
    ))
  )
    return { view: "old", strays };
  // The new rows in version 2's columns, over the old rows (null where a version lacks a column).
  const v2 = V2[change];
  const union = [...new Set([...V1, ...v2].map(([c]) => c))];
  const wantAmount = change === "widen" ? "BIGINT" : "INTEGER";
  if (types.amount === wantAmount && (await matches(union, v2, n2))) return { view: "new", strays };
  const [count] = await db.rows<{ n: number; ids: number }>(
    `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids FROM ${read}`,
  );
  return {
    view: `mix: ${count!.n} rows (${count!.ids} ids), columns ${described.map((d) => `${d.column_name} ${d.column_type}`).join(", ")}`,
    strays,
  };
}

export const intentPath = (storeDir: string) => path.join(storeDir, ".hygge", "t", "publish.json");
