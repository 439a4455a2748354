import type { StorageLocation } from "@hygge/core";
import { HyggeError } from "@hygge/core";

export const AZURE_SCHEMES = ["az", "abfs", "abfss", "wasb", "wasbs"] as const;

/** The public cloud's blob suffix: `<account>.blob.core.windows.net`. */
const PUBLIC_SUFFIX = "core.windows.net";

/**
 * Splits an Azure URL into connection options and a blob path:
 * - `az://container/prefix` (the account comes from the connection or the environment);
 * - `az://account.blob.core.windows.net/container/prefix`;
 * - `abfss://container@account.dfs.core.windows.net/prefix` (ADLS Gen2; `abfs`, `wasb`, `wasbs` alike),
 *   served through the account's blob endpoint;
 * - `abfss://workspace@onelake.dfs.fabric.microsoft.com/item.Lakehouse/Files/…` (OneLake): the
 *   blob endpoint `https://onelake.blob.fabric.microsoft.com`, the workspace as container.
 */
export function azureFromUrl(url: URL): StorageLocation {
  const scheme = url.protocol.replace(/:$/, "").toLowerCase();
  const host = url.hostname.toLowerCase();
  const segments = url.pathname
    .split("/")
    .filter((s) => s !== "")
    .map(decodeURIComponent);
  if (url.search) {
    throw invalid(
      url,
      "has a query string (a SAS token?)",
      "give the SAS token as sas_token: of a connection, never in a path",
    );
  }
  if (url.username) {
    // container@host: the ADLS / WASB form.
    if (url.password) throw invalid(url, "has a password in it", "give credentials in a connection");
    return {
      options: { container: decodeURIComponent(url.username), ...endpointOf(host, url) },
      path: segments.join("/"),
    };
  }
  if (scheme === "az" && !host.includes(".")) {
    if (!host) throw invalid(url, "names no container", "write az://container/path");
    return { options: { container: decodeURIComponent(url.hostname) }, path: segments.join("/") };
  }
  if (host.includes(".")) {
    // az://account.blob.core.windows.net/container/prefix
    const [container, ...rest] = segments;
    if (!container)
      throw invalid(url, "names no container", "write az://account.blob.core.windows.net/container/path");
    return { options: { container, ...endpointOf(host, url) }, path: rest.join("/") };
  }
  throw invalid(
    url,
    "is not an Azure storage URL",
    "write az://container/path or abfss://container@account.dfs.core.windows.net/path",
  );
}

/** `account.dfs.core.windows.net` → `{ account }`; any other `x.dfs.y` → the blob endpoint `https://x.blob.y`. */
function endpointOf(host: string, url: URL): { account?: string; url?: string } {
  const match = /^([^.]+)\.(?:dfs|blob)\.(.+)$/.exec(host);
  if (!match)
    throw invalid(
      url,
      `has an unknown host ${host}`,
      "use <account>.dfs.core.windows.net or onelake.dfs.fabric.microsoft.com",
    );
  const [, name, suffix] = match as unknown as [string, string, string];
  if (suffix === PUBLIC_SUFFIX) return { account: name };
  const endpoint = `https://${name}.blob.${suffix}`;
  // OneLake has no account (and no account key): only Entra ID tokens.
  return name.endsWith("onelake") ? { url: endpoint } : { account: name, url: endpoint };
}

function invalid(url: URL, what: string, hint: string): HyggeError {
  return new HyggeError("CONFIG_INVALID", `${url.protocol}//${url.host}${url.pathname} ${what}`, {
    plugin: "@hygge/azure",
    hint,
  });
}
