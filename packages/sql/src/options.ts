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
const url = z.string().min(1).optional();

/** `connections:` block of `type: postgres`. */
export const postgresConnectionOptions = withUrl(
  z.strictObject({
    url,
    /** Default `localhost`. */
    host: z.string().min(1).optional(),
    /** Default 5432. */
    port: z.number().int().min(1).max(65535).optional(),
    /** Required, here or in `url`. */
    database: z.string().min(1).optional(),
    /** Required, here or in `url`. */
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    ssl: z
      .union([
        z.boolean(),
        z.strictObject({ reject_unauthorized: z.boolean().optional(), ca: z.string().optional() }),
      ])
      .optional(),
    pool_size: positiveInt.max(100).default(10),
    /** Opening a connection (TCP + TLS + login) and waiting for a free pooled one. */
    connect_timeout_ms: positiveInt.default(15_000),
    /** TCP keepalive: a silently dead server or network path is noticed instead of waited on forever. */
    keepalive: z.boolean().default(true),
    /** Idle time before the first keepalive probe. */
    keepalive_initial_delay_ms: nonNegativeInt.default(30_000),
    /**
     * Server-side limit of one statement (0 = the server's setting). A whole COPY load or COPY read
     * is ONE statement: set this above the longest load, or leave it 0.
     */
    statement_timeout_ms: nonNegativeInt.default(0),
    /** How long one statement may wait for a lock (the full_drop swap waits for readers); 0 = forever. */
    lock_timeout_ms: nonNegativeInt.default(300_000),
    /**
     * The server ends a session idle inside a transaction for longer (0 = never). hygge keeps the
     * store's transaction open while the home produces rows: a slow home looks idle.
     */
    idle_in_transaction_timeout_ms: nonNegativeInt.default(0),
    /** Cancelling an abandoned statement and rolling back, before the connection is destroyed instead. */
    cancel_timeout_ms: positiveInt.default(10_000),
    /** Default `hygge`. */
    application_name: z.string().optional(),
  }),
  parsePostgresUrl,
  { host: "localhost", port: 5432, application_name: "hygge" },
  ["database", "user"],
);
export type PostgresConnectionOptions = z.output<typeof postgresConnectionOptions>;

/** `connections:` block of `type: mssql`. */
export const mssqlConnectionOptions = withUrl(
  z.strictObject({
    url,
    /** Required, here or in `url`. */
    server: z.string().min(1).optional(),
    /** Default 1433. */
    port: z.number().int().min(1).max(65535).optional(),
    /** Required, here or in `url`. */
    database: z.string().min(1).optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    /** Default `true`. */
    encrypt: z.boolean().optional(),
    /** Default `false`. */
    trust_server_certificate: z.boolean().optional(),
    /** Azure AD: `default` (managed identity / environment) or a service principal. */
    azure_ad: z
      .strictObject({
        type: z.enum(["default", "service-principal", "password"]),
        client_id: z.string().optional(),
        tenant_id: z.string().optional(),
        client_secret: z.string().optional(),
      })
      .optional(),
    pool_size: positiveInt.max(100).default(10),
    /** Opening a connection (TCP + TLS + login). */
    connect_timeout_ms: positiveInt.default(15_000),
    /**
     * One request (statement or one bulk batch); 0 = no limit. A request that does not answer in
     * time is cancelled and fails (transient).
     */
    request_timeout_ms: nonNegativeInt.default(300_000),
    /** Waiting for the server to acknowledge a cancel before the connection is closed instead. */
    cancel_timeout_ms: positiveInt.default(10_000),
    // TCP keepalive: tedious enables it on every socket (first probe after 30 s); not configurable.
  }),
  parseMssqlUrl,
  { port: 1433, encrypt: true, trust_server_certificate: false },
  ["server", "database"],
);
export type MssqlConnectionOptions = z.output<typeof mssqlConnectionOptions>;

const identifier = z.string().min(1).max(128);

/** `home:` block of `type: postgres` / `type: mssql`. */
export const sqlHomeOptions = z
  .strictObject({
    connection: z.string().min(1),
    /** Table to read, optionally schema-qualified (`sales.orders`); `{entity}` is replaced. */
    table: z.string().min(1).optional(),
    /** A SELECT to read instead of a table; `{entity}` is replaced (as a quoted identifier). */
    query: z.string().min(1).optional(),
    columns: z.array(identifier).min(1).optional(),
    batch_size: positiveInt.max(1_000_000).default(10_000),
  })
  .refine((o) => (o.table === undefined) !== (o.query === undefined), {
    message: "set exactly one of table or query",
  });
export type SqlHomeOptions = z.output<typeof sqlHomeOptions>;

/** `store:` block of `type: postgres` / `type: mssql`. */
export const sqlStoreOptions = z
  .strictObject({
    connection: z.string().min(1),
    /** Target table, optionally schema-qualified; `{entity}` is replaced. */
    table: z.string().min(1),
    /** When the table is missing: `create` it from the Arrow schema, or `fail`. */
    if_missing: z.enum(["create", "fail"]).default("create"),
    /**
     * full_drop on an existing table: `replace` it (staging + atomic swap), or `fail` without
     * touching it. incremental appends to and merge upserts into an existing table either way.
     */
    if_exists: z.enum(["replace", "fail"]).default("replace"),
    /**
     * Lets the first full_drop replace a table that exists but that hygge never published (no row
     * for it in the state table). Without it that run stops before changing anything.
     */
    replace_existing: z.boolean().default(false),
    /** Table of committed run state (watermarks), in the target schema. */
    state_table: identifier.default("hygge_state"),
  })
  .refine((o) => !(o.replace_existing && o.if_exists === "fail"), {
    message: "replace_existing: true contradicts if_exists: fail (which never replaces a table): keep one",
    path: ["replace_existing"],
  });
export type SqlStoreOptions = z.output<typeof sqlStoreOptions>;
