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
  /** `engine:` (`{ type: "duckdb", options: { threads: 2 } }`): the report must say it ran. */
  engine?: Block;
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
  const engine = run.engine && {
    type: run.engine.type,
    plugin: registry.engine(run.engine.type).plugin,
    definition: registry.engine(run.engine.type).definition,
    options: registry.engine(run.engine.type).definition.options.parse(run.engine.options) as Record<
      string,
      unknown
    >,
    context: { projectDir: run.projectDir, logger: silentLogger },
  };
  const store = registry.store(run.store.type).definition;
  try {
    const report = await runFlow({
      flow: "bench",
      home: () => home.create(home.options.parse(run.home.options), ctx),
      store: () => store.create(store.options.parse(run.store.options), ctx),
      ...(engine ? { engine } : {}),
    });
    if (engine && report.engine?.ran !== true)
      throw new Error(`the engine did not run: ${JSON.stringify(report.engine)}`);
    return { rows: report.rows };
  } finally {
    await resources.closeAll();
  }
}
