import { isSecretKey } from "@hygge/core";

/**
 * The URL as it may be printed: no user or password, and the values of secret-looking query
 * parameters (`api_key`, `token`, `signature`…) replaced by `***`.
 */
export function safeUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "(an unparsable URL)";
  }
  u.username = "";
  u.password = "";
  for (const key of [...u.searchParams.keys()]) if (isSecretKey(key)) u.searchParams.set(key, "***");
  return u.toString().replace(/%2A%2A%2A/g, "***");
}

/** `url` with `name=value` set (replacing an earlier value of `name`). */
export function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}
