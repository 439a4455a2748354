import { DuckDBInstance } from "@duckdb/node-api";

/** DuckDB as the independent reader of what hygge wrote. */
export async function duck() {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  return {
    async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as T[];
    },
    async run(sql: string): Promise<void> {
      await connection.run(sql);
    },
    close() {
      connection.closeSync();
    },
  };
}

export const q = (text: string) => `'${text.replaceAll("'", "''")}'`;
