import { z } from "@hygge/core";
import { ConnectionUrlError, parseMssqlUrl, parsePostgresUrl, type UrlOptions } from "./connection-url.js";

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);

/** Keys a secret's value must never be printed for (a contradiction names the keys only). */
const SECRET_OPTIONS = new Set(["password"]);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * `url` parsed into the discrete options: a discrete key given too must say the same (else a
 * CONFIG_INVALID naming both); then the defaults and the required keys. Runs as the schema's
 * transform, so core's config check reports every problem at its key (`url` for a bad string).
 */
function withUrl<
  S extends z.ZodObject,
  T extends z.output<S> & { url?: string },
  D extends keyof T,
  R extends keyof T,
>(
  schema: S,
  parse: (url: string) => UrlOptions,
  defaults: { [P in D]: NonNullable<T[P]> },
  required: readonly R[],
) {
  type Resolved = Omit<T, "url" | D | R> & { [P in D | R]-?: NonNullable<T[P]> };
  return schema.transform((parsed, ctx): Resolved => {
    const input = parsed as T;
    const { url, ...rest } = input;
    const out: Record<string, unknown> = { ...rest };
    if (url !== undefined) {
      let fromUrl: UrlOptions;
      try {
        fromUrl = parse(url);
      } catch (error) {
        if (!(error instanceof ConnectionUrlError)) throw error;
        ctx.addIssue({ code: "custom", path: ["url"], message: error.message });
        return z.NEVER;
      }
      for (const [key, value] of Object.entries(fromUrl)) {
        if (out[key] === undefined) out[key] = value;
        else if (!same(out[key], value)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: SECRET_OPTIONS.has(key)
              ? `${key} contradicts the ${key} in url: give it in one place`
              : `${key}: ${JSON.stringify(out[key])} contradicts url (${key} ${JSON.stringify(value)}): give it in one place`,
          });
        }
      }
    }
    for (const [key, value] of Object.entries(defaults)) if (out[key] === undefined) out[key] = value;
    for (const key of required as readonly string[]) {
      if (out[key] === undefined) {
        ctx.addIssue({ code: "custom", path: [key], message: `required (as ${key}, or inside url)` });
      }
    }
    return out as Resolved;
  });
}

/** A connection string instead of (or next to) the discrete keys: see the README, "Connection strings". */
const url = (example: string) =>
  z
    .string()
    .min(1)
    .optional()
    .describe(
      `A connection string instead of (or next to) the discrete keys, e.g. ${example}. A key given here too must say the same. Its password is never printed.`,
    );
const POOL_SIZE =
  "Most connections open at once to this server, shared by every entity of the run (default 10, at most 100).";

