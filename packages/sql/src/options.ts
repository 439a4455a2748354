import { z } from "@hygge/core";

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);

/** `connections:` block of `type: postgres`. */
export const postgresConnectionOptions = z.strictObject({
  host: z.string().min(1).default("localhost"),
  port: z.number().int().min(1).max(65535).default(5432),
  database: z.string().min(1),
  user: z.string().min(1),
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
  application_name: z.string().default("hygge"),
});
export type PostgresConnectionOptions = z.output<typeof postgresConnectionOptions>;

/** `connections:` block of `type: mssql`. */
export const mssqlConnectionOptions = z.strictObject({
  server: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(1433),
  database: z.string().min(1),
  user: z.string().optional(),
  password: z.string().optional(),
  encrypt: z.boolean().default(true),
  trust_server_certificate: z.boolean().default(false),
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
});
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
