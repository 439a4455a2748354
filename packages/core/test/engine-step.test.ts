import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import {
  defineEngine,
  type FlowReport,
  isHyggeError,
  projectJsonSchemas,
  Registry,
  runProject,
  z,
} from "../src/index.js";
import { lines } from "./lines-format.js";

/**
 * The engine step apart from any real engine: `concat` copies `.lines` files by joining their
 * value lines under one header. Its options make it misbehave the ways a native engine could: a
 * wrong header (a schema that does not read back as the source), a failure, rows the boundary
 * rule drops (it ignores `resume`). Each must fall back to the batch loop with the same result.
 */
const concat = defineEngine({
  options: z.strictObject({
    refuse: z.string().optional(),
    header: z.string().optional(),
    fail: z.boolean().default(false),
    ignore_resume: z.boolean().default(false),
  }),
  describe: () => "concat",
  async refuse(copy, o) {
    if (o.refuse) return o.refuse;
    if (copy.resume && !o.ignore_resume && copy.resume.since.kind !== "integer") return "not an integer";
    return undefined;
  },
  async copy(copy, localPath, o) {
    if (o.fail) throw new Error("the engine broke");
    const since = o.ignore_resume ? undefined : copy.resume?.since;
    const seen = new Set(since?.boundaryKeys ?? []);
    const values: string[] = [];
    for (const f of copy.source.files) {
      for (const v of (await readFile(f.localPath, "utf8")).split("\n").filter(Boolean).slice(1)) {
        const keep =
          !since ||
          Number(v) > Number(since.value) ||
          (Number(v) === Number(since.value) && seen.size > 0 && !seen.has(JSON.stringify([Number(v)])));
        if (keep) values.push(v);
      }
    }
    const header = o.header ?? copy.source.schema.fields[0]!.name;
    await writeFile(localPath, `${[header, ...values].join("\n")}\n`, { flag: "wx" });
    return { rows: values.length };
  },
});

const PLUGINS = [
  { name: "test-lines", formats: { lines } },
  { name: "test-concat", engines: { concat } },
];

async function project(files: Record<string, number[]>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hygge-engine-step-"));
  await mkdir(join(dir, "in/t"), { recursive: true });
  for (const [name, values] of Object.entries(files))
    await writeFile(join(dir, "in/t", name), `v\n${values.join("\n")}\n`);
  return dir;
}

async function run(dir: string, flow: Record<string, unknown>, runType?: "incremental"): Promise<FlowReport> {
  const summary = await runProject({
    projectDir: dir,
    plugins: PLUGINS,
    runType,
    project: {
      flows: {
        f: {
          home: { type: "lines", path: "in/{entity}" },
          store: { type: "lines", path: "out" },
          entities: ["t"],
          ...flow,
        },
      },
    },
  });
  const report = summary.flows[0]!;
  if (report.error) throw report.error;
  return report;
}

/** The published values, file by file in name order, and the entity folder's entries. */
async function published(dir: string): Promise<{ files: string[]; values: number[] }> {
  const files = (await readdir(join(dir, "out/t"))).sort();
  const values: number[] = [];
  for (const f of files)
    values.push(
      ...(await readFile(join(dir, "out/t", f), "utf8")).split("\n").filter(Boolean).slice(1).map(Number),
    );
  return { files, values };
}

