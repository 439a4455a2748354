// NDJSON read benchmark: hygge's reader vs DuckDB's read_json (threads=1) on the same file.
// Usage (after `npx tsc -b`): node bench/read.mjs [rows=200000] [kind=plain|big]
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { localStorage } from "@hygge/core";

// BENCH_DIST: another build of this package to compare with (e.g. one of an older commit).
const { ndjsonFormat } = await import(process.env.BENCH_DIST ?? "../dist/index.js");

const rows = Number(process.argv[2] ?? 200_000);
const kind = process.argv[3] ?? "plain";
const dir = await mkdtemp(join(tmpdir(), "hygge-bench-"));
const path = join(dir, "data.ndjson");
let lines = [];
for (let i = 0; i < rows; i++) {
  const row =
    kind === "big"
      ? `{"id":${9007199254740993n + BigInt(i)},"name":"user ${i}","amount":${(i % 100000) / 100},"active":${i % 3 === 0}}`
      : `{"id":${i},"name":"user ${i}","amount":${(i % 100000) / 100},"active":${i % 3 === 0}}`;
  lines.push(row);
}
await writeFile(path, `${lines.join("\n")}\n`);
lines = undefined; // not kept alive: a large live heap would slow the reader's garbage collection
const { size } = await stat(path);
const key = path.slice(1);
const source = {
  path: key,
  url: path,
  size,
  read: (offset, length) => localStorage.read(key, { offset, length }),
  stream: (signal) => localStorage.stream(key, signal),
};
const ctx = {
  signal: new AbortController().signal,
  flow: "bench",
  logger: { debug() {}, info() {}, warn() {} },
};
const opts = ndjsonFormat.readOptions.parse({});

async function hygge() {
  const schema = await ndjsonFormat.schema(source, opts, ctx);
  let n = 0;
  for await (const b of ndjsonFormat.read(source, schema, opts, ctx)) n += b.numRows;
  if (n !== rows) throw new Error(`read ${n} rows`);
}
const db = await (await DuckDBInstance.create(":memory:", { threads: "1" })).connect();
async function duck() {
  const r = await db.runAndReadAll(
    `SELECT count(*), sum(id), sum(length(name)), sum(amount), count(*) FILTER (active) FROM read_json('${path}')`,
  );
  if (Number(r.getRows()[0][0]) !== rows) throw new Error("duckdb count");
}
// Best of 5, as CPU time (user + system, all threads) and as wall time: the machine may be
// shared, and wall time then also measures the neighbours.
async function time(f) {
  let cpu = Infinity;
  let wall = Infinity;
  for (let k = 0; k < 5; k++) {
    const t = process.cpuUsage();
    const w = performance.now();
    await f();
    wall = Math.min(wall, performance.now() - w);
    const u = process.cpuUsage(t);
    cpu = Math.min(cpu, (u.user + u.system) / 1000);
  }
  return { cpu, wall };
}
const h = await time(hygge);
// BENCH_HYGGE_ONLY=1: for profiles of hygge's side alone.
const d = process.env.BENCH_HYGGE_ONLY ? { cpu: Number.NaN, wall: Number.NaN } : await time(duck);
const ms = (x) => `${x.cpu.toFixed(0)} ms CPU / ${x.wall.toFixed(0)} ms wall`;
console.log(
  `${rows} rows (${kind}, ${(size / 1e6).toFixed(1)} MB): hygge ${ms(h)}, duckdb ${ms(d)}, ratio ${(h.cpu / d.cpu).toFixed(1)}x CPU / ${(h.wall / d.wall).toFixed(1)}x wall`,
);
db.closeSync();
await rm(dir, { recursive: true, force: true });
