// Regenerates the quickstart's sample data (committed, so a fresh clone needs no step):
//   node samples/quickstart/generate.mjs
// Deterministic: the same files every time. Needs @duckdb/node-api (a dev dependency of the repo).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";

const here = path.dirname(fileURLToPath(import.meta.url));
const tables = {
  customers: `SELECT i::BIGINT AS customer_id, 'customer ' || i AS name,
      ['DK','SE','NO','FI','DE','NL','US','GB'][1 + i % 8] AS country,
      DATE '2020-01-01' + (i * 3)::INTEGER AS signed_up, i % 7 = 0 AS newsletter
    FROM range(1, 1001) t(i)`,
  products: `SELECT i::INTEGER AS product_id, 'product ' || i AS title,
      ['mugs','candles','blankets','books','tea'][1 + i % 5] AS category,
      (4.5 + (i % 40) * 1.25)::DECIMAL(9,2) AS price
    FROM range(1, 201) t(i)`,
  orders: `SELECT i::BIGINT AS order_id, (1 + (i * 7919) % 1000)::BIGINT AS customer_id,
      (1 + (i * 31) % 200)::INTEGER AS product_id, (1 + i % 4)::SMALLINT AS quantity,
      TIMESTAMP '2024-01-01 08:00:00' + INTERVAL (i * 97) SECOND AS ordered_at,
      CASE WHEN i % 50 = 0 THEN NULL ELSE 'card' END AS payment
    FROM range(1, 50001) t(i)`,
};

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
for (const [name, sql] of Object.entries(tables)) {
  const dir = path.join(here, "data", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.parquet`);
  await con.run(
    `COPY (${sql} ORDER BY 1) TO '${file}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)`,
  );
  console.log(`wrote ${path.relative(process.cwd(), file)} (${fs.statSync(file).size} bytes)`);
}
