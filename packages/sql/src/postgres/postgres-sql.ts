import { type CommitState, HyggeError } from "@hygge/core";
import type { Schema } from "apache-arrow";
import type { SqlGenerator, Statement } from "../dialect.js";
import { stateParams, stripSemicolon } from "../sql-text.js";
import type { TableRef } from "../table-ref.js";
import { pgColumnType, watermarkParam } from "./postgres-type-table.js";

export { watermarkParam };

/** "name" with embedded quotes doubled: config can never break out of an identifier. */
export function pgQuote(identifier: string): string {
  if (identifier.includes("\0")) {
    throw new HyggeError("CONFIG_INVALID", "identifiers may not contain NUL characters", {
      subject: identifier,
    });
  }
  return `"${identifier.replace(/"/g, '""')}"`;
}

const table = (ref: TableRef) =>
  ref.schema ? `${pgQuote(ref.schema)}.${pgQuote(ref.name)}` : pgQuote(ref.name);
const list = (names: readonly string[]) => names.map(pgQuote).join(", ");

export const postgresSql: SqlGenerator = {
  quote: pgQuote,
  table,
  columnType: pgColumnType,
  createTable(ref: TableRef, schema: Schema, primaryKey?: readonly string[]): string {
    const columns = schema.fields.map((f) => `${pgQuote(f.name)} ${pgColumnType(f)}`);
    if (primaryKey && primaryKey.length > 0) columns.push(`PRIMARY KEY (${list(primaryKey)})`);
    return `CREATE TABLE ${table(ref)} (${columns.join(", ")})`;
  },
  createTableLike: (staging, target) => `CREATE TABLE ${table(staging)} (LIKE ${table(target)})`,
  dropTable: (ref) => `DROP TABLE IF EXISTS ${table(ref)}`,
  tableExists: (ref) => ({
    text: "SELECT to_regclass($1) IS NOT NULL AS present",
    params: [table(ref)],
  }),
  listStaging: (schema, prefix) => ({
    text: "SELECT tablename AS name FROM pg_tables WHERE schemaname = coalesce($1, current_schema()) AND starts_with(tablename, $2)",
    params: [schema ?? null, prefix],
  }),
  swap(staging, target, targetExists) {
    const out = targetExists ? [`DROP TABLE ${table(target)}`] : [];
    out.push(`ALTER TABLE ${table(staging)} RENAME TO ${pgQuote(target.name)}`);
    return out;
  },
  merge(staging, target, columns, key) {
    const on = key.map((k) => `t.${pgQuote(k)} = s.${pgQuote(k)}`).join(" AND ");
    const rest = columns.filter((c) => !key.includes(c));
    const out = [
      // The last row of a key within one run wins (ctid follows load order in a fresh table).
      // A window over the key partitions by hashing/sorting: linear-ish, unlike a self-join on
      // IS NOT DISTINCT FROM, which forces a nested loop. NULL keys partition together.
      `DELETE FROM ${table(staging)} WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY ${list(
        key,
      )} ORDER BY ctid DESC) AS hygge_rn FROM ${table(staging)}) AS d WHERE d.hygge_rn > 1)`,
    ];
    if (rest.length > 0) {
      out.push(
        `UPDATE ${table(target)} AS t SET ${rest.map((c) => `${pgQuote(c)} = s.${pgQuote(c)}`).join(", ")} FROM ${table(staging)} AS s WHERE ${on}`,
      );
    }
    out.push(
      `INSERT INTO ${table(target)} (${list(columns)}) SELECT ${columns.map((c) => `s.${pgQuote(c)}`).join(", ")} FROM ${table(staging)} AS s WHERE NOT EXISTS (SELECT 1 FROM ${table(target)} AS t WHERE ${on})`,
    );
    return out;
  },
  addColumn: (ref, name, type) => `ALTER TABLE ${table(ref)} ADD COLUMN ${pgQuote(name)} ${type}`,
  // Every widening hygge accepts has an assignment cast (int → bigint/numeric, real → double,
  // numeric(p,s) → numeric(p',s'), timestamp(p) → timestamp(p')): no USING clause needed.
  alterColumnType: (ref, column, type) =>
    `ALTER TABLE ${table(ref)} ALTER COLUMN ${pgQuote(column.name)} TYPE ${type}`,
  dropColumn: (ref, name) => `ALTER TABLE ${table(ref)} DROP COLUMN ${pgQuote(name)}`,
  allowNulls: (ref, column) => `ALTER TABLE ${table(ref)} ALTER COLUMN ${pgQuote(column.name)} DROP NOT NULL`,
  createStateTable: (ref) =>
    `CREATE TABLE IF NOT EXISTS ${table(ref)} (flow text NOT NULL, entity text NOT NULL, run_id text NOT NULL, run_type text NOT NULL, committed_at timestamptz NOT NULL, watermark jsonb, target text, "schema" jsonb, PRIMARY KEY (flow, entity))`,
  // Checked first: ALTER TABLE would take an exclusive lock on every run even when there is nothing to add.
  migrateStateTable: (ref) =>
    `DO $hygge$ BEGIN IF (SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('${table(
      ref,
    ).replace(
      /'/g,
      "''",
    )}') AND attname IN ('target', 'schema') AND NOT attisdropped) < 2 THEN ALTER TABLE ${table(ref)} ADD COLUMN IF NOT EXISTS target text, ADD COLUMN IF NOT EXISTS "schema" jsonb; END IF; END $hygge$`,
  upsertState: (ref, state: CommitState, target: string) => ({
    text: `INSERT INTO ${table(ref)} (flow, entity, run_id, run_type, committed_at, watermark, target, "schema") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (flow, entity) DO UPDATE SET run_id = EXCLUDED.run_id, run_type = EXCLUDED.run_type, committed_at = EXCLUDED.committed_at, watermark = EXCLUDED.watermark, target = EXCLUDED.target, "schema" = EXCLUDED."schema"`,
    params: stateParams(state, target),
  }),
  selectState: (ref, flow, entity) => ({
    text: `SELECT run_id, run_type, committed_at::text AS committed_at, watermark::text AS watermark, target, "schema"::text AS "schema" FROM ${table(ref)} WHERE flow = $1 AND entity = $2`,
    params: [flow, entity ?? ""],
  }),
  ownsTarget: (state, target, flow, entity) => ({
    text: `SELECT 1 AS owned FROM ${table(state)} WHERE target = coalesce($1, current_schema()) || '.' || $2 OR (target = $2 AND coalesce($1, current_schema()) = current_schema()) OR (target IS NULL AND flow = $3 AND entity = $4) LIMIT 1`,
    params: [target.schema ?? null, target.name, flow, entity ?? ""],
  }),
  describeTable: (ref) => ({
    text: "SELECT attname AS name, format_type(atttypid, atttypmod) AS type, NOT attnotnull AS nullable, (atthasdef OR attidentity <> '' OR attgenerated <> '') AS has_default FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
    params: [table(ref)],
  }),
  // Counted exactly up to 256 MB (the uncorrelated sub-select runs only when the CASE needs it).
  tableSize: (ref) => ({
    text: `SELECT pg_total_relation_size(c.oid)::bigint::text AS bytes, CASE WHEN pg_total_relation_size(c.oid) <= 268435456 THEN (SELECT count(*) FROM ${table(ref)})::text END AS exact, greatest(c.reltuples, 0)::bigint::text AS estimate FROM pg_class c WHERE c.oid = to_regclass($1)`,
    params: [table(ref)],
  }),
  // Code-point orders PostgreSQL itself defines: C/POSIX (libc), ucs_basic, the builtin provider
  // (C, C.UTF-8, PG_UNICODE_FAST). Not libc "C.UTF-8" or ICU: their order is the library's.
  codePointColumn: (ref, column) => ({
    text: `SELECT CASE WHEN c.collname = 'default' THEN (SELECT d.datlocprovider = 'b' OR (d.datlocprovider = 'c' AND d.datcollate IN ('C', 'POSIX')) FROM pg_database d WHERE d.datname = current_database()) ELSE c.collprovider = 'b' OR c.collname IN ('C', 'POSIX', 'ucs_basic') OR (c.collprovider = 'c' AND c.collcollate IN ('C', 'POSIX')) END AS codepoint FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped`,
    params: [table(ref), column],
  }),
  select(source, columns, since, options): Statement {
    const cols = columns ? list(columns) : "*";
    const from = source.table ? table(source.table) : `(${stripSemicolon(source.query!)}) AS hygge_source`;
    if (!since) return { text: `SELECT ${cols} FROM ${from}`, params: [] };
    // Strings compare by code point, as the engine's boundary rule does (a linguistic collation
    // could skip rows the engine considers above the watermark). COLLATE "C" on a column of
    // another collation cannot use its ordinary index (a sequential scan): left out when the
    // column already orders by code point; an index on (column COLLATE "C") serves it otherwise.
    const collate = since.kind === "string" && !options?.codePoint ? ' COLLATE "C"' : "";
    return {
      text: `SELECT ${cols} FROM ${from} WHERE ${pgQuote(since.column)}${collate} >= $1`,
      params: [watermarkParam(since)],
    };
  },
};