/** `connections:` block of `type: postgres`. */
export const postgresConnectionOptions = withUrl(
  z.strictObject({
    url: url("postgres://user:${PGPASSWORD}@host:5432/db?sslmode=require"),
    /** Default `localhost`. */
    host: z.string().min(1).optional().describe("Server host name or address (default localhost)."),
    /** Default 5432. */
    port: z.number().int().min(1).max(65535).optional().describe("Server port (default 5432)."),
    /** Required, here or in `url`. */
    database: z.string().min(1).optional().describe("Database name; required, here or in url."),
    /** Required, here or in `url`. */
    user: z.string().min(1).optional().describe("User name; required, here or in url."),
    password: z
      .string()
      .optional()
      .describe("Password, best given as ${VAR} from the environment or .env; never printed."),
    ssl: z
      .union([
        z.boolean(),
        z.strictObject({
          reject_unauthorized: z
            .boolean()
            .optional()
            .describe(
              "Check the server's certificate chain and host name (default true); false encrypts without checking (sslmode=require).",
            ),
          ca: z
            .string()
            .optional()
            .describe(
              "PEM text of the certificate authority to trust (e.g. ${PG_CA}); default: Node's trusted CAs.",
            ),
        }),
      ])
      .optional()
      .describe(
        "TLS: true encrypts and checks the server's certificate, false connects without TLS, { reject_unauthorized, ca } fine-tunes it. In url: ?sslmode=disable, require, verify-ca or verify-full.",
      ),
    pool_size: positiveInt.max(100).default(10).describe(POOL_SIZE),
    /** Opening a connection (TCP + TLS + login) and waiting for a free pooled one. */
    connect_timeout_ms: positiveInt
      .default(15_000)
      .describe(
        "Bound of opening a connection (TCP + TLS + login) and of waiting for a free pooled one (default 15000).",
      ),
    /** TCP keepalive: a silently dead server or network path is noticed instead of waited on forever. */
    keepalive: z
      .boolean()
      .default(true)
      .describe(
        "TCP keepalive (default true): a silently dead server or network path is noticed instead of waited on forever.",
      ),
    /** Idle time before the first keepalive probe. */
    keepalive_initial_delay_ms: nonNegativeInt
      .default(30_000)
      .describe("Idle time before the first keepalive probe, in milliseconds (default 30000)."),
    /**
     * Server-side limit of one statement (0 = the server's setting). A whole COPY load or COPY read
     * is ONE statement: set this above the longest load, or leave it 0.
     */
    statement_timeout_ms: nonNegativeInt
      .default(0)
      .describe(
        "Server-side limit of one statement in milliseconds (default 0: the server's setting). A whole COPY load or read is one statement: set it above the longest load, or leave 0.",
      ),
    /** How long one statement may wait for a lock (the full_drop swap waits for readers); 0 = forever. */
    lock_timeout_ms: nonNegativeInt
      .default(300_000)
      .describe(
        "How long one statement may wait for a lock, in milliseconds (default 300000; 0 = forever). The full_drop swap waits for readers of the table.",
      ),
    /**
     * The server ends a session idle inside a transaction for longer (0 = never). hygge keeps the
     * store's transaction open while the home produces rows: a slow home looks idle.
     */
    idle_in_transaction_timeout_ms: nonNegativeInt
      .default(0)
      .describe(
        "The server ends a session idle inside a transaction for longer, in milliseconds (default 0 = never). The store's transaction stays open while a slow home produces rows.",
      ),
    /** Cancelling an abandoned statement and rolling back, before the connection is destroyed instead. */
    cancel_timeout_ms: positiveInt
      .default(10_000)
      .describe(
        "Bound of cancelling an abandoned statement and rolling back, in milliseconds (default 10000); past it the connection is destroyed.",
      ),
    /** Default `hygge`. */
    application_name: z
      .string()
      .optional()
      .describe("The application_name the server shows in pg_stat_activity (default hygge)."),
  }),
  parsePostgresUrl,
  { host: "localhost", port: 5432, application_name: "hygge" },
  ["database", "user"],
);
export type PostgresConnectionOptions = z.output<typeof postgresConnectionOptions>;

/** `connections:` block of `type: mssql`. */
export const mssqlConnectionOptions = withUrl(
  z.strictObject({
    url: url("mssql://user:${MSSQL_PASSWORD}@host:1433/db, sqlserver://…, or Server=host,1433;Database=db;…"),
    /** Required, here or in `url`. */
    server: z.string().min(1).optional().describe("Server host name or address; required, here or in url."),
    /** Default 1433. */
    port: z.number().int().min(1).max(65535).optional().describe("Server port (default 1433)."),
    /** Required, here or in `url`. */
    database: z.string().min(1).optional().describe("Database name; required, here or in url."),
    user: z.string().optional().describe("SQL login (or the Azure AD user with azure_ad.type password)."),
    password: z
      .string()
      .optional()
      .describe("Password, best given as ${VAR} from the environment or .env; never printed."),
    /** Default `true`. */
    encrypt: z.boolean().optional().describe("Encrypt the connection with TLS (default true)."),
    /** Default `false`. */
    trust_server_certificate: z
      .boolean()
      .optional()
      .describe(
        "Accept the server's certificate without checking it (default false): for development servers only.",
      ),
    /** Azure AD: `default` (managed identity / environment) or a service principal. */
    azure_ad: z
      .strictObject({
        type: z
          .enum(["default", "service-principal", "password"])
          .describe(
            "default: the Azure default credential chain (managed identity, environment…); service-principal: client_id, client_secret, tenant_id; password: user and password of an Azure AD account.",
          ),
        client_id: z
          .string()
          .optional()
          .describe("Application (client) id of the identity or app registration."),
        tenant_id: z.string().optional().describe("Directory (tenant) id."),
        client_secret: z
          .string()
          .optional()
          .describe("Client secret of a service principal; best given as ${VAR}; never printed."),
      })
      .optional()
      .describe("Sign in with Azure AD (Entra ID) instead of a SQL login."),
    pool_size: positiveInt.max(100).default(10).describe(POOL_SIZE),
    /** Opening a connection (TCP + TLS + login). */
    connect_timeout_ms: positiveInt
      .default(15_000)
      .describe("Bound of opening a connection (TCP + TLS + login), in milliseconds (default 15000)."),
    /**
     * One request (statement or one bulk batch); 0 = no limit. A request that does not answer in
     * time is cancelled and fails (transient).
     */
    request_timeout_ms: nonNegativeInt
      .default(300_000)
      .describe(
        "Bound of one request (a statement or one bulk batch) in milliseconds (default 300000; 0 = no limit). A request that does not answer in time is cancelled and fails as transient (retried).",
      ),
    /** Waiting for the server to acknowledge a cancel before the connection is closed instead. */
    cancel_timeout_ms: positiveInt
      .default(10_000)
      .describe(
        "Waiting for the server to acknowledge a cancel, in milliseconds (default 10000), before the connection is closed instead.",
      ),
    // TCP keepalive: tedious enables it on every socket (first probe after 30 s); not configurable.
  }),
  parseMssqlUrl,
  { port: 1433, encrypt: true, trust_server_certificate: false },
  ["server", "database"],
);
export type MssqlConnectionOptions = z.output<typeof mssqlConnectionOptions>;

