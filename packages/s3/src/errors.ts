import { HyggeError, type HyggeErrorCode, isHyggeError } from "@hygge/core";

export const PLUGIN = "@hygge/s3";

/** What the driver was doing: picks the error code when the cause is not the connection. */
export type S3Step = "read" | "write";

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: "client" | "server";
  $retryable?: unknown;
}

const CREDENTIAL_ERRORS = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "CredentialsProviderError",
]);
const NETWORK_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "TimeoutError",
  "RequestTimeout",
]);

/**
 * A HyggeError for a failed S3 call: names the object (`s3://bucket/key`) and says what to do.
 * The SDK's messages carry no credentials; ours never add any (the endpoint is shown without
 * user-info).
 */
export function s3Error(
  error: unknown,
  step: S3Step,
  what: string,
  url: string,
  endpoint: string,
): HyggeError {
  if (isHyggeError(error)) return error;
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const detail = `${name}${status ? ` (HTTP ${status})` : ""}: ${e.message ?? String(error)}`;
  const opts = { plugin: PLUGIN, subject: url, cause: error };
  if (name === "AbortError" || (e as { code?: string }).code === "ABORT_ERR") {
    return new HyggeError("ABORTED", `${what} ${url} was cancelled`, opts);
  }
  if (CREDENTIAL_ERRORS.has(name) || status === 403) {
    return new HyggeError("CONNECTION_FAILED", `${what} ${url} was refused: ${detail}`, {
      ...opts,
      hint: "check the credentials (access_key_id/secret_access_key, AWS_PROFILE or the role) and that they may read and write this bucket",
    });
  }
  if (name === "NoSuchBucket") {
    return new HyggeError("CONNECTION_FAILED", `${what} ${url}: the bucket does not exist`, {
      ...opts,
      hint: "create the bucket, or fix `bucket:` (or the s3://bucket/ path)",
    });
  }
  if (isNetworkError(error)) {
    return new HyggeError("CONNECTION_FAILED", `${what} ${url}: cannot reach ${endpoint}: ${detail}`, {
      ...opts,
      transient: true,
      hint: "check `endpoint:` and `region:`, and that the service is up and reachable from here",
    });
  }
  const stepCode: HyggeErrorCode = step === "read" ? "HOME_READ_FAILED" : "STORE_WRITE_FAILED";
  return new HyggeError(stepCode, `${what} ${url} failed: ${detail}`, {
    ...opts,
    transient: e.$fault === "server" || status === 503 || name === "SlowDown" || e.$retryable !== undefined,
  });
}

/**
 * ECONNREFUSED & co., on the error or its causes. The SDK wraps errors from another realm (jest's
 * VM modules) in "AWS SDK error wrapper for …", keeping only the message: the code is read there too.
 */
function isNetworkError(error: unknown): boolean {
  for (let e = error as (SdkError & { cause?: unknown }) | undefined, depth = 0; e && depth < 5; depth++) {
    if (NETWORK_ERRORS.has(e.name ?? "") || NETWORK_ERRORS.has(e.code ?? "")) return true;
    if (/\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT)\b/.test(e.message ?? "")) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export function httpStatus(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode;
}

export function errorName(error: unknown): string | undefined {
  return (error as SdkError | undefined)?.name;
}
