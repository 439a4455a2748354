/** The files `hygge init` writes (besides the sample data and the JSON Schemas). */
export function templateFiles(name: string): Record<string, string> {
  const modeline = (depth: number, kind: string) =>
    `# yaml-language-server: $schema=${depth === 0 ? "./" : "../".repeat(depth)}.hygge/schema/${kind}.schema.json\n`;
  return {
    "hygge.yml":
      modeline(0, "project") +
      `# A hygge project: \`hygge go\` runs every flow, \`hygge go --dry-run\` shows what it would do.
name: ${name}
plugins:
  - parquet
options:
  concurrency: 2
  continue_on_error: true
`,
    "flows/example/flow.yml":
      modeline(2, "flow") +
      `# Copies every entity from data/<entity> to out/<entity> as Parquet.
# Entities are the files in entities/ (or an \`entities:\` list here); each is named example.<entity>.
home:
  type: parquet
  path: data
store:
  type: parquet
  path: out
run_type: full_drop
`,
    "flows/example/entities/customers.yml":
      modeline(3, "entity") +
      `# Per-entity settings, deep-merged over the flow's home, store and defaults.
run_type: full_drop
`,
    "flows/example/entities/orders.yml":
      modeline(3, "entity") +
      `# This entity's output is compressed with zstd instead of the default.
store:
  compression: zstd
`,
    ".gitignore": "out/\n.hygge/*\n!.hygge/schema/\n",
    "README.md": `# ${name}

A [hygge](https://www.npmjs.com/package/@hygge/cli) project: it moves the Parquet files in \`data/\`
to \`out/\`, one folder per entity.

\`hygge\` below is the hygge command: \`npx hygge\` where @hygge/cli is installed in this folder or
a parent one (\`npm install @hygge/cli\`), plain \`hygge\` after \`npm install --global @hygge/cli\`.

\`\`\`sh
hygge go              # run every flow
hygge go --dry-run    # what would run, without touching anything
hygge debug           # check sources, destinations and connections
hygge schema --out .hygge/schema   # refresh the JSON Schemas editors use
\`\`\`

- \`hygge.yml\`: project name, plugins, connections and options.
- \`flows/example/flow.yml\`: where the data comes from (\`home\`) and where it goes (\`store\`).
- \`flows/example/entities/*.yml\`: one file per entity, overriding the flow's settings.
`,
  };
}
