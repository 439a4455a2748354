import { HyggeError, type HyggeErrorCode } from "@hygge/core";

const PLUGIN = "@hygge/azure";

/** What the service said, from a RestError of @azure/storage-blob (or a network error). */
interface ServiceError {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  details?: { errorCode?: string };
}

export function serviceCode(error: unknown): string | undefined {
  const e = error as ServiceError;
  return e?.details?.errorCode ?? e?.code;
}

export function statusOf(error: unknown): number | undefined {
  return (error as ServiceError)?.statusCode;
}

/** Removes anything secret a service message could echo: SAS signatures, keys, Authorization headers. */
export function redact(text: string): string {
  return text
    .replace(/([?&](?:sig|se|sv|sp|st|spr|srt|ss|sr|skoid|sktid|skt|ske|sks|skv)=)[^&\s'"]*/gi, "$1…")
    .replace(/(AccountKey=)[^;\s'"]*/gi, "$1…")
    .replace(/(SharedAccessSignature=)[^;\s'"]*/gi, "$1…")
    .replace(/(SharedKey [^:\s]+:)[^\s'"]+/gi, "$1…")
    .replace(/(Bearer )[^\s'"]+/gi, "$1…");
}

/**
 * A service or network error as a HyggeError naming `url` (an az:// URL, never a SAS URL) and what
 * to do. The SDK's own error is not kept as `cause`: it holds the request, headers and SAS URL.
 */
export function azureError(error: unknown, url: string, op: "read" | "write", endpoint: string): HyggeError {
  if (error instanceof HyggeError) return error;
  const e = error as ServiceError;
  if (e?.name === "AbortError") {
    return new HyggeError("ABORTED", `${op === "read" ? "reading" : "writing"} ${url} was cancelled`, {
      plugin: PLUGIN,
      subject: url,
    });
  }
  if (/CredentialUnavailableError|AggregateAuthenticationError|AuthenticationError/.test(e?.name ?? "")) {
    return new HyggeError("CONNECTION_FAILED", `${url}: no Azure credential could be obtained`, {
      plugin: PLUGIN,
      subject: url,
      hint: "give account_key:, sas_token: or connection_string:, or set up the default Azure credential chain (AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, a managed identity, or `az login`)",
      cause: new Error(firstLine(redact(e?.message ?? ""))),
    });
  }
  const status = e?.statusCode;
  const code = serviceCode(error);
  const said = firstLine(redact(e?.message ?? String(error)));
  const cause = new Error(`${status ?? ""} ${code ?? ""}: ${said}`.trim());
  const make = (c: HyggeErrorCode, message: string, hint: string, transient = false) =>
    new HyggeError(c, message, { plugin: PLUGIN, subject: url, hint, transient, cause });
  if (status === 403 || status === 401) {
    return make(
      "CONNECTION_FAILED",
      `access to ${url} was denied (${status} ${code ?? ""})`.replace(" )", ")"),
      `check the credentials of the connection for ${endpoint}: account_key, sas_token (its permissions and expiry) or, for the Azure credential chain, a role such as "Storage Blob Data Contributor" on the container`,
    );
  }
  if (code === "ContainerNotFound") {
    return make(
      "CONNECTION_FAILED",
      `${url}: the container does not exist at ${endpoint}`,
      "create the container (hygge does not), or fix container: / the URL",
    );
  }
  if (
    status === undefined ||
    code === "REQUEST_SEND_ERROR" ||
    /ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket/i.test(said)
  ) {
    return make(
      "CONNECTION_FAILED",
      `${url}: cannot reach ${endpoint} (${said})`,
      "check the account name or url:, the network and any proxy",
      true,
    );
  }
  const transient = status === 408 || status === 429 || status >= 500;
  return make(
    op === "read" ? "HOME_READ_FAILED" : "STORE_WRITE_FAILED",
    `${op === "read" ? "reading" : "writing"} ${url} failed: ${status} ${code ?? ""} ${said}`.trim(),
    transient ? "the service is busy or failing: a retry may succeed" : "see the service's error code above",
    transient,
  );
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.slice(0, 300);
}
