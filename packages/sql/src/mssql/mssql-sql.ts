import { type CommitState, HyggeError } from "@hygge/core";
import type { Schema } from "apache-arrow";
import type { DeclaredColumn, SqlGenerator, Statement } from "../dialect.js";
import { stateParams, stripSemicolon } from "../sql-text.js";
import type { TableRef } from "../table-ref.js";
import { mssqlColumnType, mssqlWatermarkParam } from "./mssql-types.js";

export { mssqlWatermarkParam };

/** [name] with embedded ] doubled: config can never break out of an identifier. */
export function mssqlQuote(identifier: string): string {
  if (identifier.includes("\0") || identifier.length > 128) {
    throw new HyggeError("CONFIG_INVALID", "SQL Server identifiers are 1–128 characters without NUL", {
      subject: identifier,
    });
  }
  return `[${identifier.replace(/\]/g, "]]")}]`;
}

const table = (ref: TableRef) =>
  ref.schema ? `${mssqlQuote(ref.schema)}.${mssqlQuote(ref.name)}` : mssqlQuote(ref.name);
const list = (names: readonly string[]) => names.map(mssqlQuote).join(", ");
/** A Unicode string literal (only ever of identifiers hygge quoted itself). */
const literal = (text: string) => `N'${text.replace(/'/g, "''")}'`;

const DECLARED_TYPE =
  "TYPE_NAME(c.user_type_id) + CASE WHEN c.user_type_id <> c.system_type_id THEN '' " +
  "WHEN TYPE_NAME(c.system_type_id) IN ('decimal', 'numeric') THEN '(' + CAST(c.precision AS varchar(3)) + ',' + CAST(c.scale AS varchar(3)) + ')' " +
  "WHEN TYPE_NAME(c.system_type_id) IN ('varchar', 'char', 'varbinary', 'binary') THEN '(' + CASE WHEN c.max_length = -1 THEN 'max' ELSE CAST(c.max_length AS varchar(5)) END + ')' " +
  "WHEN TYPE_NAME(c.system_type_id) IN ('nvarchar', 'nchar') THEN '(' + CASE WHEN c.max_length = -1 THEN 'max' ELSE CAST(c.max_length / 2 AS varchar(5)) END + ')' " +
  "WHEN TYPE_NAME(c.system_type_id) IN ('datetime2', 'time', 'datetimeoffset') THEN '(' + CAST(c.scale AS varchar(2)) + ')' ELSE '' END";

/** ALTER COLUMN with the column's collation kept when the new type is text. */
function alterColumn(
  ref: TableRef,
  name: string,
  type: string,
  column: DeclaredColumn,
  nullable: boolean,
): string {
  if (column.collation && !/^\w+$/.test(column.collation))
    throw new HyggeError("SCHEMA_MISMATCH", `column "${name}" has an unexpected collation name`, {
      subject: column.collation,
    });
  const collate = column.collation && /char|text/i.test(type) ? ` COLLATE ${column.collation}` : "";
  return `ALTER TABLE ${table(ref)} ALTER COLUMN ${mssqlQuote(name)} ${type}${collate} ${nullable ? "NULL" : "NOT NULL"}`;
}

