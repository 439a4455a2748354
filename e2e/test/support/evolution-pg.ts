import pg from "pg";
import type { Change } from "./evolution-cases.js";

/**
 * What SQL sees of table <schema>.<flow> after an evolving run (version 1 had rows [0, n1), the
 * change brings rows [n1, n2)): `old` (n1 rows, version 1's columns), `new` (n2 rows, the new or
 * wider column, every value right) or `mix: <why>`; and what the state table says (`old`/`new` by
 * its watermark).
 */
export async function pgView(
  c: pg.Client,
  schema: string,
  flow: string,
  change: Change,
  n1: number,
  n2: number,
) {
  const cols = await c.query<{ column_name: string; data_type: string }>(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
    [schema, flow],
  );
  const types = Object.fromEntries(cols.rows.map((r) => [r.column_name, r.data_type]));
  const t = `"${schema}"."${flow}"`;
  const note = "note" in types;
  const amount = `CASE WHEN id < ${n1} OR ${change !== "widen"} THEN id * 7 ELSE 3000000000 + id END`;
  const r = await c.query<{ n: number; ids: number; bad: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids,
            count(*) FILTER (WHERE ts IS DISTINCT FROM 1000 + id OR name IS DISTINCT FROM 'name-' || id
              OR amount IS DISTINCT FROM ${amount} OR price IS DISTINCT FROM id * 1.25
              ${note ? `OR note IS DISTINCT FROM CASE WHEN id >= ${n1} THEN 'note-' || id END` : ""})::int AS bad
       FROM ${t}`,
  );
  const { n, ids, bad } = r.rows[0]!;
  const evolved = change === "add" ? note : types.amount === "bigint";
  let view = `mix: ${n} rows (${ids} ids, ${bad} wrong), columns ${cols.rows.map((x) => `${x.column_name} ${x.data_type}`).join(", ")}`;
  if (bad === 0 && ids === n && n === n1 && !evolved && types.amount === "integer") view = "old";
  if (bad === 0 && ids === n && n === n2 && evolved) view = "new";
  const s = await c.query<{ wm: string | null }>(
    `SELECT watermark->>'value' AS wm FROM "${schema}".hygge_state WHERE flow = $1`,
    [flow],
  );
  const wm = s.rows[0]?.wm;
  const state = wm === String(1000 + n1 - 1) ? "old" : wm === String(1000 + n2 - 1) ? "new" : `state ${wm}`;
  return { view, state };
}

export async function pgClient(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}
