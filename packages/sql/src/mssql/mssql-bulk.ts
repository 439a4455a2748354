import type { RecordBatch, Schema } from "apache-arrow";
import { exactDecimalType } from "./mssql-exact-decimal.js";
import { assertExactDecimalsSupported } from "./mssql-tedious-guard.js";
import { mssqlBulkType, mssqlEncoder } from "./mssql-types.js";

type MssqlModule = typeof import("mssql");

/**
 * A batch as an mssql `Table` for `request.bulk()` (the target already exists). Every cell is
 * converted by its type-table row into the JS value tedious carries exactly, or refused with an
 * error naming the column, the value and what to do; nothing is rounded on the way.
 */
export function bulkTable(sql: MssqlModule, name: string, schema: Schema, batch: RecordBatch) {
  const table = new sql.Table(name);
  table.create = false;
  for (const f of schema.fields) {
    const type = mssqlBulkType(sql, f) as { type?: unknown };
    // The exact decimal type relies on tedious internals: checked once against the installed tedious.
    if (type.type === exactDecimalType) assertExactDecimalsSupported();
    table.columns.add(f.name, type as never, { nullable: true });
  }
  const cells = schema.fields.map((f, c) =>
    mssqlEncoder(f, batch.getChildAt(c)!, { column: f.name, table: name }),
  );
  for (let i = 0; i < batch.numRows; i++) table.rows.add(...(cells.map((cell) => cell(i)) as never[]));
  return table;
}
