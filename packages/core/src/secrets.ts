import { isPlainObject } from "./config/merge.js";

const SECRET_KEY =
  /(pass(word)?|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key(_id)?|account[_-]?key|shared[_-]?key|sas|signature|credential|connection[_-]?string|dsn|url)$/i;

/** True for config keys whose values must never be printed. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * The passwords inside a connection string, as they may appear on their own: a URL's password
 * (as written and percent-decoded) and an ADO.NET `Password=` / `PWD=` value.
 */
function embeddedPasswords(value: string): string[] {
  const found: string[] = [];
  // Up to the last `@` before the host: a password may hold an unencoded `@` (`p@ss`).
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:([^/?#\s]+)@/i.exec(value);
  if (url) {
    found.push(url[1]!);
    try {
      found.push(decodeURIComponent(url[1]!));
    } catch {
      // not percent-encoded: the raw form is enough
    }
  }
  for (const m of value.matchAll(
    /(?:^|;)\s*(?:password|pwd)\s*=\s*('(?:[^']|'')*'|"(?:[^"]|"")*"|[^;]*)/gi,
  )) {
    const raw = m[1]!.trim();
    found.push(raw);
    if (/^['"]/.test(raw)) found.push(raw.slice(1, -1).replace(/''/g, "'").replace(/""/g, '"'));
  }
  return found.filter((p) => p.length >= 3);
}

/** Every value under a secret-looking key, anywhere in `config` (and the passwords inside connection strings). */
export function collectSecrets(config: unknown, out = new Set<string>()): Set<string> {
  const visit = (value: unknown, key: string) => {
    if (typeof value === "string" && isSecretKey(key) && value.length >= 3) {
      out.add(value);
      for (const p of embeddedPasswords(value)) out.add(p);
    } else if (Array.isArray(value)) for (const v of value) visit(v, key);
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(config, "");
  return out;
}

/** Replaces every secret (and the password part of any URL) in `text` with `***`. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret) out = out.split(secret).join("***");
  }
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^/?#\s]+@/gi, "$1***@");
}

/** A deep copy of `config` with secret values replaced by `***` (for --dry-run and debug output). */
export function redactConfig<T>(config: T): T {
  const visit = (value: unknown, key: string): unknown => {
    if (typeof value === "string" && isSecretKey(key)) return "***";
    if (Array.isArray(value)) return value.map((v) => visit(v, key));
    if (isPlainObject(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k)]));
    return value;
  };
  return visit(config, "") as T;
}
