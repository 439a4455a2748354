import fs from "node:fs";
import path from "node:path";
import { HyggeError } from "@hygge/core";

/** The file formats of the first-party plugins, by name, with the extensions their files carry. */
export const FORMAT_EXTENSIONS: Record<string, readonly string[]> = {
  parquet: [".parquet"],
  csv: [".csv", ".csv.gz"],
  ndjson: [".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz"],
};

/** Other spellings users type for a format. */
const ALIASES: Record<string, string> = { jsonl: "ndjson", json: "ndjson", pq: "parquet" };

const FORMAT_NAMES = Object.keys(FORMAT_EXTENSIONS).join(", ");

/** `--format` / `--source-format` checked and normalised (`jsonl` → `ndjson`). */
export function formatOption(value: string, flag: string): string {
  const name = value.trim().toLowerCase();
  const format = ALIASES[name] ?? name;
  if (!(format in FORMAT_EXTENSIONS)) {
    throw new HyggeError("USAGE", `${flag} ${value}: unknown file format`, {
      hint: `Use one of ${FORMAT_NAMES}.`,
    });
  }
  return format;
}

/** The format and extension a file name ends with (`orders.csv.gz` → csv, `.csv.gz`), if any. */
export function formatOfName(name: string): { format: string; extension: string } | undefined {
  const lower = name.toLowerCase();
  let best: { format: string; extension: string } | undefined;
  for (const [format, extensions] of Object.entries(FORMAT_EXTENSIONS)) {
    for (const extension of extensions) {
      if (lower.endsWith(extension) && lower.length > extension.length) {
        if (!best || extension.length > best.extension.length) best = { format, extension };
      }
    }
  }
  return best;
}

/**
 * The one format of the files below a local folder (at any depth, hidden and `_` entries skipped,
 * as the file home lists them). Several formats, or none, is a usage error naming the folder.
 */
export function formatOfFolder(folder: string, shown: string): string {
  const found = new Set<string>();
  const walk = (dir: string, depth: number) => {
    if (depth > 8 || found.size > 1) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name.startsWith("_")) continue;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), depth + 1);
      else {
        const f = formatOfName(entry.name);
        if (f) found.add(f.format);
      }
    }
  };
  walk(folder, 0);
  if (found.size === 1) return [...found][0]!;
  const extensions = Object.values(FORMAT_EXTENSIONS).flat().join(", ");
  throw new HyggeError(
    "USAGE",
    found.size === 0
      ? `${shown} holds no file hygge can read (${extensions})`
      : `${shown} holds files of several formats (${[...found].join(", ")})`,
    {
      subject: shown,
      hint:
        found.size === 0
          ? `Give the folder that holds the data files, or name their format with --source-format (${FORMAT_NAMES}).`
          : `Say which to copy with --source-format (${[...found].join(" or ")}), or give a glob such as ${shown}/**/*.${[...found][0]}.`,
    },
  );
}
