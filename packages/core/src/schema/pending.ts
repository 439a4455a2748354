import type { Schema } from "apache-arrow";
import type { RunType } from "../contracts/common.js";
import {
  DEFAULT_ON_SCHEMA_CHANGE,
  decideSchema,
  hasChange,
  type OnSchemaChange,
  type SchemaChange,
  schemaRefusedError,
} from "./change.js";
import type { RecordedColumn } from "./recorded.js";

/** What the next run of an entity would do to the destination's columns, known before any data moves. */
export interface PendingSchemaChange {
  /** The change the run would make (columns added, widened, dropped, kept or ignored). */
  schemaChange?: SchemaChange;
  /** The change the run would refuse, as the run's SCHEMA_CHANGE_REFUSED error would say it (nothing would be written). */
  schemaRefused?: string;
  /** The ways out of a refused change (the error's hint). */
  schemaRefusedHint?: string;
}

/**
 * Compares the columns a home will produce (its `schema()`) with the destination's columns the
 * journal recorded after the last passed run, and applies the entity's `on_schema_change` the way
 * the engine will on the first batch (`decideSchema`). For `hygge go --dry-run` and `hygge debug`:
 * nothing is opened or written. Empty when nothing was recorded yet or the run replaces everything
 * (full_drop). At run time the store's committed state decides.
 */
export function pendingSchemaChange(
  run: { runType: RunType; onSchemaChange?: OnSchemaChange; primaryKey?: readonly string[] },
  incoming: Schema,
  published: readonly RecordedColumn[] | undefined,
  /** Whether the store can drop a column (false for file stores: see DecideInput.canDrop). */
  options: { canDrop?: boolean } = {},
): PendingSchemaChange {
  if (!published || run.runType === "full_drop") return {};
  const policy = run.onSchemaChange ?? DEFAULT_ON_SCHEMA_CHANGE;
  const decision = decideSchema({
    published,
    incoming,
    policy,
    runType: run.runType,
    primaryKey: run.primaryKey,
    ...options,
  });
  if (decision.refused) {
    const error = schemaRefusedError(decision.refused, policy);
    return { schemaRefused: error.message, ...(error.hint ? { schemaRefusedHint: error.hint } : {}) };
  }
  const change = decision.evolution?.change;
  return change && hasChange(change) ? { schemaChange: change } : {};
}