export const mssqlSql: SqlGenerator = {
  quote: mssqlQuote,
  table,
  columnType: mssqlColumnType,
  createTable(ref: TableRef, schema: Schema, primaryKey?: readonly string[]): string {
    const key = new Set(primaryKey ?? []);
    const columns = schema.fields.map(
      (f) => `${mssqlQuote(f.name)} ${mssqlColumnType(f)} ${key.has(f.name) ? "NOT NULL" : "NULL"}`,
    );
    if (key.size > 0) columns.push(`PRIMARY KEY (${list([...key])})`);
    return `CREATE TABLE ${table(ref)} (${columns.join(", ")})`;
  },
  createTableLike: (staging, target) => `SELECT TOP (0) * INTO ${table(staging)} FROM ${table(target)}`,
  dropTable: (ref) => `DROP TABLE IF EXISTS ${table(ref)}`,
  tableExists: (ref) => ({
    text: "SELECT CASE WHEN OBJECT_ID(@p1, 'U') IS NULL THEN 0 ELSE 1 END AS present",
    params: [table(ref)],
  }),
  listStaging: (schema, prefix) => ({
    text: "SELECT name FROM sys.tables WHERE schema_id = SCHEMA_ID(COALESCE(@p1, SCHEMA_NAME())) AND LEFT(name, LEN(@p2)) = @p2",
    params: [schema ?? null, prefix],
  }),
  swap(staging, target, targetExists) {
    const out: (string | Statement)[] = targetExists ? [`DROP TABLE ${table(target)}`] : [];
    // sp_rename takes the old name qualified and quoted, the new name bare.
    out.push({ text: "EXEC sp_rename @p1, @p2, 'OBJECT'", params: [table(staging), target.name] });
    return out;
  },
  merge(staging, target, columns, key) {
    const on = key.map((k) => `t.${mssqlQuote(k)} = s.${mssqlQuote(k)}`).join(" AND ");
    const rest = columns.filter((c) => !key.includes(c));
    const update =
      rest.length > 0
        ? ` WHEN MATCHED THEN UPDATE SET ${rest.map((c) => `t.${mssqlQuote(c)} = s.${mssqlQuote(c)}`).join(", ")}`
        : "";
    return [
      `MERGE INTO ${table(target)} WITH (HOLDLOCK) AS t USING ${table(staging)} AS s ON (${on})${update} WHEN NOT MATCHED BY TARGET THEN INSERT (${list(columns)}) VALUES (${columns.map((c) => `s.${mssqlQuote(c)}`).join(", ")});`,
    ];
  },
  addColumn: (ref, name, type) => `ALTER TABLE ${table(ref)} ADD ${mssqlQuote(name)} ${type} NULL`,
  // ALTER COLUMN restates everything: nullability (else it follows ANSI_NULL_DFLT) and the
  // collation of a text column (else it becomes the database's default).
  alterColumnType: (ref, column, type) => alterColumn(ref, column.name, type, column, column.nullable),
  dropColumn: (ref, name) => `ALTER TABLE ${table(ref)} DROP COLUMN ${mssqlQuote(name)}`,
  allowNulls: (ref, column) => alterColumn(ref, column.name, column.type, column, true),
  createStateTable: (ref) =>
    `IF OBJECT_ID(${literal(table(ref))}, 'U') IS NULL CREATE TABLE ${table(ref)} (flow nvarchar(400) NOT NULL, entity nvarchar(400) NOT NULL, run_id nvarchar(100) NOT NULL, run_type nvarchar(20) NOT NULL, committed_at datetimeoffset(3) NOT NULL, watermark nvarchar(max) NULL, target nvarchar(400) NULL, [schema] nvarchar(max) NULL, PRIMARY KEY (flow, entity))`,
  // COL_LENGTH first: ALTER TABLE would take a schema-modification lock even with nothing to add.
  migrateStateTable: (ref) =>
    `IF COL_LENGTH(${literal(table(ref))}, 'target') IS NULL ALTER TABLE ${table(ref)} ADD target nvarchar(400) NULL; IF COL_LENGTH(${literal(table(ref))}, 'schema') IS NULL ALTER TABLE ${table(ref)} ADD [schema] nvarchar(max) NULL`,
  upsertState: (ref, state: CommitState, target: string) => ({
    text: `MERGE INTO ${table(ref)} WITH (HOLDLOCK) AS t USING (SELECT @p1 AS flow, @p2 AS entity) AS s ON (t.flow = s.flow AND t.entity = s.entity) WHEN MATCHED THEN UPDATE SET run_id = @p3, run_type = @p4, committed_at = @p5, watermark = @p6, target = @p7, [schema] = @p8 WHEN NOT MATCHED THEN INSERT (flow, entity, run_id, run_type, committed_at, watermark, target, [schema]) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8);`,
    params: stateParams(state, target),
  }),
  selectState: (ref, flow, entity) => ({
    text: `SELECT run_id, run_type, CONVERT(varchar(40), committed_at, 127) AS committed_at, watermark, target, [schema] FROM ${table(ref)} WHERE flow = @p1 AND entity = @p2`,
    params: [flow, entity ?? ""],
  }),
  ownsTarget: (state, target, flow, entity) => ({
    text: `SELECT TOP (1) 1 AS owned FROM ${table(state)} WHERE target = COALESCE(@p1, SCHEMA_NAME()) + N'.' + @p2 OR (target = @p2 AND COALESCE(@p1, SCHEMA_NAME()) = SCHEMA_NAME()) OR (target IS NULL AND flow = @p3 AND entity = @p4)`,
    params: [target.schema ?? null, target.name, flow, entity ?? ""],
  }),
  // The type as declared (ALTER COLUMN restates it): length, precision and scale; alias types by name.
  describeTable: (ref) => ({
    text: `SELECT c.name, ${DECLARED_TYPE} AS type, c.is_nullable AS nullable, CAST(CASE WHEN c.default_object_id <> 0 OR c.is_identity = 1 OR c.is_computed = 1 THEN 1 ELSE 0 END AS bit) AS has_default, c.collation_name AS collation FROM sys.columns c WHERE c.object_id = OBJECT_ID(@p1) ORDER BY c.column_id`,
    params: [table(ref)],
  }),
  // sys.partitions: cheap on any size (row counts maintained by the engine, not a scan).
  tableSize: (ref) => ({
    text: "SELECT CAST(SUM(a.total_pages) * 8192 AS varchar(30)) AS bytes, NULL AS exact, CAST((SELECT SUM(p2.rows) FROM sys.partitions p2 WHERE p2.object_id = OBJECT_ID(@p1) AND p2.index_id IN (0, 1)) AS varchar(30)) AS estimate FROM sys.partitions p JOIN sys.allocation_units a ON a.container_id = p.partition_id WHERE p.object_id = OBJECT_ID(@p1)",
    params: [table(ref)],
  }),
  select(source, columns, since): Statement {
    const cols = columns ? list(columns) : "*";
    const from = source.table ? table(source.table) : `(${stripSemicolon(source.query!)}) AS hygge_source`;
    if (!since) return { text: `SELECT ${cols} FROM ${from}`, params: [] };
    return {
      text: `SELECT ${cols} FROM ${from} WHERE ${
        since.kind === "string"
          ? stringSince(mssqlQuote(since.column), String(since.value))
          : `${mssqlQuote(since.column)} >= @p1`
      }`,
      params: [mssqlWatermarkParam(since)],
    };
  },
};

