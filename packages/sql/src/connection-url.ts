/**
 * `url:` of a SQL connection: a connection string parsed into the same discrete options
 * (`host`, `port`, `database`, `user`, `password`, `ssl` / `server`, `encrypt`, …).
 *
 * Messages never contain the password nor the whole string (only key names and harmless values).
 */

/** The discrete options one `url` stands for (only the keys it sets). */
export type UrlOptions = Record<string, unknown>;

/** A refused connection string: `message` is safe to print (no password, no whole string). */
export class ConnectionUrlError extends Error {}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConnectionUrlError(`the ${what} in url is not valid percent-encoding`);
  }
}

/** Host, port, user, password and database of `scheme://user:pass@host:port/db?query`. */
function parseUrl(url: string, schemes: readonly string[]) {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (!scheme || !schemes.includes(scheme)) {
    throw new ConnectionUrlError(
      `url must start with ${schemes.map((s) => `${s}://`).join(" or ")}${scheme ? `, got ${scheme}://` : ""}`,
    );
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // The thrown error carries the input (with the password): never pass it on.
    throw new ConnectionUrlError(`url is not a valid ${scheme}://user:password@host:port/database URL`);
  }
  if (u.hash) throw new ConnectionUrlError("url must not contain a #fragment");
  const out: UrlOptions = {};
  if (u.hostname) out.host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (u.port) out.port = Number(u.port);
  if (u.username) out.user = decode(u.username, "user");
  if (u.password) out.password = decode(u.password, "password");
  const path = u.pathname.replace(/^\//, "");
  if (path.includes("/")) throw new ConnectionUrlError("url path must be a single database name (/database)");
  if (path) out.database = decode(path, "database");
  const query = new Map<string, string>();
  for (const [key, value] of u.searchParams) {
    if (query.has(key)) throw new ConnectionUrlError(`url repeats the query parameter "${key}"`);
    query.set(key, value);
  }
  return { out, query };
}

function refuseUnknown(keys: Iterable<string>, known: readonly string[], where: string) {
  const unknown = [...keys].filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ConnectionUrlError(
      `url has unknown ${where} ${unknown.map((k) => `"${k}"`).join(", ")} (known: ${known.join(", ")})`,
    );
  }
}

/**
 * libpq's `sslmode` onto hygge's `ssl`: `disable` → `false`, `require` → encrypted without checking
 * the certificate (`{ reject_unauthorized: false }`), `verify-ca` and `verify-full` → `true`
 * (certificate chain AND host name checked: node has no chain-only check).
 */
const SSLMODES: Record<string, unknown> = {
  disable: false,
  require: { reject_unauthorized: false },
  "verify-ca": true,
  "verify-full": true,
};

/** `postgres://user:pass@host:5432/db?sslmode=require&application_name=x` (also `postgresql://`). */
export function parsePostgresUrl(url: string): UrlOptions {
  const { out, query } = parseUrl(url, ["postgres", "postgresql"]);
  if (!("host" in out)) throw new ConnectionUrlError("url has no host");
  refuseUnknown(query.keys(), ["sslmode", "application_name"], "query parameter");
  const sslmode = query.get("sslmode");
  if (sslmode !== undefined) {
    if (!(sslmode in SSLMODES)) {
      throw new ConnectionUrlError(
        `url sslmode must be one of ${Object.keys(SSLMODES).join(", ")}, got "${sslmode}"` +
          (sslmode === "prefer" || sslmode === "allow"
            ? " (hygge never falls back to an unencrypted connection: choose disable or require)"
            : ""),
      );
    }
    out.ssl = SSLMODES[sslmode];
  }
  const app = query.get("application_name");
  if (app !== undefined) out.application_name = app;
  return out;
}

const BOOLEAN: Record<string, boolean> = {
  true: true,
  yes: true,
  "1": true,
  false: false,
  no: false,
  "0": false,
};

function bool(value: string, key: string): boolean {
  const b = BOOLEAN[value.trim().toLowerCase()];
  if (b === undefined) throw new ConnectionUrlError(`url ${key} must be true or false, got "${value}"`);
  return b;
}

function port(value: string): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 65535) {
    throw new ConnectionUrlError(`url port must be a number from 1 to 65535, got "${value}"`);
  }
  return n;
}

