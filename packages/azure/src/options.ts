import { z } from "zod";

/**
 * The options of a connection of type `azure` (and what an `az://` or `abfss://` URL turns into).
 * Credentials, in order: `connection_string`, `account_key`, `sas_token`, else the default Azure
 * credential chain (environment, workload identity, managed identity, Azure CLI…).
 */
export const azureOptions = z
  .strictObject({
    /** The storage account (`myaccount` of myaccount.blob.core.windows.net). */
    account: z
      .string()
      .min(1)
      .optional()
      .describe("The storage account: myaccount of myaccount.blob.core.windows.net."),
    /** The container (a OneLake workspace): every path is a blob name inside it. */
    container: z
      .string()
      .min(1)
      .describe("The container (for OneLake, the workspace): every path is a blob name inside it."),
    account_key: z
      .string()
      .min(1)
      .optional()
      .describe("Shared key of the account (needs account); best given as ${VAR}; never printed."),
    /** A SAS token (`sv=…&sig=…`, with or without the leading '?'). */
    sas_token: z
      .string()
      .min(1)
      .optional()
      .describe("A SAS token (sv=…&sig=…, with or without the leading ?); never printed."),
    connection_string: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A storage connection string (DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…); never printed. Without any of the three, the default Azure credential chain is used.",
      ),
    /**
     * The blob service endpoint, for emulators (`http://127.0.0.1:10000/devstoreaccount1`),
     * sovereign clouds and OneLake (`https://onelake.blob.fabric.microsoft.com`).
     */
    url: z
      .string()
      .url()
      .optional()
      .describe(
        "The blob service endpoint, for emulators (http://127.0.0.1:10000/devstoreaccount1), sovereign clouds and OneLake (https://onelake.blob.fabric.microsoft.com). Default: https://<account>.blob.core.windows.net.",
      ),
    /** Block size of streamed uploads, in MiB (each upload holds at most `upload_concurrency + 1` blocks). */
    block_size_mb: z
      .number()
      .int()
      .min(1)
      .max(4000)
      .default(8)
      .describe(
        "Block size of streamed uploads in MiB (default 8); one upload holds at most upload_concurrency + 1 blocks in memory.",
      ),
    /** Blocks of one upload in flight at once. */
    upload_concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(4)
      .describe("Blocks of one upload sent at once (default 4)."),
    /** Attempts per request, retries included (network errors, 5xx, throttling). */
    max_tries: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(4)
      .describe("Attempts per request, retries included, on network errors, 5xx and throttling (default 4)."),
  })
  .superRefine((o, ctx) => {
    const given = (["account_key", "sas_token", "connection_string"] as const).filter(
      (k) => o[k] !== undefined,
    );
    if (given.length > 1) {
      ctx.addIssue({ code: "custom", message: `give only one of ${given.join(", ")}` });
    }
    if (!o.connection_string && !o.account && !o.url) {
      ctx.addIssue({
        code: "custom",
        message: "give the storage account (account:), a blob endpoint (url:) or a connection_string:",
      });
    }
    if (o.account_key && !o.account && !o.url) {
      ctx.addIssue({ code: "custom", message: "account_key needs account:" });
    }
  });

export type AzureOptions = z.input<typeof azureOptions>;
export type AzureResolvedOptions = z.output<typeof azureOptions>;

// account_key, sas_token and connection_string hold secrets: core hides them by their names (core/src/secrets.ts).
