import { HyggeError, type WriteContext } from "@hygge/core";
import type { SqlStoreOptions } from "./options.js";
import { displayTable, type TableRef } from "./table-ref.js";

/** What the store options forbid for this run, checked in open() before anything changes. */
export function checkStorePolicy(
  target: TableRef,
  options: SqlStoreOptions,
  ctx: Pick<WriteContext, "runType" | "primaryKey">,
  targetExists: boolean,
): void {
  const where = displayTable(target);
  if (!targetExists && options.if_missing === "fail") {
    throw new HyggeError("STORE_WRITE_FAILED", `table ${where} does not exist and if_missing is fail`, {
      subject: where,
      hint: "Create the table first, or set if_missing: create.",
    });
  }
  if (ctx.runType === "full_drop" && targetExists && options.if_exists === "fail") {
    throw new HyggeError("STORE_WRITE_FAILED", `table ${where} exists and if_exists is fail`, {
      subject: where,
      hint: "Drop the table yourself, or set if_exists: replace to let full_drop swap it.",
    });
  }
  if (ctx.runType === "merge" && !ctx.primaryKey?.length) {
    throw new HyggeError("CONFIG_INVALID", `run_type merge into ${where} needs a primary_key`, {
      subject: where,
      hint: "Set primary_key: [id] on the flow or entity.",
    });
  }
}

/** True when `work` succeeded within `ms`; the work itself is left to settle on its own. */
export function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([
    work.then(
      () => true,
      () => false,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
