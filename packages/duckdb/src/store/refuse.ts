import { HyggeError } from "@hygge/core";
import type { Where } from "./errors.js";
import { describeColumns, ownedByHygge, type Run, rowCount, tableExists } from "./state.js";
import { displayTable, type TableRef } from "./table.js";

const MAX_LISTED = 20;

/**
 * full_drop replaces the target. A table that exists but that hygge never published (no state
 * row names it) is somebody else's: refused before anything changes, unless the store says
 * `replace_existing: true`. The message says what would be lost.
 */
export async function refuseForeignTable(
  run: Run,
  state: TableRef,
  target: TableRef,
  where: Where,
): Promise<void> {
  if (await ownedByHygge(run, state, target)) return;
  const columns = await describeColumns(run, target);
  const shown = columns.slice(0, MAX_LISTED).map((c) => `${c.name} ${c.type}`);
  if (columns.length > MAX_LISTED) shown.push(`… and ${columns.length - MAX_LISTED} more`);
  const rows = await rowCount(run, target);
  const name = displayTable(target);
  throw new HyggeError(
    "STORE_WRITE_FAILED",
    `table ${name} in ${where.file} exists but was not created by hygge (no row for it in ${displayTable(state)}): it holds ${rows} row${rows === "1" ? "" : "s"} in ${columns.length} column${columns.length === 1 ? "" : "s"} (${shown.join(", ")}). full_drop would replace it. Nothing was changed.`,
    {
      subject: name,
      hint: `If ${name} may be replaced, set replace_existing: true on this store (needed once: after that run the table is hygge's). Otherwise point table: at another name, or use run_type incremental or merge to add rows to it.`,
    },
  );
}

/** What `hygge debug` says about the target: created, hygge's, or somebody else's. */
export async function targetStatus(run: Run, state: TableRef, target: TableRef, replaceExisting: boolean) {
  if (!(await tableExists(run, target))) return "table will be created";
  if (replaceExisting || (await ownedByHygge(run, state, target))) return "table exists";
  return "table exists; hygge did not create it: a full_drop would stop without replace_existing: true";
}
