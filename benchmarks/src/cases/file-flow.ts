import {
  type HyggePlugin,
  Registry,
  type ResolvedConnection,
  RunResources,
  runFlow,
  silentLogger,
} from "@hygge/core";

/** A home or store block as a flow file gives it: the type (a format name) and its options. */
export interface Block {
  type: string;
  options: Record<string, unknown>;
}

/**
 * Runs one flow the way the CLI does, minus the config loading: the plugins registered, the
 * blocks parsed by the definitions core's file engine derives from each format (the `type: csv`
 * home, the `type: parquet` store…), connections resolved by name, the run's resources (S3
 * clients…) closed at the end. Returns the engine's row count.
 */
export async function runFileFlow(run: {
  projectDir: string;
  plugins: HyggePlugin[];
  home: Block;
  store: Block;
  connections?: Record<string, ResolvedConnection>;
}): Promise<{ rows: number }> {
  const registry = new Registry(run.plugins);
  const resources = new RunResources();
  const ctx = {
    flow: "bench",
    projectDir: run.projectDir,
    connections: run.connections ?? {},
    resources,
    logger: silentLogger,
  };
  const home = registry.home(run.home.type).definition;
  const store = registry.store(run.store.type).definition;
  try {
    const report = await runFlow({
      flow: "bench",
      home: () => home.create(home.options.parse(run.home.options), ctx),
      store: () => store.create(store.options.parse(run.store.options), ctx),
    });
    return { rows: report.rows };
  } finally {
    await resources.closeAll();
  }
}