const identifier = z.string().min(1).max(128);

/** The keys of a `home:` block of `type: postgres` / `type: mssql` (before its rules). */
export const sqlHomeFields = z.strictObject({
  connection: z.string().min(1).describe("The database: a connection of hygge.yml (type postgres or mssql)."),
  /** Table to read, optionally schema-qualified (`sales.orders`); `{entity}` is replaced. */
  table: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Table (or view) to read, optionally schema-qualified: sales.orders, or sales.{entity}. Default, when query is not set either: {entity}, the entity's own name (entities: [sales.orders]).",
    ),
  /** A SELECT to read instead of a table; `{entity}` is replaced (as a quoted identifier). */
  query: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A SELECT to read instead of a table, e.g. select * from sales.{entity} where region = 'EU'; {entity} is replaced as a quoted identifier. Set table or query, not both.",
    ),
  columns: z
    .array(identifier)
    .min(1)
    .optional()
    .describe("Read only these columns, e.g. [id, amount, updated_at]. Default: every column."),
  batch_size: positiveInt
    .max(1_000_000)
    .default(10_000)
    .describe("Rows per Arrow batch (default 10000, at most 1000000)."),
});

/** `home:` block of `type: postgres` / `type: mssql`. */
export const sqlHomeOptions = sqlHomeFields
  .refine((o) => o.table === undefined || o.query === undefined, {
    message: "set one of table or query, not both",
  })
  // Neither: the entity's own name is the table (`entities: [sales.orders]`, or a pattern).
  .transform((o) => (o.table === undefined && o.query === undefined ? { ...o, table: "{entity}" } : o));
export type SqlHomeOptions = z.output<typeof sqlHomeOptions>;

/** `store:` block of `type: postgres` / `type: mssql`. */
export const sqlStoreOptions = z
  .strictObject({
    connection: z
      .string()
      .min(1)
      .describe("The database: a connection of hygge.yml (type postgres or mssql)."),
    /** Target table, optionally schema-qualified; `{entity}` is replaced. */
    table: z
      .string()
      .min(1)
      .describe(
        "Target table, optionally schema-qualified: raw.orders, or raw.{entity} ({entity} is replaced).",
      ),
    /** When the table is missing: `create` it from the Arrow schema, or `fail`. */
    if_missing: z
      .enum(["create", "fail"])
      .default("create")
      .describe("When the table is missing: create (default) it from the source's columns, or fail."),
    /**
     * full_drop on an existing table: `replace` it (staging + atomic swap), or `fail` without
     * touching it. incremental appends to and merge upserts into an existing table either way.
     */
    if_exists: z
      .enum(["replace", "fail"])
      .default("replace")
      .describe(
        "full_drop on an existing table: replace (default; staging table and atomic swap) or fail without touching it. incremental and merge use an existing table either way.",
      ),
    /**
     * Lets the first full_drop replace a table that exists but that hygge never published (no row
     * for it in the state table). Without it that run stops before changing anything.
     */
    replace_existing: z
      .boolean()
      .default(false)
      .describe(
        "Lets the first full_drop replace a table that exists but that hygge never published (default false: that run stops before changing anything).",
      ),
    /** Table of committed run state (watermarks), in the target schema. */
    state_table: identifier
      .default("hygge_state")
      .describe(
        "Table of committed run state (watermarks, columns), in the target table's schema (default hygge_state).",
      ),
  })
  .refine((o) => !(o.replace_existing && o.if_exists === "fail"), {
    message: "replace_existing: true contradicts if_exists: fail (which never replaces a table): keep one",
    path: ["replace_existing"],
  });
export type SqlStoreOptions = z.output<typeof sqlStoreOptions>;
