import { HyggeError, type HyggeErrorCode, isHyggeError } from "@hygge/core";

/** Who was writing what: named in every error. */
export interface Where {
  file: string;
  table: string;
  flow: string;
  entity?: string;
}

const who = (w: Where) =>
  `table ${w.table} in ${w.file} (flow ${w.flow}${w.entity ? `, entity ${w.entity}` : ""})`;

/** True for DuckDB's "the file is locked by another process" error. */
export function isLockError(error: unknown): boolean {
  return /could not set lock on file|conflicting lock is held/i.test(
    String((error as Error)?.message ?? error),
  );
}

/**
 * A DuckDB failure (or one of hygge's own refusals) as a HyggeError naming the file, the table,
 * the flow/entity, and what to do. `action` says what was going on: "loading", "publishing"…
 */
export function duckdbError(error: unknown, action: string, where: Where, code: HyggeErrorCode): HyggeError {
  const names = { flow: where.flow, ...(where.entity !== undefined ? { entity: where.entity } : {}) };
  if (isHyggeError(error)) {
    if (error.message.includes(where.file)) return error;
    return new HyggeError(error.code, `${action} ${who(where)}: ${error.message}`, {
      ...names,
      subject: error.subject ?? where.table,
      transient: error.transient,
      cause: error,
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
  const detail = String((error as Error)?.message ?? error);
  if (isLockError(error)) {
    return new HyggeError(
      code,
      `the DuckDB database file ${where.file} is locked by another process, so ${action} ${who(where)} cannot start: ${detail}`,
      {
        ...names,
        subject: where.file,
        transient: true,
        cause: error,
        hint: "DuckDB lets one process write a database file at a time: close the other process holding it (a DuckDB shell, a notebook, another hygge run), or write to another file.",
      },
    );
  }
  if (/^INTERRUPT Error/i.test(detail)) {
    return new HyggeError("ABORTED", `${action} ${who(where)} was cancelled; nothing was published`, {
      ...names,
      subject: where.table,
      cause: error,
    });
  }
  const conflict = /write-write conflict|conflict on|TransactionContext Error/i.test(detail);
  const memory = /Out of Memory Error/i.test(detail);
  const hint = conflict
    ? "Another connection changed the same table or state row at the same time; run again (the run is retried when retries are configured)."
    : memory
      ? "Give DuckDB more memory (memory_limit on this store) or fewer threads (threads); it spills to a .tmp folder next to the database file."
      : `Nothing was published: ${where.table} and its state are as they were. Fix the cause above and run again.`;
  return new HyggeError(code, `${action} ${who(where)} failed: ${detail}`, {
    ...names,
    subject: where.table,
    transient: conflict,
    cause: error,
    hint,
  });
}
