import { isHyggeError, type Watermark } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { MssqlSession } from "../src/mssql/mssql-session.js";
import { mssqlSql, mssqlWatermarkParam } from "../src/mssql/mssql-sql.js";
import { mssqlReadPlan } from "../src/mssql/mssql-types.js";
import { decodeParameter, mssql, parameterBytes, tedious } from "./mssql-tds.js";

/** The parameters mssql's Request gets from MssqlSession, serialised by tedious and decoded. */
function sent(params: unknown[]) {
  const session = new MssqlSession(mssql, {} as never);
  const request = (
    session as unknown as { request(s: unknown): { parameters: Record<string, any> } }
  ).request({
    text: "SELECT 1",
    params,
  });
  return Object.values(request.parameters).map((p) =>
    decodeParameter(parameterBytes(tedious.TYPES[p.type.name as string]!, p.value)),
  );
}

const since = (kind: Watermark["kind"], value: string, extra: Partial<Watermark> = {}): Watermark => ({
  column: "w",
  kind,
  value,
  ...extra,
});

describe("SQL Server parameters: watermarks and state rows reach tedious exactly", () => {
  it("binds integer watermarks as bigint, never as text or a float", () => {
    const values = ["9007199254740993", "-9223372036854775808", "9223372036854775807"];
    const statements = values.map((v) =>
      mssqlSql.select({ table: { name: "t" } }, undefined, since("integer", v)),
    );
    expect(sent(statements.map((s) => s.params[0]))).toEqual(
      values.map((v) => ({ type: "IntN(8)", value: BigInt(v) })),
    );
  });

  it("binds float watermarks as the 8 IEEE bytes and refuses NaN, which mssql would bind as NULL", () => {
    const values = ["0.30000000000000004", "5e-324", "-1e+300"];
    expect(sent(values.map((v) => mssqlWatermarkParam(since("float", v))))).toEqual(
      values.map((v) => ({ type: "FloatN(8)", value: Number(v) })),
    );
    const error = (() => {
      try {
        mssqlWatermarkParam(since("float", "NaN"));
      } catch (e) {
        return e;
      }
    })();
    expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
  });

  it("binds strings, timestamps and dates as nvarchar: UTF-16 code units as they are, lone surrogates included", () => {
    const params = [
      mssqlWatermarkParam(since("string", "ünï 🚀 \ud800 end")),
      mssqlWatermarkParam(since("timestamp", "-62135596800000000", { unit: "us", timezone: "UTC" })),
      mssqlWatermarkParam(since("timestamp", "1704067200123456700", { unit: "ns" })),
      mssqlWatermarkParam(since("date", "2932896")),
    ];
    expect(sent(params)).toEqual([
      { type: "NVarChar(12)", value: "ünï 🚀 \ud800 end" },
      { type: "NVarChar(25)", value: "0001-01-01T00:00:00+00:00" },
      { type: "NVarChar(27)", value: "2024-01-01T00:00:00.1234567" },
      { type: "NVarChar(10)", value: "9999-12-31" },
    ]);
  });

  it("binds the state row's values as nvarchar (committed_at as ISO text) and null as a typed NULL", () => {
    const upsert = mssqlSql.upsertState(
      { name: "hygge_state" },
      {
        runId: "r1",
        runType: "incremental",
        flow: "flöw 🚀",
        committedAt: "2024-01-01T00:00:00.123Z",
      },
      "[dbo].[t]",
    );
    expect(sent(upsert.params)).toEqual([
      { type: "NVarChar(7)", value: "flöw 🚀" },
      { type: "NVarChar(1)", value: "" },
      { type: "NVarChar(2)", value: "r1" },
      { type: "NVarChar(11)", value: "incremental" },
      { type: "NVarChar(24)", value: "2024-01-01T00:00:00.123Z" },
      { type: "NVarChar(4000)", value: null },
      { type: "NVarChar(9)", value: "[dbo].[t]" },
      { type: "NVarChar(4000)", value: null },
    ]);
  });
});

describe("SQL Server reads: what Arrow cannot hold is refused", () => {
  it("refuses an nvarchar value with a lone surrogate instead of writing U+FFFD", () => {
    const builder = mssqlReadPlan({ name: "note", type: "nvarchar" }).builder(2);
    builder.push("ok 🚀");
    expect(() => builder.push("a\udc00b")).toThrow(
      'column "note" holds a string with a lone UTF-16 surrogate (U+DC00 at position 1), which UTF-8 (Arrow) cannot hold',
    );
  });
});
