import { expect, it } from "@jest/globals";
import { makeHome, projectDir, readContext } from "./home-helpers.js";

const dir = await projectDir("throughput");

// 1M rows of (int64, double, varchar, timestamp, decimal(18,2)); the rate is logged, the data checked.
it("streams 1M rows of five common types, exactly", async () => {
  const query = `select range::BIGINT as id, range / 3 as x, 'name-' || range as name,
    '2024-01-01'::TIMESTAMP + range * interval 1 millisecond as ts, (range * 0.01)::DECIMAL(18,2) as amount
    from range(1000000)`;
  const home = makeHome(dir, { query });
  const started = performance.now();
  let rows = 0;
  let batches = 0;
  let last: Record<string, unknown> | undefined;
  for await (const batch of home.read(readContext())) {
    rows += batch.numRows;
    batches++;
    const i = batch.numRows - 1;
    last = {
      id: batch.getChild("id")!.get(i),
      x: batch.getChild("x")!.get(i),
      name: batch.getChild("name")!.get(i),
      ts: (batch.getChild("ts")!.data[0]!.values as BigInt64Array)[i],
      amount: (batch.getChild("amount")!.data[0]!.values as Uint32Array)[i * 4],
    };
  }
  const seconds = (performance.now() - started) / 1000;
  await home.close();
  console.log(
    `duckdb home: ${rows} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s, ${batches} batches`,
  );
  expect(rows).toBe(1_000_000);
  expect(batches).toBe(Math.ceil(1_000_000 / 65_536));
  expect(last).toEqual({
    id: 999_999n,
    x: 999_999 / 3,
    name: "name-999999",
    ts: 1_704_067_200_000_000n + 999_999_000n,
    amount: 999_999,
  });
});
