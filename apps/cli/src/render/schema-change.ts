import { describeChange, type SchemaChange } from "@hygge/core";

/** "orders.items columns: added discount; widened qty int32 → int64": what a run changed (summary, history). */
export const changedColumns = (id: string, change: SchemaChange): string =>
  `${id} columns: ${describeChange(change)}`;

/** What a run would change, before any data moves (`go --dry-run`, `debug`). */
export const pendingColumns = (change: SchemaChange, policy?: string): string =>
  `the run would change columns: ${describeChange(change)}${policy ? ` (on_schema_change: ${policy})` : ""}`;

/** A change the run would refuse: nothing would be written. */
export const refusedColumns = (message: string): string => `the run would refuse: ${message}`;
