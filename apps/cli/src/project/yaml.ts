import { HyggeError, isSecretKey } from "@hygge/core";
import { LineCounter, parseDocument } from "yaml";

/** Parses YAML; a syntax error names the file, the line and the column. */
export function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const [first, ...context] = error.message.split("\n").filter((line) => line.trim() !== "");
    const reason = (first ?? "").replace(/ at line \d+, column \d+:?$/, "");
    // The file failed to parse, so its secrets are not known yet: mask values of secret-looking keys.
    const shown = context.map(maskSecretLine);
    throw new HyggeError(
      "CONFIG_INVALID",
      `${where}: invalid YAML: ${reason}${shown.length ? `\n${shown.join("\n")}` : ""}`,
      {
        subject: file,
        hint: pos
          ? `Fix the YAML at line ${pos.line} of ${file} (indentation, a missing ":" or an unclosed quote).`
          : `Fix the YAML syntax of ${file}.`,
      },
    );
  }
  return doc.toJS({ maxAliasCount: 100 }) ?? {};
}

/** `  password: hunter2` → `  password: ***` for a line of YAML shown in an error. */
export function maskSecretLine(line: string): string {
  const m = /^(\s*(?:-\s*)?["']?([A-Za-z_][\w-]*)["']?\s*:\s*)(\S.*)$/.exec(line);
  return m && isSecretKey(m[2]!) ? `${m[1]}***` : line;
}
