import { type CreateContext, isHyggeError, RunResources, silentLogger, zodIssues } from "@hygge/core";
import { afterAll, describe, expect, it } from "@jest/globals";
import { resolveConnection } from "../src/connection.js";
import plugin from "../src/index.js";
import { mssqlConnectionOptions, postgresConnectionOptions } from "../src/options.js";
import { dropOwnTables, pgHome, readAll, unique, withClient } from "./pg-helpers.js";
import { postgresServers } from "./servers.js";

const SECRET = "s3cr%40t;pw";
const DECODED = "s3cr@t;pw";

/** The options `url` (and the other keys) parse into, or the issues as core prints them. */
function parse(schema: typeof postgresConnectionOptions | typeof mssqlConnectionOptions, options: object) {
  const result = schema.safeParse(options);
  if (result.success) return result.data as Record<string, unknown>;
  return zodIssues(schema, result.error, { prefix: ["connections", "db"] }).map(
    (i) => `${i.path}: ${i.message}`,
  );
}

describe("PostgreSQL url", () => {
  it("parses into the discrete options, percent-decoded", () => {
    expect(
      parse(postgresConnectionOptions, { url: `postgres://us%40er:${SECRET}@db.example.com:5433/my%20db` }),
    ).toMatchObject({
      host: "db.example.com",
      port: 5433,
      user: "us@er",
      password: DECODED,
      database: "my db",
      application_name: "hygge",
    });
    expect(parse(postgresConnectionOptions, { url: "postgresql://u@h/db" })).toMatchObject({
      host: "h",
      port: 5432,
      user: "u",
      database: "db",
    });
    expect(parse(postgresConnectionOptions, { url: "postgres://u@[::1]:6000/db" })).toMatchObject({
      host: "::1",
      port: 6000,
    });
    expect(parse(postgresConnectionOptions, { url: "postgres://u@h/db?application_name=etl" })).toMatchObject(
      {
        application_name: "etl",
      },
    );
  });

  it("maps sslmode onto ssl", () => {
    const ssl = (mode: string) =>
      (parse(postgresConnectionOptions, { url: `postgres://u@h/db?sslmode=${mode}` }) as { ssl: unknown })
        .ssl;
    expect(ssl("disable")).toBe(false);
    expect(ssl("require")).toEqual({ reject_unauthorized: false });
    expect(ssl("verify-ca")).toBe(true);
    expect(ssl("verify-full")).toBe(true);
    expect(parse(postgresConnectionOptions, { url: "postgres://u@h/db" })).not.toHaveProperty("ssl");
    expect(parse(postgresConnectionOptions, { url: "postgres://u@h/db?sslmode=prefer" })).toEqual([
      expect.stringMatching(
        /^connections\.db\.url: .*sslmode must be one of disable, require, verify-ca, verify-full, got "prefer".*never falls back/,
      ),
    ]);
  });

  it("takes discrete keys that agree with it, refuses ones that contradict it naming both", () => {
    expect(
      parse(postgresConnectionOptions, { url: "postgres://u@h:5432/db", port: 5432, pool_size: 3 }),
    ).toMatchObject({ port: 5432, pool_size: 3 });
    expect(parse(postgresConnectionOptions, { url: "postgres://u@h/db", port: 6000 })).toMatchObject({
      port: 6000,
    });
    expect(parse(postgresConnectionOptions, { url: "postgres://u@h:5433/db", port: 6000 })).toEqual([
      "connections.db.port: port: 6000 contradicts url (port 5433): give it in one place",
    ]);
    expect(parse(postgresConnectionOptions, { url: "postgres://u@h/db?sslmode=disable", ssl: true })).toEqual(
      ["connections.db.ssl: ssl: true contradicts url (ssl false): give it in one place"],
    );
    const issues = parse(postgresConnectionOptions, {
      url: `postgres://u:${SECRET}@h/db`,
      password: "other",
    });
    expect(issues).toEqual([
      "connections.db.password: password contradicts the password in url: give it in one place",
    ]);
  });

  it("refuses bad forms at the url key, never echoing the password", () => {
    const bad: [string, RegExp][] = [
      [`mysql://u:${SECRET}@h/db`, /must start with postgres:\/\/ or postgresql:\/\/, got mysql:\/\//],
      [`postgres://u:${SECRET}@h:99999/db`, /not a valid postgres:\/\/user:password@host:port\/database URL/],
      [`postgres://u:${SECRET}@h/db?sslmode=require&foo=1&bar=2`, /unknown query parameter "foo", "bar"/],
      [`postgres://u:${SECRET}@h/db/extra`, /single database name/],
      [`postgres:///db`, /no host/],
      [`host=h user=u password=${SECRET}`, /must start with postgres:\/\//],
    ];
    for (const [url, message] of bad) {
      const issues = parse(postgresConnectionOptions, { url });
      expect(issues).toEqual([expect.stringMatching(message)]);
      expect((issues as string[])[0]!.startsWith("connections.db.url: ")).toBe(true);
      expect(JSON.stringify(issues)).not.toContain("s3cr");
    }
  });

  it("keeps database and user required when neither the key nor url gives them", () => {
    expect(parse(postgresConnectionOptions, { url: "postgres://h" })).toEqual([
      "connections.db.database: required (as database, or inside url)",
      "connections.db.user: required (as user, or inside url)",
    ]);
    expect(parse(postgresConnectionOptions, { url: "postgres://h", user: "u", database: "d" })).toMatchObject(
      {
        host: "h",
        user: "u",
        database: "d",
      },
    );
  });
});

describe("SQL Server url", () => {
  it("parses mssql:// and sqlserver:// URLs", () => {
    expect(
      parse(mssqlConnectionOptions, {
        url: `mssql://sa:${SECRET}@sql.example.com:1444/Sales?encrypt=false&trustServerCertificate=true`,
      }),
    ).toMatchObject({
      server: "sql.example.com",
      port: 1444,
      user: "sa",
      password: DECODED,
      database: "Sales",
      encrypt: false,
      trust_server_certificate: true,
    });
    const o = parse(mssqlConnectionOptions, { url: "sqlserver://sa@h/db" });
    expect(o).toMatchObject({
      server: "h",
      port: 1433,
      database: "db",
      encrypt: true,
      trust_server_certificate: false,
    });
    expect(o).not.toHaveProperty("host");
  });

  it("parses the ADO.NET form (synonyms, quoting, tcp: prefix)", () => {
    expect(
      parse(mssqlConnectionOptions, {
        url: "Server=tcp:sql.example.com,1444;Database=Sales;User Id=sa;Password='a;b''c';Encrypt=true;TrustServerCertificate=False;",
      }),
    ).toMatchObject({
      server: "sql.example.com",
      port: 1444,
      database: "Sales",
      user: "sa",
      password: "a;b'c",
      encrypt: true,
      trust_server_certificate: false,
    });
    expect(
      parse(mssqlConnectionOptions, { url: 'Data Source=h;Initial Catalog=d;UID=u;PWD="p=1";encrypt=no' }),
    ).toMatchObject({ server: "h", port: 1433, database: "d", user: "u", password: "p=1", encrypt: false });
  });

  it("refuses bad forms at the url key, never echoing the password", () => {
    const bad: [string, RegExp][] = [
      [`Server=h;Database=d;Password='${SECRET}';Foo=1;Bar=2`, /unknown keys "Foo", "Bar"/],
      [`Database=d;Password='${SECRET}'`, /no Server=host,port/],
      [`Server=h,x;Password='${SECRET}'`, /port must be a number/],
      [`Server=h\\inst;Password='${SECRET}'`, /names an instance/],
      [`Server=h;Password='${SECRET}`, /has no closing quote/],
      [`Server=h;Encrypt=maybe;Password='${SECRET}'`, /Encrypt must be true or false, got "maybe"/],
      [
        `mssql://sa:${SECRET}@h/db?encrypt=true&applicationIntent=ReadOnly`,
        /unknown query parameter "applicationIntent"/,
      ],
      [`just-a-host`, /must be mssql:\/\/user:password@host:port\/database or Server=/],
    ];
    for (const [url, message] of bad) {
      const issues = parse(mssqlConnectionOptions, { url });
      expect(issues).toEqual([expect.stringMatching(message)]);
      expect((issues as string[])[0]!.startsWith("connections.db.url: ")).toBe(true);
      expect(JSON.stringify(issues)).not.toContain("s3cr");
    }
    expect(parse(mssqlConnectionOptions, { url: "Server=h,1433;Database=d", port: 1500 })).toEqual([
      "connections.db.port: port: 1500 contradicts url (port 1433): give it in one place",
    ]);
  });
});

function contextWith(
  options: Record<string, unknown>,
  type: "postgres" | "mssql" = "postgres",
): CreateContext {
  return {
    flow: "sqltest",
    projectDir: process.cwd(),
    connections: { warehouse: { name: "warehouse", type, options } },
    resources: new RunResources(),
    logger: silentLogger,
  };
}

describe("url redaction", () => {
  it("describe() (--dry-run) shows the connection without the password", () => {
    const ctx = contextWith({ url: `postgres://loader:${SECRET}@db.example.com:5433/dw?sslmode=require` });
    const home = plugin.homes.postgres;
    const line = home.describe(home.options.parse({ connection: "warehouse", table: "t" }), ctx);
    expect(line).toBe("postgres table t on postgres loader@db.example.com:5433/dw (connection warehouse)");
    const mctx = contextWith({ url: `Server=sql,1444;Database=d;User Id=sa;Password='${SECRET}'` }, "mssql");
    const mline = plugin.stores.mssql.describe(
      plugin.stores.mssql.options.parse({ connection: "warehouse", table: "t" }),
      mctx,
    );
    expect(mline).toBe("mssql table t on mssql sa@sql:1444/d (connection warehouse)");
  });

  it("a bad url given straight to a block is a CONFIG_INVALID at the url key, without the password", () => {
    const ctx = contextWith({ url: `postgres://u:${SECRET}@h:99999/db` });
    let error: unknown;
    try {
      resolveConnection(ctx, "warehouse", "postgres");
    } catch (e) {
      error = e;
    }
    expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    expect((error as Error).message).toMatch(/connections\.warehouse\.url: url is not a valid postgres:\/\//);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain("s3cr");
  });

  it("the url and its decoded password are secrets of the connection's errors", () => {
    const url = `postgres://u:${SECRET}@h/db`;
    const handle = resolveConnection(contextWith({ url }), "warehouse", "postgres");
    expect(handle.errorContext("reading").secrets).toEqual(expect.arrayContaining([DECODED, url]));
  });
});

describe.each(postgresServers())("PostgreSQL through url ($label)", ({ url, checksPasswords }) => {
  afterAll(() => dropOwnTables(url));

  it("reads a table through a connection given only as url", async () => {
    const table = unique("url");
    await withClient(url, (c) =>
      c.query(`CREATE TABLE ${table} (id int, name text); INSERT INTO ${table} VALUES (1, 'a'), (2, 'b')`),
    );
    const ctx = contextWith({ url });
    try {
      const batches = await readAll(pgHome(ctx, table), table);
      const rows = batches.flatMap((b) => b.toArray().map((r) => ({ id: r.id, name: r.name })));
      expect(rows).toEqual([
        { id: 1, name: "a" },
        { id: 2, name: "b" },
      ]);
    } finally {
      await (ctx.resources as RunResources).closeAll();
    }
  });

  (checksPasswords ? it : it.skip)(
    "a refused login names the connection, never the url's password",
    async () => {
      const u = new URL(url);
      u.password = "wr%40ng-pw-xyz";
      const ctx = contextWith({ url: u.toString() });
      let error: unknown;
      try {
        await readAll(pgHome(ctx, unique("nologin")), "x");
      } catch (e) {
        error = e;
      } finally {
        await (ctx.resources as RunResources).closeAll();
      }
      expect(isHyggeError(error) && error.code).toBe("CONNECTION_FAILED");
      const text = `${(error as Error).message} ${(error as { hint?: string }).hint ?? ""}`;
      expect(text).toMatch(/connection "warehouse"/);
      expect(text).not.toContain("wr%40ng");
      expect(text).not.toContain("wr@ng");
    },
  );
});
