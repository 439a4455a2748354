import { type CreateContext, configError, HyggeError, type z, zodIssues } from "@hygge/core";
import type { Pool } from "pg";
import type { SqlDialect, SqlSession } from "./dialect.js";
import { type ErrorContext, sqlError } from "./errors.js";
import { createMssqlPool, mssqlDialect } from "./mssql/mssql-dialect.js";
import { mssqlConnectionOptions, postgresConnectionOptions } from "./options.js";
import { createPostgresPool, postgresDialect } from "./postgres/postgres-dialect.js";

export type SqlType = "postgres" | "mssql";

/** A named connection of hygge.yml, resolved for one home or store; opens nothing by itself. */
export interface ConnectionHandle {
  name: string;
  dialect: SqlDialect;
  /** "postgres user@host:5432/db": for --dry-run and messages, never with the password. */
  display: string;
  errorContext(action: string, subject?: string): ErrorContext;
  /** How long a rollback of an abandoned run may take before its connection is destroyed instead. */
  cancelTimeoutMs: number;
  /** A session from the run's shared pool (the pool is created on first use). */
  session(): Promise<SqlSession>;
}

/** The connection's options through its schema (`url` parsed); a bad one is CONFIG_INVALID at its key. */
function parseOptions<S extends z.ZodType>(schema: S, name: string, options: unknown): z.output<S> {
  const result = schema.safeParse(options);
  if (!result.success) throw configError(zodIssues(schema, result.error, { prefix: ["connections", name] }));
  return result.data;
}

export function resolveConnection(ctx: CreateContext, name: string, type: SqlType): ConnectionHandle {
  const declared = ctx.connections[name];
  if (!declared) {
    throw new HyggeError("CONFIG_INVALID", `unknown connection "${name}"`, {
      subject: name,
      hint: `connections declared in hygge.yml: ${Object.keys(ctx.connections).join(", ") || "none"}`,
    });
  }
  if (declared.type !== type) {
    throw new HyggeError(
      "CONFIG_INVALID",
      `connection "${name}" is type ${declared.type}, but this block is type ${type}`,
      {
        subject: name,
        hint: `Use a connection of type ${type}, or change the block's type to ${declared.type}.`,
      },
    );
  }
  const dialect = type === "postgres" ? postgresDialect : mssqlDialect;
  // The whole connection string is a secret too (it holds the password).
  const declaredUrl = typeof declared.options.url === "string" ? declared.options.url : undefined;
  let display: string;
  let secrets: (string | undefined)[];
  let create: () => Promise<unknown>;
  let dispose: (pool: any) => Promise<void>;
  let cancelTimeoutMs: number;
  let connectTimeoutMs: number;
  if (type === "postgres") {
    const o = parseOptions(postgresConnectionOptions, name, declared.options);
    cancelTimeoutMs = o.cancel_timeout_ms;
    connectTimeoutMs = o.connect_timeout_ms;
    display = `postgres ${o.user}@${o.host}:${o.port}/${o.database}`;
    secrets = [o.password, declaredUrl];
    create = () => createPostgresPool(o);
    dispose = (pool: Pool) => pool.end();
  } else {
    const o = parseOptions(mssqlConnectionOptions, name, declared.options);
    cancelTimeoutMs = o.cancel_timeout_ms;
    connectTimeoutMs = o.connect_timeout_ms;
    display = `mssql ${o.user ?? o.azure_ad?.type ?? ""}@${o.server}:${o.port}/${o.database}`;
    secrets = [o.password, o.azure_ad?.client_secret, declaredUrl];
    create = () => createMssqlPool(o);
    dispose = async (pool: { close(): Promise<void> }) => void (await pool.close());
  }
  const errorContext = (action: string, subject?: string): ErrorContext => ({
    connection: name,
    label: dialect.label,
    action,
    subject,
    secrets,
  });
  return {
    name,
    dialect,
    display,
    errorContext,
    cancelTimeoutMs,
    async session() {
      try {
        const pool = await ctx.resources.get(`@hygge/sql:${type}:${name}`, create, dispose);
        return await dialect.connect(pool);
      } catch (error) {
        const e = sqlError(error, errorContext("connecting"), "CONNECTION_FAILED");
        if (/timeout exceeded when trying to connect/i.test(e.message)) {
          e.hint = `Every connection of the pool of "${name}" stayed busy: raise its pool_size (a flow reading and writing through one connection holds two sessions), or lower options.concurrency.`;
        } else if (/connection timeout|timeout expired|Failed to connect .* in \d+ms/i.test(e.message)) {
          e.message = `${dialect.label} connection "${name}" (${display}) did not answer within connect_timeout_ms (${connectTimeoutMs} ms): ${e.message}`;
          e.hint = `Check that the server of connection "${name}" is running and reachable at that host and port (a firewall that drops packets looks like this), or raise connect_timeout_ms.`;
          e.transient = true;
        }
        throw e;
      }
    },
  };
}
