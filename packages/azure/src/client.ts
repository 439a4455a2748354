import type { TokenCredential } from "@azure/identity";
import {
  AnonymousCredential,
  BlobServiceClient,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { HyggeError } from "@hygge/core";
import type { AzureResolvedOptions } from "./options.js";

/** Where requests go, for messages: the blob endpoint without any query (no SAS). */
export function endpointOf(options: AzureResolvedOptions): string {
  if (options.url) return withoutQuery(options.url);
  if (options.connection_string) {
    const endpoint = /(?:^|;)\s*BlobEndpoint=([^;]+)/i.exec(options.connection_string)?.[1];
    if (endpoint) return withoutQuery(endpoint);
    const account = /(?:^|;)\s*AccountName=([^;]+)/i.exec(options.connection_string)?.[1];
    if (/UseDevelopmentStorage=true/i.test(options.connection_string))
      return "http://127.0.0.1:10000/devstoreaccount1";
    const suffix =
      /(?:^|;)\s*EndpointSuffix=([^;]+)/i.exec(options.connection_string)?.[1] ?? "core.windows.net";
    return `https://${account ?? "?"}.blob.${suffix}`;
  }
  return `https://${options.account}.blob.core.windows.net`;
}

function withoutQuery(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/$/, "");
}

/** The account name for a shared key: `account:`, else the endpoint's first host label or path segment (emulators). */
function accountOf(options: AzureResolvedOptions): string {
  if (options.account) return options.account;
  const u = new URL(options.url!);
  const isIp = /^[\d.]+$|^\[|^localhost$/i.test(u.hostname);
  return (isIp ? u.pathname.split("/").find((s) => s !== "") : u.hostname.split(".")[0]) ?? "";
}

/**
 * The blob service client for these options. The default Azure credential chain (`@azure/identity`)
 * is imported only when no key, SAS token or connection string is given: it is a heavy module.
 */
export async function serviceClient(options: AzureResolvedOptions): Promise<BlobServiceClient> {
  const pipeline: StoragePipelineOptions = {
    retryOptions: { maxTries: options.max_tries, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 },
    // Node's own proxy variables are honoured by the SDK; nothing to add here.
  };
  if (options.connection_string) {
    return BlobServiceClient.fromConnectionString(options.connection_string, pipeline);
  }
  const endpoint = options.url ?? `https://${options.account}.blob.core.windows.net`;
  if (options.account_key) {
    const credential = new StorageSharedKeyCredential(accountOf(options), options.account_key);
    return new BlobServiceClient(withoutQuery(endpoint), credential, pipeline);
  }
  if (options.sas_token || new URL(endpoint).search) {
    const sas = (options.sas_token ?? new URL(endpoint).search).replace(/^\?/, "");
    return new BlobServiceClient(`${withoutQuery(endpoint)}?${sas}`, new AnonymousCredential(), pipeline);
  }
  return new BlobServiceClient(endpoint, await defaultCredential(), pipeline);
}

async function defaultCredential(): Promise<TokenCredential> {
  try {
    const identity = await import("@azure/identity");
    return new identity.DefaultAzureCredential();
  } catch (error) {
    throw new HyggeError("PLUGIN_NOT_FOUND", "the default Azure credential chain needs @azure/identity", {
      plugin: "@hygge/azure",
      hint: "install @azure/identity, or give account_key:, sas_token: or connection_string:",
      cause: error,
    });
  }
}
