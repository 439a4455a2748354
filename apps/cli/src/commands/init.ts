import fs from "node:fs";
import path from "node:path";
import { HyggeError } from "@hygge/core";
import { currentInvocation, hyggeCommand, shellWord } from "../init/next-command.js";
import { SAMPLE_DATA } from "../init/sample-data.js";
import { templateFiles } from "../init/template.js";
import { colorsFor, out } from "../io.js";
import { loadPlugin } from "../plugins/resolve.js";
import { displayPath, PROJECT_FILES } from "../project/find.js";
import { writeSchemas } from "./schema.js";

/** `hygge init [DIR]`: a project with a working example flow and tiny sample data. */
export async function init(dir: string | undefined, options: { force?: boolean }): Promise<number> {
  const root = path.resolve(dir ?? ".");
  const existing = PROJECT_FILES.filter((f) => f !== "package.json").find((f) =>
    fs.existsSync(path.join(root, f)),
  );
  if (existing && !options.force) {
    throw new HyggeError("USAGE", `${displayPath(path.join(root, existing))} already exists`, {
      hint: `This folder is already a hygge project: run it with \`${nextCommand(root)}\`, pick another folder, or pass --force to overwrite the sample files.`,
    });
  }
  const name = path.basename(root).replace(/[^A-Za-z0-9_-]+/g, "-") || "hygge-project";
  const files: Record<string, string | Buffer> = { ...templateFiles(name) };
  for (const [entity, base64] of Object.entries(SAMPLE_DATA)) {
    files[`data/${entity}/${entity}.parquet`] = Buffer.from(base64, "base64");
  }
  const c = colorsFor(process.stdout);
  const written: string[] = [];
  const kept: string[] = [];
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    // Never clobber a user's README or .gitignore when initialising inside an existing folder.
    if (fs.existsSync(file) && !options.force) {
      kept.push(rel);
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    written.push(rel);
  }
  out(`${c.green("✓")} created a hygge project in ${displayPath(root)}`);
  for (const rel of written) out(`  ${rel}`);
  for (const rel of kept) out(c.dim(`  ${rel} (already there, kept)`));
  try {
    const parquet = await loadPlugin("parquet", root);
    for (const file of writeSchemas(path.join(root, ".hygge", "schema"), [parquet.plugin])) {
      out(`  ${path.relative(root, file)}`);
    }
  } catch {
    out(
      c.yellow(
        "The parquet plugin is not installed: run `npm install @hygge/parquet` in the project folder.",
      ),
    );
  }
  out(`\nNext, run the example flow:\n  ${c.bold(nextCommand(root))}`);
  return 0;
}

/** `hygge go` for the new project, in the form that starts this hygge again from here. */
export function nextCommand(root: string): string {
  const where = displayPath(root);
  return `${hyggeCommand(currentInvocation())} go${where === "." ? "" : ` --project ${shellWord(where)}`}`;
}
