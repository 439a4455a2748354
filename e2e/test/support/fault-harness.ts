import { expect } from "@jest/globals";
import { faultProject } from "./fault-project.js";
import { faultSeed, seededRandom } from "./rng.js";
import { planTrial, runClean, runKilled } from "./trials.js";

export interface RowsSpec {
  startId: number;
  count: number;
  /** ts of the rows is base, base+1, base+2 repeating. */
  baseTs: number;
}

export interface Source {
  /** The `home:` block, YAML flow style. */
  homeYaml: string;
  add(entity: string, rows: RowsSpec): Promise<void>;
}

export interface DestinationState {
  n: number;
  distinctIds: number;
  minId: number | null;
  maxId: number | null;
  maxTs: number | null;
  /** Sum of ts over all rows. */
  sumTs: number;
  /** Rows whose payload is not `row-<id>`: a changed value. */
  badPayloads: number;
  /** Rows with an id below the `below` argument of inspect (0 without it). */
  below: number;
  /** Anything a reader of the published data could see that is not data (staging, temp files). */
  strays: string[];
  /**
   * The documented instant of a folder-swap publish (ARCHITECTURE.md §4.4): the entity folder is
   * renamed aside and staging not yet renamed in, with the commit record (intent) in place. Readers
   * find no folder — never a part of a run — and the next run finishes the publish.
   */
  publishGap?: boolean;
}

export interface Destination {
  storeYaml: string;
  inspect(entity: string, below?: number): Promise<DestinationState>;
}

export interface FaultSuite {
  label: string;
  plugins: string[];
  connectionsYaml?: string;
  points: readonly string[];
  trials: number;
  entities: string[];
  source(dir: string): Promise<Source>;
  destination(dir: string): Promise<Destination>;
  env?: Record<string, string>;
  /** More lines of the flow file (`engine: duckdb`). */
  flowLines?: string[];
}

/**
 * Kills `hygge go` at random moments and named fault points, runs it again, and checks after each
 * completed run that every source row is in the destination exactly once, that readers see no
 * staging, and that the journal agrees with the destination. Killed and recovery runs pick full_drop
 * or incremental at random.
 */
export async function runFaultSuite(suite: FaultSuite): Promise<void> {
  const seed = faultSeed(suite.label);
  const random = seededRandom(seed);
  const project = await faultProject(suite, random);
  for (const e of suite.entities) await project.addRows(e, 500);
  const t0 = Date.now();
  await runClean(project.dir, "--incremental", suite.env);
  const typicalMs = Date.now() - t0;
  await project.checkExactlyOnce(0, "initial");
  let reallyKilled = 0;
  for (let trial = 1; trial <= suite.trials; trial++) {
    for (const e of suite.entities)
      if (random() < 0.7) await project.addRows(e, 1 + Math.floor(random() * 3000));
    const plan = planTrial(random, typicalMs, suite.points);
    const killed = await runKilled(project.dir, plan, suite.env);
    if (killed.killed) reallyKilled++;
    const label = `${plan.mode} ${JSON.stringify(plan.kill)} killed=${killed.killed} (seed ${seed})`;
    if (random() < 0.3)
      for (const e of suite.entities) await project.addRows(e, 1 + Math.floor(random() * 50));
    await runClean(project.dir, random() < 0.5 ? "--full-drop" : "--incremental", suite.env);
    await project.checkExactlyOnce(trial, label);
  }
  console.log(
    `[${suite.label}] ${suite.trials} trials, ${reallyKilled} runs killed before finishing (seed ${seed})`,
  );
  expect(reallyKilled).toBeGreaterThan(suite.trials / 4);
  await project.remove();
}

/**
 * Every run incremental, before and after each kill (no full_drop ever rebuilds the destination and
 * hides what a killed run left): each trial adds rows (new ts values, or ones sharing the committed
 * watermark's value), kills one or two incremental runs in a row, checks what readers see after each
 * kill, adds more rows, runs incrementally to the end and checks exactly-once.
 */
export async function runIncrementalFaultSuite(suite: FaultSuite): Promise<void> {
  const seed = faultSeed(suite.label);
  const random = seededRandom(seed);
  const project = await faultProject(suite, random);
  for (const e of suite.entities) await project.addRows(e, 500);
  const t0 = Date.now();
  await runClean(project.dir, "--incremental", suite.env);
  const typicalMs = Date.now() - t0;
  await project.checkExactlyOnce(0, "initial");
  let kills = 0;
  let reallyKilled = 0;
  for (let trial = 1; trial <= suite.trials; trial++) {
    for (const e of suite.entities)
      if (random() < 0.8) await project.addRows(e, 1 + Math.floor(random() * 3000), 0.5);
    const labels: string[] = [];
    const inARow = random() < 0.3 ? 2 : 1;
    for (let k = 0; k < inARow; k++) {
      const plan = planTrial(random, typicalMs, suite.points, "--incremental");
      const killed = await runKilled(project.dir, plan, suite.env);
      kills++;
      if (killed.killed) reallyKilled++;
      labels.push(`${JSON.stringify(plan.kill)} killed=${killed.killed}`);
      await project.checkAfterKill(trial, `after kill ${labels.join(", then ")} (seed ${seed})`);
    }
    if (random() < 0.6)
      for (const e of suite.entities) await project.addRows(e, 1 + Math.floor(random() * 50), 0.6);
    await runClean(project.dir, "--incremental", suite.env);
    await project.checkExactlyOnce(trial, `incremental after ${labels.join(", then ")} (seed ${seed})`);
  }
  console.log(
    `[${suite.label}] ${suite.trials} trials, ${kills} incremental runs killed, ${reallyKilled} before finishing (seed ${seed})`,
  );
  expect(reallyKilled).toBeGreaterThan(kills / 4);
  await project.remove();
}
