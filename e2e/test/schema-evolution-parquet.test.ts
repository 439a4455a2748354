import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { hygge } from "./support/cli.js";
import { duck, q } from "./support/duck.js";
import {
  CHANGES,
  type Change,
  expectedRowsSql,
  OUTCOMES,
  POLICIES,
  type Policy,
  V1,
  V1_RECORDED,
  V2,
} from "./support/evolution-cases.js";
import { evolutionProject, writeSource } from "./support/evolution-project.js";
import { hashTree } from "./support/project.js";

// Issue 11: a Parquet source folder that changes between two incremental runs (watermark ts, key
// id) into a Parquet store on local disk, for every change × on_schema_change policy, one flow
// each, all in one project (three CLI runs for the whole matrix). DuckDB reads what hygge wrote.
const N1 = 100; // rows of the first run (version 1)
const N2 = 160; // rows of the source once it changed: the second run reads rows N1..N2-1

interface Case {
  flow: string;
  change: Change;
  policy: Policy;
}
const CASES: Case[] = CHANGES.flatMap((change) =>
  POLICIES.map((policy) => ({ flow: `${change}-${policy}`, change, policy })),
);

type Project = Awaited<ReturnType<typeof evolutionProject>>;
interface FlowJson {
  id: string;
  flow: string;
  status: string;
  rows: number;
  error: { code: string; message: string; hint: string | null } | null;
}
interface DryEntry {
  flow: string;
  schemaChange?: Record<string, { name: string }[]>;
  schemaRefused?: string;
  schemaError?: string;
}

let project: Project;
const db = await duck();
const before = new Map<string, string>();
let dry: Map<string, DryEntry>;
let second: { code: number | null; flows: Map<string, FlowJson> };

beforeAll(async () => {
  project = await evolutionProject(CASES.map((c) => ({ name: c.flow, policy: c.policy })));
  for (const c of CASES) await writeSource(db, project.dir, c.flow, V1, N1);
  const first = await hygge(["go", "--project", project.dir, "--json"]);
  if (first.code !== 0)
    throw new Error(`the first run failed (exit ${first.code}):\n${first.stderr}\n${first.stdout}`);
  for (const c of CASES) await writeSource(db, project.dir, c.flow, V2[c.change], N2);
  // Byte for byte, bookkeeping included, before the run that meets the change.
  for (const c of CASES) before.set(c.flow, hashTree(project.storeDir(c.flow)));
  const dryRun = await hygge(["go", "--project", project.dir, "--dry-run", "--json"]);
  expect(dryRun.code).toBe(0);
  dry = new Map(
    (JSON.parse(dryRun.stdout) as { entities: DryEntry[] }).entities.map((e) => [e.flow, e] as const),
  );
  // The dry run wrote nothing.
  for (const c of CASES) expect(hashTree(project.storeDir(c.flow))).toBe(before.get(c.flow));
  const run = await hygge(["go", "--project", project.dir, "--json"]);
  const summary = JSON.parse(run.stdout) as { flows: FlowJson[] };
  second = { code: run.code, flows: new Map(summary.flows.map((f) => [f.flow, f] as const)) };
}, 120_000);

afterAll(() => db.close());

/** A SchemaChange as { kind: [column names] }, empty kinds left out. */
const changed = (change: Record<string, { name: string }[]> | undefined) =>
  Object.fromEntries(
    Object.entries(change ?? {})
      .map(([k, v]) => [k, v.map((c) => c.name)] as const)
      .filter(([, v]) => v.length > 0),
  );

