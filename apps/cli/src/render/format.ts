const numberFormat = new Intl.NumberFormat("en-US");

export const formatCount = (n: number): string => numberFormat.format(Math.round(n));

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, "0")}s`;
}

export function formatRate(rows: number, ms: number): string {
  if (ms <= 0) return "-";
  return formatCount((rows * 1000) / ms);
}

/** A timestamp for plain (non-terminal) output lines. */
export const timestamp = (date = new Date()): string => date.toISOString();

/** Pads cells into aligned columns (plain ASCII widths; colours are added by the caller per cell). */
export function table(
  rows: string[][],
  align: ("l" | "r")[],
  style?: (cell: string, row: number, col: number) => string,
): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length)));
  return rows.map((row, r) =>
    row
      .map((cell, col) => {
        const padded = align[col] === "r" ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!);
        return style ? style(padded, r, col) : padded;
      })
      .join("  ")
      .trimEnd(),
  );
}
