import { HyggeError, type HyggeErrorCode, isHyggeError, redact } from "@hygge/core";
import { statementHint } from "./statement-hints.js";

/** Who was talking to which server: named in every error, never with the password. */
export interface ErrorContext {
  /** The connection's name in hygge.yml. */
  connection: string;
  /** "PostgreSQL" or "SQL Server". */
  label: string;
  /** What was going on: "reading orders", "loading sales.orders"… */
  action: string;
  subject?: string;
  /** Values that must never appear in a message (the password). */
  secrets?: (string | undefined)[];
}

// PostgreSQL SQLSTATEs a retry may cure: serialization failure, deadlock, admin shutdown,
// crash shutdown, cannot connect now, too many connections, and every connection exception (08…).
const PG_TRANSIENT = new Set(["40001", "40P01", "57P01", "57P02", "57P03", "53300", "53400"]);
// SQL Server error numbers: deadlock victim, lock timeout, Azure throttling/failover family.
const MSSQL_TRANSIENT = new Set([1205, 1222, 40197, 40501, 40613, 49918, 49919, 49920, 4060, 10928, 10929]);
const NODE_TRANSIENT = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ETIMEOUT",
  "ESOCKET",
  "ECONNCLOSED",
  "EAI_AGAIN",
]);
const PG_LOGIN = new Set(["28P01", "28000", "3D000"]);
const MSSQL_LOGIN = new Set([18456, 18452, 4060]);

interface DriverError {
  code?: unknown;
  number?: unknown;
  message?: unknown;
  originalError?: DriverError;
  cause?: DriverError;
}

function codes(error: unknown): { code?: string; number?: number; message: string } {
  const e = (error ?? {}) as DriverError;
  const inner = e.originalError ?? e.cause;
  const code = typeof e.code === "string" ? e.code : typeof inner?.code === "string" ? inner.code : undefined;
  const num =
    typeof e.number === "number" ? e.number : typeof inner?.number === "number" ? inner.number : undefined;
  return { code, number: num, message: String(e.message ?? error) };
}

export function isLoginFailure(error: unknown): boolean {
  const { code, number } = codes(error);
  return (
    (code !== undefined && (PG_LOGIN.has(code) || code === "ELOGIN")) ||
    (number !== undefined && MSSQL_LOGIN.has(number))
  );
}

export function isTransientSqlError(error: unknown): boolean {
  if (isLoginFailure(error)) return false;
  const { code, number, message } = codes(error);
  if (code && (PG_TRANSIENT.has(code) || code.startsWith("08") || NODE_TRANSIENT.has(code))) return true;
  if (number !== undefined && MSSQL_TRANSIENT.has(number)) return true;
  return /Connection terminated unexpectedly|timeout expired|Connection lost|deadlock/i.test(message);
}

/** A driver error as a HyggeError: transient or not, naming the connection, password redacted. */
export function sqlError(error: unknown, ctx: ErrorContext, code: HyggeErrorCode): HyggeError {
  if (isHyggeError(error)) {
    error.subject ??= ctx.subject;
    return error;
  }
  const secrets = ctx.secrets?.filter((s): s is string => typeof s === "string" && s.length > 0) ?? [];
  const detail = redact(codes(error).message, secrets);
  if (isLoginFailure(error)) {
    return new HyggeError(
      "CONNECTION_FAILED",
      `${ctx.label} connection "${ctx.connection}" refused the login: ${detail}`,
      {
        subject: ctx.connection,
        hint: `Check user, password and database of connection "${ctx.connection}" in hygge.yml (passwords usually come from \${ENV} variables).`,
      },
    );
  }
  const transient = isTransientSqlError(error);
  const timeout = timeoutHint(error, ctx);
  if (timeout) {
    return new HyggeError(
      code,
      `${ctx.action} on ${ctx.label} connection "${ctx.connection}" failed: ${detail}`,
      {
        subject: ctx.subject ?? ctx.connection,
        transient: timeout.transient,
        cause: error,
        hint: timeout.hint,
      },
    );
  }
  const connect =
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|getaddrinfo|connect/i.test(String(codes(error).code ?? "")) ||
    codes(error).code === "ECONNREFUSED";
  if (connect) {
    return new HyggeError(
      "CONNECTION_FAILED",
      `cannot reach ${ctx.label} connection "${ctx.connection}": ${detail}`,
      {
        subject: ctx.connection,
        transient,
        hint: `Check that the server of connection "${ctx.connection}" is running and that host/server and port are right.`,
      },
    );
  }
  return new HyggeError(
    code,
    `${ctx.action} on ${ctx.label} connection "${ctx.connection}" failed: ${detail}`,
    {
      subject: ctx.subject ?? ctx.connection,
      transient,
      cause: error,
      ...(transient
        ? { hint: "A transient error: hygge retries the entity when retries are configured." }
        : // Only a home's statements are the user's (query:, table:, columns:); a store's are hygge's own.
          code === "HOME_READ_FAILED"
          ? statementHintOf(error)
          : {}),
    },
  );
}

function statementHintOf(error: unknown): { hint?: string } {
  const { code, number } = codes(error);
  const hint = statementHint(code, number);
  return hint ? { hint } : {};
}

/**
 * A server-side limit hygge set (statement_timeout_ms, lock_timeout_ms): what to change. A
 * statement that ran too long runs as long next time (not transient); a lock may be free next time.
 */
function timeoutHint(error: unknown, ctx: ErrorContext): { hint: string; transient: boolean } | undefined {
  const { code, message } = codes(error);
  if (code === "57014" && /statement timeout/i.test(message)) {
    return {
      transient: false,
      hint: `The statement ran longer than statement_timeout_ms of connection "${ctx.connection}": raise it (0 = no limit; a whole COPY load is one statement).`,
    };
  }
  if (code === "55P03" && /lock timeout/i.test(message)) {
    return {
      transient: true,
      hint: `Another session held a lock on the table longer than lock_timeout_ms of connection "${ctx.connection}" (a long-running reader blocks the full_drop swap): retry later, or raise lock_timeout_ms (0 = wait forever).`,
    };
  }
  return undefined;
}

/** The error a cancelled read throws: the flow's own reason when it is a HyggeError. */
export function abortError(signal: AbortSignal): HyggeError {
  const reason = signal.reason as unknown;
  if (isHyggeError(reason)) return reason;
  return new HyggeError("ABORTED", "the read was cancelled", { cause: reason });
}
