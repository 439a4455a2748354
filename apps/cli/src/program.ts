import fs from "node:fs";
import { Command, CommanderError, Option } from "commander";
import type { CopyOptions } from "./commands/copy.js";
import type { DebugOptions } from "./commands/debug.js";
import type { DiscoverOptions } from "./commands/discover.js";
import type { GoOptions } from "./commands/go.js";
import { EXIT } from "./exit-codes.js";

const version = (): string =>
  (JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
    .version;

const collect = (value: string, previous: string[] = []) => [...previous, value];

const EXIT_HELP = `
Exit codes: 0 every flow passed, 1 a flow failed, 2 configuration or usage error,
130/143 interrupted by SIGINT/SIGTERM (destinations are left as they were).`;

/** Builds the `hygge` command line; each action resolves to an exit code. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("hygge")
    .description("Move data in batches from where it lives (homes) to where it settles (stores).")
    .version(version(), "-V, --version")
    .showSuggestionAfterError(true)
    .addHelpText("after", EXIT_HELP)
    .exitOverride();
  const run =
    <A extends unknown[]>(
      action: (...args: A) => Promise<number>,
      flags: (...args: A) => { json?: boolean; verbose?: boolean },
    ) =>
    async (...args: A) => {
      // Commands load lazily: `--help` and `--version` never pay for @hygge/core and apache-arrow.
      const { reportError } = await import("./exit.js");
      (await import("./io.js")).installRedaction();
      try {
        setExit(await action(...args));
      } catch (error) {
        setExit(reportError(error, flags(...args)));
      }
    };
  const project = () =>
    new Option("-p, --project <dir>", "project folder or file (default: search upward from here)");

  program
    .command("init")
    .description("create a project with a working example flow and tiny sample data")
    .argument("[dir]", "folder to create the project in", ".")
    .option("--force", "write the sample files even if the folder already holds a project")
    .action(
      run(
        async (dir: string, opts: { force?: boolean }) =>
          (await import("./commands/init.js")).init(dir, opts),
        () => ({}),
      ),
    );

  program
    .command("go")
    .description("run every flow of the project (or the selected ones)")
    .addOption(project())
    .option("-f, --flow <name>", "run only this flow (repeatable, or a comma list)", collect)
    .option("-e, --entity <flow.entity>", "run only this entity (repeatable, or a comma list)", collect)
    .addOption(new Option("--incremental", "run every selected entity incrementally").conflicts("fullDrop"))
    .addOption(new Option("--full-drop", "reload every selected entity completely").conflicts("incremental"))
    .option("-c, --concurrency <n>", "entities run at once (default: options.concurrency or 4)")
    .option("--var <flow.NAME.key=value>", "override a setting for this run (repeatable)", collect)
    .option("-n, --dry-run", "print what would run; open, read and write nothing")
    .option("--json", "print a machine-readable summary on stdout (progress goes to stderr)")
    .addOption(
      new Option("-v, --verbose", "more detail: plugin logs, progress every second").conflicts("quiet"),
    )
    .addOption(new Option("-q, --quiet", "no progress; print the summary only when something failed"))
    .addHelpText("after", EXIT_HELP)
    .action(
      run(
        async (o: GoOptions) => (await import("./commands/go.js")).go(o),
        (o) => o,
      ),
    );

  program
    .command("history")
    .description("show recent entity runs from the project's journal, newest first")
    .argument("[filter]", "FLOW or FLOW.ENTITY")
    .addOption(project())
    .option("-l, --limit <n>", "how many runs to show", "20")
    .option("--json", "print the records as JSON")
    .action(
      run(
        async (filter: string | undefined, o: { project?: string; limit?: string; json?: boolean }) =>
          (await import("./commands/history.js")).history(filter, o),
        (_f, o) => o,
      ),
    );

  program
    .command("debug")
    .description("check, before a run, what the run would fail on: sources, queries, types, destinations")
    .addOption(project())
    .option("-f, --flow <name>", "check only this flow (repeatable, or a comma list)", collect)
    .option("-e, --entity <flow.entity>", "check only this entity (repeatable, or a comma list)", collect)
    .option("--var <flow.NAME.key=value>", "override a setting, as for go (repeatable)", collect)
    .option("-v, --verbose", "also list entities whose types have no check")
    .addHelpText(
      "after",
      "\nExit codes: 0 no problem found, 1 problems found, 2 configuration or usage error.",
    )
    .action(
      run(
        async (o: DebugOptions) => (await import("./commands/debug.js")).debug(o),
        (o) => o,
      ),
    );

  program
    .command("discover")
    .description("list what a connection, flow home or folder holds: tables or entity folders, rows, columns")
    .argument("<source>", "a connection name, a flow name (its home), or a folder path")
    .argument("[patterns...]", 'entity patterns, e.g. "sales.*" "!sales.tmp_*"')
    .addOption(project())
    .option("--columns", "also list each entity's columns and whether hygge can read them")
    .option("--format <format>", "file format of a folder (default: from the file extensions)")
    .option("--json", "print the entities as JSON")
    .action(
      run(
        async (source: string, patterns: string[], o: DiscoverOptions) =>
          (await import("./commands/discover.js")).discover(source, patterns, o),
        (_s, _p, o) => o,
      ),
    );

  program
    .command("copy")
    .description("copy one table or file set without a project, with the same engine and guarantees")
    .argument(
      "<from>",
      "postgres://…/db?table=schema.table, mssql://…, a folder or file path, s3://bucket/prefix",
    )
    .argument("<to>", "a folder path, s3://bucket/prefix, az://container/prefix, postgres://…/db?table=…")
    .option(
      "--format <format>",
      "file format of the destination (parquet, csv, ndjson; default: the source's format, or parquet)",
    )
    .option("--source-format <format>", "file format of the source (default: from the file extensions)")
    .addOption(
      new Option("--run-type <type>", "full_drop, incremental or merge").choices([
        "full_drop",
        "incremental",
        "merge",
      ]),
    )
    .option("--watermark <column>", "the watermark column (implies --run-type incremental)")
    .option("--primary-key <columns>", "key columns (comma list) for merge and watermark boundaries")
    .option("--state <dir>", "where the copy's journal and watermark live (default: ./.hygge-copy)")
    .option(
      "--replace-existing",
      "let the first full_drop replace a table or folder hygge did not publish (default: refuse)",
    )
    .option("-n, --dry-run", "print what would run; open, read and write nothing")
    .option("--json", "print a machine-readable summary on stdout")
    .addOption(new Option("-q, --quiet", "no progress; print the summary only when something failed"))
    .addHelpText("after", EXIT_HELP)
    .action(
      run(
        async (from: string, to: string, o: CopyOptions) =>
          (await import("./commands/copy.js")).copy(from, to, o),
        (_f, _t, o) => o,
      ),
    );

  program
    .command("schema")
    .description("print the JSON Schema of the project files, including the loaded plugins' options")
    .argument("[kind]", "project, flow or entity (default: all three)")
    .addOption(project())
    .option("-o, --out <dir>", "write <kind>.schema.json files into this folder instead")
    .action(
      run(
        async (kind: string | undefined, opts: { project?: string; out?: string }) =>
          (await import("./commands/schema.js")).schema(kind, opts),
        () => ({}),
      ),
    );

  return program;
}

/** Runs the CLI and returns the exit code (never calls process.exit). */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram((c) => {
    code = c;
  });
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT.CONFIG;
  }
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code);
      return ok ? EXIT.OK : EXIT.CONFIG;
    }
    return (await import("./exit.js")).reportError(error);
  }
  return code;
}
