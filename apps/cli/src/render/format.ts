const numberFormat = new Intl.NumberFormat("en-US");

export const formatCount = (n: number): string => numberFormat.format(Math.round(n));

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(ms < 9_995 ? 2 : 1)}s`;
  // Rounded to whole seconds first: 119.6 s is 2m00s, never 1m60s.
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
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

/** A time left, coarse as people read it: "<1s", "42s", "4m05s", "2h03m". */
export function formatEta(ms: number): string {
  const s = Math.ceil(Math.max(0, ms) / 1000);
  if (s < 1) return "<1s";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const ESCAPE = `${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`;
const ANSI = new RegExp(ESCAPE, "g");
const ONE_ESCAPE = new RegExp(`^${ESCAPE}$`);

/** Columns `text` takes on a terminal: escape codes take none (one column per code point). */
export const visibleWidth = (text: string): number => Array.from(text.replace(ANSI, "")).length;

/** `text` in pieces of at most `width` columns each, escape codes kept whole (for a word too long for a line). */
function hardBreak(text: string, width: number): string[] {
  const out: string[] = [];
  let piece = "";
  let used = 0;
  for (const token of text.split(new RegExp(`(${ESCAPE})`))) {
    if (ONE_ESCAPE.test(token)) {
      piece += token;
      continue;
    }
    for (const ch of Array.from(token)) {
      if (used === width) {
        out.push(piece);
        piece = "";
        used = 0;
      }
      piece += ch;
      used += 1;
    }
  }
  if (piece !== "") out.push(piece);
  return out;
}

/**
 * Wraps each line of `text` at spaces to at most `width` columns, never cutting a word (only a
 * word longer than a whole line is broken). Continuation lines are indented two columns past the
 * line's own indent. Nothing is dropped but the spaces a line breaks at.
 */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (visibleWidth(line) <= width) {
      out.push(line);
      continue;
    }
    const lead = /^ */.exec(line)![0];
    const indent = width - lead.length - 2 >= 16 ? `${lead}  ` : "";
    let current = lead;
    let used = lead.length;
    let empty = true; // no word on `current` yet
    for (const word of line.slice(lead.length).split(" ")) {
      const w = visibleWidth(word);
      if (used + (empty ? 0 : 1) + w <= width) {
        current += empty ? word : ` ${word}`;
        used += (empty ? 0 : 1) + w;
        empty = false;
        continue;
      }
      if (!empty) {
        out.push(current);
        current = indent;
        used = indent.length;
        empty = true;
        if (word === "") continue;
        if (used + w <= width) {
          current += word;
          used += w;
          empty = false;
          continue;
        }
      }
      // A word longer than a whole line: broken, as the only way to show all of it.
      // The first piece fills this line; the rest fill whole continuation lines (after the indent).
      const head = hardBreak(word, Math.max(1, width - used))[0] ?? "";
      const rest = word.slice(head.length);
      const pieces = [head, ...(rest ? hardBreak(rest, Math.max(1, width - indent.length)) : [])];
      for (const piece of pieces.slice(0, -1)) {
        out.push(current + piece);
        current = indent;
        used = indent.length;
      }
      const last = pieces.at(-1) ?? "";
      current += last;
      used += visibleWidth(last);
      empty = false;
    }
    out.push(current);
  }
  return out;
}

/**
 * `text` (plain, no escape codes) in at most `width` columns: cut after the last whole word that
 * fits, with "…" (for status text only, never an error: see wrapWords).
 */
export function shortenWords(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  const chars = Array.from(text).slice(0, Math.max(0, width - 1));
  const cut = chars.join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > 0 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** An identifier in at most `width` columns, its middle replaced by "…" (both ends stay readable). */
export function shortenMiddle(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  if (width <= 1) return "…".slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  return `${chars.slice(0, head).join("")}…${chars.slice(chars.length - (width - 1 - head)).join("")}`;
}