/**
 * `column >= @p1` for a string watermark, as a superset of the rows the engine keeps (it compares
 * again, by Unicode code point). A binary collation compares nvarchar by UTF-16 code unit, which
 * agrees with code-point order except where a supplementary character (a surrogate pair, D800–DBFF
 * first) meets U+E000–U+FFFF: code points put the supplementary character after, code units
 * before. So when the watermark holds a character in U+E000–U+FFFF, values holding a surrogate are
 * selected too. COLLATE on a varchar would first re-encode it into code page 1252 ('?' for what
 * 1252 lacks), so the column is converted to nvarchar with its own code page before. SQL Server
 * pads the shorter side with spaces, so a value that extends the watermark with a character below
 * U+0020 ('abc' + TAB after 'abc') would compare lower: values starting with the watermark are
 * selected too.
 */
function stringSince(column: string, since: string): string {
  const text = `CONVERT(nvarchar(max), ${column}) COLLATE Latin1_General_BIN2`;
  const clauses = [`${text} >= @p1`, `SUBSTRING(${text}, 1, DATALENGTH(@p1) / 2) = @p1`];
  if (/[\uE000-\uFFFF]/.test(since)) {
    clauses.push(`PATINDEX(N'%[' + NCHAR(55296) + N'-' + NCHAR(56319) + N']%', ${text}) > 0`);
  }
  return `(${clauses.join(" OR ")})`;
}
