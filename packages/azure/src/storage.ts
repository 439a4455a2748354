import { PassThrough, Readable } from "node:stream";
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import type { ReadRange, Storage, StorageObject } from "@hygge/core";
import { endpointOf } from "./client.js";
import { azureError, serviceCode, statusOf } from "./errors.js";
import type { AzureResolvedOptions } from "./options.js";
import { uploadBlocks } from "./upload.js";

const MiB = 1024 * 1024;

/**
 * Azure Blob Storage through its blob endpoint (block blobs), which also serves ADLS Gen2 and
 * OneLake. Keys are blob names inside one container.
 */
export class AzureStorage implements Storage {
  readonly type = "azure";
  readonly capabilities = { local: false, atomicRename: false, conditionalCreate: "enforced" } as const;
  readonly container: ContainerClient;
  private readonly endpoint: string;

  constructor(
    service: BlobServiceClient,
    private readonly options: AzureResolvedOptions,
  ) {
    this.container = service.getContainerClient(options.container);
    this.endpoint = endpointOf(options);
  }

  url(path: string): string {
    return `az://${this.options.container}/${path}`;
  }

  async *list(prefix: string, signal?: AbortSignal): AsyncIterable<StorageObject> {
    const pages = this.container
      .listBlobsFlat({
        prefix: prefix === "" ? undefined : prefix,
        includeMetadata: true,
        abortSignal: signal,
      })
      .byPage({ maxPageSize: 5000 });
    while (true) {
      let page: Awaited<ReturnType<typeof pages.next>>;
      try {
        page = await pages.next();
      } catch (error) {
        throw this.error(error, prefix, "read");
      }
      if (page.done) return;
      for (const item of page.value.segment.blobItems) {
        // ADLS Gen2 (hierarchical namespace) and OneLake list their folders as empty blobs.
        if (item.metadata?.hdi_isfolder === "true") continue;
        yield {
          path: item.name,
          size: item.properties.contentLength ?? 0,
          modified: item.properties.lastModified,
        };
      }
    }
  }

  async stat(path: string, signal?: AbortSignal): Promise<StorageObject | undefined> {
    try {
      const p = await this.container.getBlobClient(path).getProperties({ abortSignal: signal });
      if (p.metadata?.hdi_isfolder === "true") return undefined;
      return { path, size: p.contentLength ?? 0, modified: p.lastModified };
    } catch (error) {
      const code = serviceCode(error);
      if (statusOf(error) === 404 && code !== "ContainerNotFound") {
        // A HEAD has no error body; the code comes in a header, which a proxy may drop: then tell
        // a missing container from a missing blob by asking.
        if (code !== "BlobNotFound" && !(await this.containerExists(signal))) {
          throw this.error({ statusCode: 404, code: "ContainerNotFound" }, path, "read");
        }
        return undefined;
      }
      throw this.error(error, path, "read");
    }
  }

  async read(path: string, range?: ReadRange, signal?: AbortSignal): Promise<Uint8Array> {
    if (range?.length === 0) return new Uint8Array(0);
    let body: NodeJS.ReadableStream | undefined;
    try {
      const r = await this.container
        .getBlobClient(path)
        .download(range?.offset ?? 0, range?.length, { abortSignal: signal });
      body = r.readableStreamBody;
      const chunks: Buffer[] = [];
      for await (const c of body ?? []) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    } catch (error) {
      // A range starting at the end: no bytes, as on the local disk.
      if (statusOf(error) === 416) return new Uint8Array(0);
      throw this.error(error, path, "read");
    }
  }

  async stream(path: string, signal?: AbortSignal): Promise<Readable> {
    try {
      const r = await this.container.getBlobClient(path).download(0, undefined, { abortSignal: signal });
      const body = r.readableStreamBody;
      const source = body instanceof Readable ? body : Readable.from(body ?? []);
      // Errors after the first byte (a connection reset past the SDK's retries) name the URL too.
      const out = new PassThrough({ highWaterMark: 1024 * 1024 });
      source.on("error", (error) => out.destroy(this.error(error, path, "read")));
      out.on("close", () => source.destroy());
      return source.pipe(out);
    } catch (error) {
      throw this.error(error, path, "read");
    }
  }

  async write(path: string, body: Readable | Uint8Array, signal?: AbortSignal): Promise<StorageObject> {
    const client = this.container.getBlockBlobClient(path);
    // An abort also stops a source that is waiting for its next chunk.
    const stop = () => {
      if (!(body instanceof Uint8Array)) body.destroy(signal?.reason);
    };
    signal?.addEventListener("abort", stop, { once: true });
    try {
      const chunks = body instanceof Uint8Array ? [body] : body;
      const done = await uploadBlocks(client, toAsync(chunks), {
        blockSize: this.options.block_size_mb * MiB,
        concurrency: this.options.upload_concurrency,
        signal,
      });
      return { path, size: done.size, modified: done.modified };
    } catch (error) {
      stop();
      throw this.error(signal?.aborted ? { name: "AbortError" } : error, path, "write");
    } finally {
      signal?.removeEventListener("abort", stop);
    }
  }

  /** One Put Blob with `If-None-Match: *`: the service refuses it (409 or 412) when the blob exists. */
  async createIfAbsent(path: string, body: Uint8Array, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.container
        .getBlockBlobClient(path)
        .upload(body, body.byteLength, { conditions: { ifNoneMatch: "*" }, abortSignal: signal });
      return true;
    } catch (error) {
      const code = serviceCode(error);
      if (code === "BlobAlreadyExists" || code === "ConditionNotMet") return false;
      if ((statusOf(error) === 409 || statusOf(error) === 412) && code !== "ContainerNotFound") return false;
      throw this.error(error, path, "write");
    }
  }

  async delete(path: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.container
        .getBlobClient(path)
        .deleteIfExists({ deleteSnapshots: "include", abortSignal: signal });
    } catch (error) {
      throw this.error(error, path, "write");
    }
  }

  /**
   * Copy Blob (asynchronous on the service, polled until done). Inside one account it needs no
   * source SAS and no size limit applies; the service usually finishes it at once.
   */
  async copy(from: string, to: string, signal?: AbortSignal): Promise<void> {
    const source = this.container.getBlobClient(from);
    try {
      const poller = await this.container
        .getBlobClient(to)
        .beginCopyFromURL(source.url, { abortSignal: signal, intervalInMs: 200 });
      const result = await poller.pollUntilDone();
      if (result.copyStatus !== "success") {
        throw Object.assign(new Error(`copy ended as ${result.copyStatus}`), {
          statusCode: 500,
          code: "CopyFailed",
        });
      }
    } catch (error) {
      throw this.error(
        error,
        statusOf(error) === 404 && serviceCode(error) !== "ContainerNotFound" ? from : to,
        "write",
      );
    }
  }

  private async containerExists(signal?: AbortSignal): Promise<boolean> {
    try {
      return await this.container.exists({ abortSignal: signal });
    } catch {
      // A SAS or role scoped to blobs may not read the container: assume it is there.
      return true;
    }
  }

  private error(error: unknown, path: string, op: "read" | "write") {
    return azureError(error, this.url(path), op, this.endpoint);
  }
}

async function* toAsync(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* chunks;
}
