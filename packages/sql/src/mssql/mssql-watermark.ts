import { HyggeError } from "@hygge/core";
import { formatDate, formatTimestamp, type TimeUnit } from "../arrow/temporal.js";

/**
 * A bound parameter with its tedious type. Plain strings go as nvarchar (UTF-16, exact), which
 * SQL Server converts to the column's type; numbers are bound typed so that SQL Server never
 * parses them from text: integers as bigint (a JS bigint, exact), floats as float (8 bytes).
 */
export type MssqlParam = string | { readonly mssqlType: "BigInt" | "Float"; readonly value: bigint | number };

export function isTypedParam(value: unknown): value is Exclude<MssqlParam, string> {
  return typeof value === "object" && value !== null && "mssqlType" in value;
}

/** A float watermark as 8 IEEE bytes; mssql would bind NaN as NULL (no row would ever match). */
export function floatParam(value: string): MssqlParam {
  const number = Number(value);
  if (!Number.isFinite(number)) {
    throw new HyggeError(
      "CONFIG_INVALID",
      `the committed float watermark ${value} cannot be compared by SQL Server`,
      {
        hint: "SQL Server floats have no NaN or infinities: run once with --full-drop to reset the watermark.",
      },
    );
  }
  return { mssqlType: "Float", value: number };
}

/** ISO text with up to 7 fraction digits (throws when digits below 100 ns would be lost). */
export function timestampParam(value: string, unit: TimeUnit = "us", zoned = false): string {
  const text = formatTimestamp(BigInt(value), unit, 7, false).replace(" ", "T");
  return zoned ? `${text}+00:00` : text;
}

/** 'YYYY-MM-DD' of a date watermark (days, or ms for Date64). */
export function dateParam(value: string, unit?: TimeUnit): string {
  return unit === "ms"
    ? formatDate(Math.floor(Number(value) / 86_400_000), false)
    : formatDate(Number(value), false);
}
