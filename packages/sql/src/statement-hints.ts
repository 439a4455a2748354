/**
 * What to do about a statement the server rejected, by PostgreSQL SQLSTATE or SQL Server error
 * number: the errors a user's `query:`, `table:` or grants cause, not hygge's own statements.
 */
const PG: Record<string, string> = {
  "42601": "Fix the SQL of `query:` (it runs as written; try it in psql first).",
  "42P01":
    "Check the table name, its schema, and the connection's database (`hygge discover <connection>` lists what it holds).",
  "42703":
    "A column named in `query:`, `columns:` or the watermark does not exist: check its spelling and case.",
  "42883": "A function or operator in `query:` does not exist for these types: add a cast.",
  "42501": "The connection's user lacks a privilege on this object: GRANT it, or connect as another user.",
  "3F000": "The schema does not exist: check the schema part of `table:`.",
};
const MSSQL: Record<number, string> = {
  102: "Fix the SQL of `query:` (it runs as written; try it in sqlcmd or SSMS first).",
  156: "Fix the SQL of `query:` (it runs as written; try it in sqlcmd or SSMS first).",
  208: "Check the table name, its schema, and the connection's database (`hygge discover <connection>` lists what it holds).",
  207: "A column named in `query:`, `columns:` or the watermark does not exist: check its spelling.",
  229: "The connection's user lacks a permission on this object: GRANT it, or connect as another user.",
  230: "The connection's user lacks a permission on a column: GRANT it, or leave the column out.",
};

export function statementHint(code: string | undefined, number: number | undefined): string | undefined {
  if (code !== undefined && code in PG) return PG[code];
  if (number !== undefined && number in MSSQL) return MSSQL[number];
  return undefined;
}