describe("the engine step", () => {
  it("publishes the engine's one file as the store's own, with the rows in the home's order", async () => {
    const dir = await project({ "a.lines": [3, 1], "b.lines": [2] });
    const report = await run(dir, { engine: "concat" });
    expect(report.engine).toEqual({ type: "concat", ran: true });
    expect(report.rows).toBe(3);
    expect(await published(dir)).toEqual({ files: ["part-0000000001.lines"], values: [3, 1, 2] });
    expect((await readdir(join(dir, "out/.hygge/t"))).filter((e) => e.startsWith("staging"))).toEqual([]);
  });

  const FALLBACKS: [string, Record<string, unknown>, RegExp][] = [
    ["a refusal", { refuse: "not today" }, /^not today$/],
    [
      "a file that does not read back as the source",
      { header: "w" },
      /did not read back as the source \(column "v" is named "w"/,
    ],
    ["a failed copy", { fail: true }, /could not copy: the engine broke/],
  ];
  it.each(FALLBACKS)(
    "falls back on %s, says why, and publishes the batch loop's result only",
    async (_n, options, why) => {
      const dir = await project({ "a.lines": [3, 1], "b.lines": [2] });
      const report = await run(dir, { engine: { type: "concat", ...options } });
      expect(report.engine).toEqual({ type: "concat", ran: false, fallback: expect.stringMatching(why) });
      const out = await published(dir);
      expect(out.values).toEqual([3, 1, 2]);
      expect(out.files).toHaveLength(1);
    },
  );

  it("falls back when the files' columns differ (read by name) and with max_rows_per_file", async () => {
    const dir = await project({ "a.lines": [1] });
    await writeFile(join(dir, "in/t/b.lines"), "w\n2\n");
    const differ = await run(dir, { engine: "concat" });
    expect(differ.engine).toMatchObject({
      ran: false,
      fallback: expect.stringMatching(/the files' columns differ/),
    });
    expect(differ.rows).toBe(2);
    const one = await project({ "a.lines": [1] });
    const report = await run(one, {
      engine: "concat",
      store: { type: "lines", path: "out", max_rows_per_file: 5 },
    });
    expect(report.engine).toMatchObject({
      ran: false,
      fallback: "max_rows_per_file is set (the engine writes one file)",
    });
  });

  it("resumes from the committed watermark: only new rows, the batch loop's watermark, no file without new rows", async () => {
    const dir = await project({ "a.lines": [1, 2, 2] });
    const watermark = { watermark_column: "v", primary_key: "v" };
    const first = await run(dir, { engine: "concat", watermark }, "incremental");
    expect(first.engine?.ran).toBe(true);
    expect(first.watermark).toMatchObject({ value: "2" });
    const none = await run(dir, { engine: "concat", watermark }, "incremental");
    expect([none.engine?.ran, none.rows]).toEqual([true, 0]);
    expect((await published(dir)).files).toHaveLength(1);
    await writeFile(join(dir, "in/t/b.lines"), "v\n3\n2\n");
    const next = await run(dir, { engine: "concat", watermark }, "incremental");
    expect([next.engine?.ran, next.rows, next.watermark?.value]).toEqual([true, 1, "3"]);
    expect((await published(dir)).values).toEqual([1, 2, 2, 3]);
  });

  it("discards a file holding rows the boundary rule drops (an engine ignoring resume), then the batch loop copies", async () => {
    const dir = await project({ "a.lines": [1, 2] });
    const watermark = { watermark_column: "v", primary_key: "v" };
    await run(dir, { engine: "concat", watermark }, "incremental");
    await writeFile(join(dir, "in/t/b.lines"), "v\n5\n");
    const report = await run(
      dir,
      { engine: { type: "concat", ignore_resume: true }, watermark },
      "incremental",
    );
    expect(report.engine).toMatchObject({
      ran: false,
      fallback: expect.stringMatching(/not the ones the boundary rule keeps \(1 of 3\)/),
    });
    expect(report.rows).toBe(1);
    expect((await published(dir)).values).toEqual([1, 2, 5]);
    expect(report.watermark).toMatchObject({ value: "5" });
  });

  it("is configured per flow, defaults or entity: `false` turns it off, options are checked at their key", async () => {
    const dir = await project({ "a.lines": [1] });
    const off = await run(dir, { engine: "concat", entities: [{ name: "t", engine: false }] });
    expect(off.engine).toBeUndefined();
    const bad = await run(dir, { engine: { type: "concat", fail: "yes" } }).catch((e: unknown) => e);
    expect(isHyggeError(bad) && bad.code).toBe("CONFIG_INVALID");
    expect((bad as Error).message).toMatch(/engine\.fail/);
    const unknown = await run(dir, { engine: "concatt" }).catch((e: unknown) => e);
    expect((unknown as Error).message).toMatch(
      /no loaded plugin provides engine type "concatt".*Did you mean "concat"/s,
    );
  });

  it("gives editors the loaded engines and their options in the JSON Schema", () => {
    const { flow } = projectJsonSchemas(new Registry(PLUGINS));
    const engine = (flow.properties as Record<string, { anyOf: unknown[] }>).engine!;
    expect(JSON.stringify(engine.anyOf)).toContain('"enum":["concat"]');
    expect(JSON.stringify(engine.anyOf)).toContain('"ignore_resume"');
  });
});