describe("schema evolution into Parquet on local disk (hygge go, DuckDB union_by_name)", () => {
  it("the first run recorded version 1's columns in every store's state.json", async () => {
    // (checked after the second run for refused flows; here the file of one accepted flow)
    const { state } = await project.state("reorder-fail");
    expect(state.schema).toEqual(V1_RECORDED);
  });

  it("a run with any refused flow exits 1; the others pass", () => {
    const refused = CASES.filter((c) => OUTCOMES[c.change][c.policy].refused);
    expect(second.code).toBe(1);
    expect(refused.length).toBeGreaterThan(0);
    expect(
      [...second.flows.values()]
        .filter((f) => f.status === "fail")
        .map((f) => f.flow)
        .sort(),
    ).toEqual(refused.map((c) => c.flow).sort());
  });

  for (const c of CASES) {
    const outcome = OUTCOMES[c.change][c.policy];
    if (outcome.refused) {
      it(`${c.change} under ${c.policy}: refused, naming the column and types; the store is byte for byte as it was`, async () => {
        const flow = second.flows.get(c.flow)!;
        expect(flow.status).toBe("fail");
        expect(flow.error?.code).toBe("SCHEMA_CHANGE_REFUSED");
        for (const words of outcome.refused!) expect(flow.error?.message).toContain(words);
        // A narrower type is refused by every policy, and the message says so.
        expect(flow.error?.message).toContain(
          c.change === "narrow" ? "no on_schema_change policy accepts" : `on_schema_change: ${c.policy}`,
        );
        expect(flow.error?.message).toContain("Nothing was written");
        expect(flow.error?.hint).toContain("--full-drop");
        expect(hashTree(project.storeDir(c.flow))).toBe(before.get(c.flow));
        const { state } = await project.state(c.flow);
        expect(state.schema).toEqual(V1_RECORDED);
        expect(state.watermark?.value).toBe(String(1000 + N1 - 1));
        const record = await project.lastRecord(c.flow);
        expect({ status: record.status, code: record.error?.code }).toEqual({
          status: "fail",
          code: "SCHEMA_CHANGE_REFUSED",
        });
        // The dry run said so before the run.
        const entry = dry.get(c.flow)!;
        expect(entry.schemaChange).toBeUndefined();
        for (const words of outcome.refused!) expect(entry.schemaRefused).toContain(words);
      });
      continue;
    }
    it(`${c.change} under ${c.policy}: every row once, with its values; state.json records the columns`, async () => {
      const flow = second.flows.get(c.flow)!;
      expect({ status: flow.status, rows: flow.rows, error: flow.error }).toEqual({
        status: "pass",
        rows: N2 - N1,
        error: null,
      });
      const glob = q(project.glob(c.flow));
      const read = `read_parquet(${glob}, union_by_name = true, hive_partitioning = false)`;
      const described = await db.rows<{ column_name: string; column_type: string }>(
        `DESCRIBE SELECT * FROM ${read}`,
      );
      expect(described.map((d) => d.column_name).sort()).toEqual([...outcome.columns!].sort());
      if (c.change === "widen")
        expect(described.find((d) => d.column_name === "amount")?.column_type).toBe("BIGINT");
      const columns = outcome.columns!;
      const actual = `SELECT ${columns.map((n) => `CAST("${n}" AS VARCHAR) AS "${n}"`).join(", ")} FROM ${read}`;
      const expected = expectedRowsSql(columns, V2[c.change], outcome.ignored ?? [], N1, N2);
      const [counts] = await db.rows<{ n: number; ids: number; lo: number; hi: number }>(
        `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids, min(id)::INT AS lo, max(id)::INT AS hi FROM ${read}`,
      );
      expect(counts).toEqual({ n: N2, ids: N2, lo: 0, hi: N2 - 1 });
      const missing = await db.rows(`(${expected}) EXCEPT ALL (${actual}) ORDER BY id LIMIT 5`);
      const extra = await db.rows(`(${actual}) EXCEPT ALL (${expected}) ORDER BY id LIMIT 5`);
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      const { state } = await project.state(c.flow);
      expect((state.schema ?? []).map((s) => `${s.name} ${s.type}`)).toEqual(outcome.target);
      expect(state.watermark?.value).toBe(String(1000 + N2 - 1));
      // The dry run showed the pending change (or none).
      const entry = dry.get(c.flow)!;
      expect(entry.schemaRefused).toBeUndefined();
      expect(entry.schemaError).toBeUndefined();
      expect(changed(entry.schemaChange)).toEqual(outcome.change ?? {});
      // The journal (hygge history) says what changed.
      const record = await project.lastRecord(c.flow);
      expect(record.status).toBe("pass");
      expect(changed(record.schemaChange)).toEqual(outcome.change ?? {});
    });
  }

  it("the refusal on its own: exit 1, the message names column, types and ways out; --full-drop is the way out", async () => {
    const flow = "narrow-append_new_columns";
    const refused = await hygge(["go", "--project", project.dir, "--flow", flow]);
    expect(refused.code).toBe(1);
    const text = refused.stdout + refused.stderr;
    expect(text).toContain("SCHEMA_CHANGE_REFUSED");
    expect(text).toContain('column "price" was decimal(18, 4) and is now decimal(10, 2)');
    expect(text).toContain("CAST(");
    expect(text).toContain("--full-drop");
    expect(hashTree(project.storeDir(flow))).toBe(before.get(flow));
    const rebuilt = await hygge(["go", "--project", project.dir, "--flow", flow, "--full-drop", "--json"]);
    expect(rebuilt.code).toBe(0);
    const read = `read_parquet(${q(project.glob(flow))}, union_by_name = true, hive_partitioning = false)`;
    const described = await db.rows<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT * FROM ${read}`,
    );
    expect(described.find((d) => d.column_name === "price")?.column_type).toBe("DECIMAL(10,2)");
    const [row] = await db.rows<{ n: number; ids: number; bad: number }>(
      `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids,
              count(*) FILTER (WHERE price <> (id * 1.25)::DECIMAL(10, 2))::INT AS bad FROM ${read}`,
    );
    expect(row).toEqual({ n: N2, ids: N2, bad: 0 });
    const { state } = await project.state(flow);
    expect(state.schema?.find((s) => s.name === "price")?.type).toBe("decimal(10, 2)");
  });
});
