import type { RecordBatch, Schema } from "apache-arrow";
import {
  changesDestination,
  DEFAULT_ON_SCHEMA_CHANGE,
  decideSchema,
  type SchemaDecision,
  schemaRefusedError,
} from "../schema/change.js";
import { recordSchema } from "../schema/recorded.js";
import type { AttemptContext } from "./attempt-context.js";
import type { GuardedStore } from "./guarded-store.js";
import type { ResumePoint } from "./resume.js";

/** The decision of one attempt, and how each batch is shaped for the store. */
export interface SchemaOutcome {
  decision: SchemaDecision;
  /** Batches as the store receives them (`ignore` leaves new columns out). */
  shape(batch: RecordBatch): RecordBatch;
}

/**
 * Compares the source's columns (the first batch's schema) with the destination's (the committed
 * state's recorded schema, else what the store reads from the destination) and applies the
 * policy, before the first write: a refused change fails the run with nothing written, an
 * accepted one is handed to the store (`evolve`) to apply inside its atomic publish.
 */
export async function schemaStep(
  a: AttemptContext,
  store: GuardedStore,
  resume: ResumePoint,
  incoming: Schema,
): Promise<SchemaOutcome> {
  const policy = a.options.onSchemaChange ?? DEFAULT_ON_SCHEMA_CHANGE;
  let published = resume.committed?.schema;
  let fromDestination = false;
  // A state without recorded columns (an older hygge published it): read them from the
  // destination. No state at all: nothing hygge published to compare with (a destination it did
  // not create keeps the store's own checks, and its columns are never altered or dropped).
  if (!published && resume.committed && a.runType !== "full_drop") {
    const found = await store.publishedSchema();
    if (found) {
      published = recordSchema(found.schema);
      fromDestination = !found.exact;
    }
  }
  const decision = decideSchema({
    published,
    fromDestination,
    incoming,
    policy,
    runType: a.runType,
    primaryKey: a.options.primaryKey,
    canDrop: store.canEvolve,
  });
  if (decision.refused)
    throw a.fail(schemaRefusedError(decision.refused, policy), "SCHEMA_CHANGE_REFUSED", undefined);
  const evolution = decision.evolution;
  if (evolution && changesDestination(evolution.change)) await store.evolve(evolution);
  const write = decision.write;
  return {
    decision,
    // By index: apache-arrow's RecordBatch.select keeps each child at its old index, so leaving out
    // a column before others misaligns the children (they read as nulls, or fail to encode).
    shape: write
      ? (batch) => batch.selectAt(write.map((name) => batch.schema.fields.findIndex((f) => f.name === name)))
      : (batch) => batch,
  };
}
