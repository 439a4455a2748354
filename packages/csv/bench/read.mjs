// Measures the csv reader on a generated 1M-row file against DuckDB's read_csv (threads=1), in one
// process run so that the ratio holds under load. Run after `npx tsc -b`: node bench/read.mjs [rows]
// (ROUNDS=n rounds; BENCH=time for date and timestamp columns; CSV_DIST=<dist/index.js> to measure
// another build of this package, an older one for instance).
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { localStorage } from "@hygge/core";

const { csvFormat } = await import(process.env.CSV_DIST ?? "../dist/index.js");

const rows = Number(process.argv[2] ?? 1_000_000);
// BENCH=time: a date, a timestamp and a UTC timestamp column instead.
const time = process.env.BENCH === "time";
const path = join(tmpdir(), `hygge-csv-bench-${time ? "time-" : ""}${rows}.csv`);
const select = time
  ? `SELECT i AS id, DATE '2000-01-01' + (i % 10000)::INT AS d, TIMESTAMP '2000-01-01' + to_microseconds(i * 1234567) AS ts,
       TIMESTAMPTZ '2000-01-01 00:00:00+00' + to_microseconds(i * 7654321) AS tz FROM range(${rows}) t(i)`
  : `SELECT i AS id, 'row ' || i || ' ' || repeat('x', 20) AS s, ((i % 100000) / 100)::DECIMAL(9,2) AS d FROM range(${rows}) t(i)`;
const declared = time
  ? { id: "int64", d: "date", ts: "timestamp[us]", tz: "timestamp[us, UTC]" }
  : { id: "int64", s: "string", d: "decimal(9, 2)" };
const duckTypes = time
  ? "{'id': 'BIGINT', 'd': 'DATE', 'ts': 'TIMESTAMP', 'tz': 'TIMESTAMPTZ'}"
  : "{'id': 'BIGINT', 's': 'VARCHAR', 'd': 'DECIMAL(9,2)'}";
const db = await (await DuckDBInstance.create(":memory:", { threads: "1" })).connect();
if (!existsSync(path))
  await db.run(`SET TimeZone = 'UTC'; COPY (${select}) TO '${path}' (FORMAT csv, HEADER)`);
const { size } = await stat(path);
const key = path.slice(1);
const source = {
  path: key,
  url: path,
  size,
  read: (offset, length) => localStorage.read(key, { offset, length }),
  stream: (signal) => localStorage.stream(key, signal),
  localPath: path,
};
const ctx = {
  signal: new AbortController().signal,
  flow: "bench",
  logger: { debug() {}, info() {}, warn() {} },
};

async function hygge(columns) {
  const options = csvFormat.readOptions.parse(columns ? { columns } : {});
  const t = performance.now();
  const schema = await csvFormat.schema(source, options, ctx);
  let n = 0;
  for await (const b of csvFormat.read(source, schema, options, ctx)) n += b.numRows;
  if (n !== rows) throw new Error(`read ${n} rows`);
  return (performance.now() - t) / 1000;
}
async function duck() {
  const t = performance.now();
  const r = await db.runAndReadAll(
    `SELECT count(*), sum(id), count(COLUMNS(* EXCLUDE (id))) FROM read_csv('${path}', columns = ${duckTypes}, header = true)`,
  );
  r.getRows();
  return (performance.now() - t) / 1000;
}
console.log(
  `${rows} rows, ${(size / 1e6).toFixed(1)} MB, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
  const d = await duck();
  const h = await hygge(declared);
  const i = await hygge(time ? {} : { d: "decimal(9, 2)" }); // the others inferred
  console.log(
    `duckdb ${d.toFixed(2)} s | hygge declared ${h.toFixed(2)} s (${Math.round(rows / h)} rows/s, ${(h / d).toFixed(1)}×) | inferred ${i.toFixed(2)} s (${(i / d).toFixed(1)}×)`,
  );
}