/** `Key=Value;…` pairs; a value may be quoted ('…' or "…", the quote doubled inside). */
function adoPairs(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[\s;]/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const eq = text.indexOf("=", i);
    const semi = text.indexOf(";", i);
    if (eq < 0 || (semi >= 0 && semi < eq)) {
      throw new ConnectionUrlError(
        "url is neither a URL nor a Key=Value;… connection string (a part has no =; a value holding ; must be quoted: Password='…')",
      );
    }
    const key = text.slice(i, eq).trim();
    i = eq + 1;
    while (i < text.length && text[i] === " ") i++;
    let value = "";
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      i++;
      for (;;) {
        if (i >= text.length) throw new ConnectionUrlError(`url value of "${key}" has no closing quote`);
        if (text[i] === quote) {
          if (text[i + 1] === quote) {
            value += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      while (i < text.length && text[i] === " ") i++;
      if (i < text.length && text[i] !== ";") {
        throw new ConnectionUrlError(`url value of "${key}" has text after its closing quote`);
      }
    } else {
      const end = text.indexOf(";", i);
      value = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      i = end < 0 ? text.length : end;
    }
    pairs.push([key, value]);
  }
  return pairs;
}

/** ADO.NET keywords (lower case, spaces removed) → the option they set. */
const ADO_KEYS: Record<string, string> = {
  server: "server",
  datasource: "server",
  address: "server",
  addr: "server",
  networkaddress: "server",
  database: "database",
  initialcatalog: "database",
  userid: "user",
  uid: "user",
  user: "user",
  password: "password",
  pwd: "password",
  encrypt: "encrypt",
  trustservercertificate: "trust_server_certificate",
};

function parseAdo(text: string): UrlOptions {
  const out: UrlOptions = {};
  const seen = new Map<string, string>();
  const unknown: string[] = [];
  for (const [key, value] of adoPairs(text)) {
    const option = ADO_KEYS[key.toLowerCase().replace(/\s+/g, "")];
    if (!option) {
      unknown.push(key);
      continue;
    }
    const earlier = seen.get(option);
    if (earlier !== undefined)
      throw new ConnectionUrlError(`url sets ${option} twice ("${earlier}" and "${key}")`);
    seen.set(option, key);
    if (option === "server") {
      const [host, p, ...rest] = value.replace(/^tcp:/i, "").split(",");
      if (!host?.trim() || rest.length > 0) {
        throw new ConnectionUrlError(`url ${key} must be host or host,port, got "${value}"`);
      }
      if (host.includes("\\")) {
        throw new ConnectionUrlError(`url ${key} names an instance (host\\instance): give host,port instead`);
      }
      out.server = host.trim();
      if (p !== undefined) out.port = port(p);
    } else if (option === "encrypt") {
      const v = value.trim().toLowerCase();
      out.encrypt = v === "mandatory" || v === "strict" ? true : v === "optional" ? false : bool(value, key);
    } else if (option === "trust_server_certificate") out.trust_server_certificate = bool(value, key);
    else out[option] = value;
  }
  if (unknown.length > 0) {
    throw new ConnectionUrlError(
      `url has unknown key${unknown.length === 1 ? "" : "s"} ${unknown.map((k) => `"${k}"`).join(", ")} (known: Server, Database, User Id, Password, Encrypt, TrustServerCertificate)`,
    );
  }
  if (!("server" in out)) throw new ConnectionUrlError("url has no Server=host,port");
  return out;
}

/**
 * `mssql://user:pass@host:1433/db?encrypt=true&trustServerCertificate=false` (also
 * `sqlserver://`), or ADO.NET `Server=host,1433;Database=db;User Id=…;Password=…;Encrypt=true;…`.
 */
export function parseMssqlUrl(url: string): UrlOptions {
  if (!SCHEME.test(url)) {
    if (!url.includes("=")) {
      throw new ConnectionUrlError(
        "url must be mssql://user:password@host:port/database or Server=host,port;Database=…;User Id=…;Password=…",
      );
    }
    return parseAdo(url);
  }
  const { out, query } = parseUrl(url, ["mssql", "sqlserver"]);
  if (!("host" in out)) throw new ConnectionUrlError("url has no host");
  out.server = out.host;
  delete out.host;
  refuseUnknown(query.keys(), ["encrypt", "trustServerCertificate"], "query parameter");
  const encrypt = query.get("encrypt");
  if (encrypt !== undefined) out.encrypt = bool(encrypt, "encrypt");
  const trust = query.get("trustServerCertificate");
  if (trust !== undefined) out.trust_server_certificate = bool(trust, "trustServerCertificate");
  return out;
}
