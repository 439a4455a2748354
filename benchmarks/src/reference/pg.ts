import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { PG_URL } from "../cases/sql-pg-shared.js";

/** A plain pg client on the benchmark database, with exact float text (as hygge's sessions set). */
export async function pgClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  // PostgreSQL 12+ prints the shortest exact form for any value above 0; 3 is what hygge sets.
  await client.query("SET extra_float_digits = 3");
  return client;
}

/**
 * `COPY (select) TO STDOUT (FORMAT binary)` drained as bytes and dropped: the floor for any reader
 * of these rows (the server's work and the wire, no decoding). Rows are the server's own count.
 */
export async function drainBinaryCopy(select: string): Promise<{ rows: number; bytes: number }> {
  const client = await pgClient();
  try {
    const stream = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`));
    let bytes = 0;
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return { rows: stream.rowCount, bytes };
  } finally {
    await client.end();
  }
}
