import { HyggeError } from "@hygge/core";
import { safeUrl } from "./url.js";

export interface GetOptions {
  headers: Record<string, string>;
  signal: AbortSignal;
  timeoutMs: number;
  /** Longest Retry-After waited for in place before the error is left to the engine's retry. */
  maxRetryAfterMs: number;
}

/** At most this many in-place waits on one page for a Retry-After. */
const IN_PLACE_RETRIES = 3;

/** GETs `url` and parses its JSON body; HTTP and network failures become HyggeErrors. */
export async function getJson(url: string, options: GetOptions): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const response = await send(url, options);
    if (response.ok) return parseBody(url, response, options.signal);
    await response.body?.cancel().catch(() => {});
    const error = httpError(url, response);
    const wait = retryAfterMs(response.headers.get("retry-after"));
    const waitable = response.status === 429 || response.status === 503;
    if (!waitable || wait === undefined || wait > options.maxRetryAfterMs || attempt >= IN_PLACE_RETRIES)
      throw error;
    await delay(wait, options.signal);
  }
}

async function send(url: string, options: GetOptions): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    return await fetch(url, {
      headers: { accept: "application/json", ...options.headers },
      signal: AbortSignal.any([options.signal, timeout]),
    });
  } catch (error) {
    throw requestError(url, error, options, timeout);
  }
}

async function parseBody(url: string, response: Response, signal: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw aborted(signal);
    throw new HyggeError("HOME_READ_FAILED", `GET ${safeUrl(url)}: the body ended early`, {
      hint: "the connection dropped mid-page; the run is retried",
      transient: true,
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    const start = text.slice(0, 40).replace(/\s+/g, " ");
    throw new HyggeError(
      "HOME_READ_FAILED",
      `GET ${safeUrl(url)}: the body is not JSON (it starts "${start}")`,
      {
        hint: `check that url points at the API's JSON endpoint (content-type: ${response.headers.get("content-type") ?? "none"})`,
      },
    );
  }
}

function requestError(url: string, error: unknown, options: GetOptions, timeout: AbortSignal): HyggeError {
  if (options.signal.aborted) return aborted(options.signal);
  if (timeout.aborted)
    return new HyggeError(
      "HOME_READ_FAILED",
      `GET ${safeUrl(url)}: no answer within ${options.timeoutMs} ms`,
      {
        hint: "the API is slow or unreachable; raise timeout_ms if its pages take longer",
        transient: true,
        cause: error,
      },
    );
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message;
  return new HyggeError("CONNECTION_FAILED", `GET ${safeUrl(url)} failed${why ? ` (${why})` : ""}`, {
    hint: "check that the API's host and port are right and reachable from here",
    transient: true,
    cause: error,
  });
}

/** 429 and 5xx may pass (transient: retried); any other status is refused with what to check. */
export function httpError(url: string, response: Response): HyggeError {
  const { status } = response;
  const retryAfter = response.headers.get("retry-after");
  const what = `GET ${safeUrl(url)} answered ${status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (status === 429 || status >= 500) {
    const after = retryAfter ? ` (Retry-After: ${retryAfter})` : "";
    return new HyggeError("HOME_READ_FAILED", `${what}${after}`, {
      hint:
        status === 429
          ? `the API is throttling; the run is retried${after ? ` after waiting${after}` : ""}: lower the request rate or raise the flow's retry delay`
          : "the API failed on its side; the run is retried",
      transient: true,
      details: { status, retryAfter: retryAfter ?? undefined },
    });
  }
  const hint =
    status === 401 || status === 403
      ? "check the credentials in headers: (set with ${ENV} values)"
      : status === 404
        ? "check url (and the entity name put in {entity}) against the API's documentation"
        : "check url, its query parameters and headers against the API's documentation";
  return new HyggeError("HOME_READ_FAILED", what, { hint, details: { status } });
}

/** Retry-After in milliseconds: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function aborted(signal: AbortSignal): HyggeError {
  return new HyggeError("ABORTED", "the run was cancelled while reading the API", { cause: signal.reason });
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
