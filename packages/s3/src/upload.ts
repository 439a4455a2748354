import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

export interface UploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  partSize: number;
  queueSize: number;
}

/** A failed or cancelled upload: `cause` is why; `leftUploadId` names an upload that could not be aborted. */
export class UploadFailed extends Error {
  constructor(
    cause: unknown,
    readonly leftUploadId?: string,
    readonly abortError?: unknown,
  ) {
    super("upload failed", { cause });
  }
}

/**
 * Uploads `body` to one object through lib-storage's `Upload`: one PutObject when it fits in one
 * part, otherwise a multipart upload whose object appears only on CompleteMultipartUpload. Memory
 * stays near partSize × (queueSize + 1) whatever the object's size.
 *
 * Aborting and failing are handled here rather than by `Upload`: its own abort resolves `done()`
 * before the upload is really given up (in-flight parts and AbortMultipartUpload continue in the
 * background), and a failing AbortMultipartUpload would replace the original error. Instead:
 * - `signal` cancels every in-flight request (PutObject, UploadPart) and destroys the source, so
 *   `done()` rejects only once nothing is in flight;
 * - `leavePartsOnError` is on, and this function sends AbortMultipartUpload itself, after `done()`
 *   settled, so a failed or aborted write leaves neither an object nor an unfinished upload — or
 *   says which upload it could not abort.
 * CompleteMultipartUpload is never cancelled half-way: once sent, the object appears whole or not.
 */
export async function uploadObject(
  target: UploadTarget,
  body: Readable | Uint8Array,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  let uploadId: string | undefined;
  const send = target.client.send.bind(target.client) as (c: unknown, o?: unknown) => Promise<unknown>;
  // The client `Upload` sees: the real one, with the caller's signal on every cancellable call.
  const client = Object.create(target.client) as S3Client;
  client.send = (async (command: unknown, options?: object) => {
    const cancellable = !(command instanceof CompleteMultipartUploadCommand);
    const result = await send(command, cancellable && signal ? { ...options, abortSignal: signal } : options);
    if (command instanceof CreateMultipartUploadCommand)
      uploadId = (result as { UploadId?: string }).UploadId;
    return result;
  }) as S3Client["send"];

  const onAbort = () => {
    if (body instanceof Readable) body.destroy(abortError(signal?.reason));
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const upload = new Upload({
    client,
    params: { Bucket: target.bucket, Key: target.key, Body: body },
    partSize: target.partSize,
    queueSize: target.queueSize,
    leavePartsOnError: true,
  });
  try {
    await upload.done();
  } catch (error) {
    throw await giveUp(target, error, uploadId, signal);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

async function giveUp(
  target: UploadTarget,
  error: unknown,
  uploadId: string | undefined,
  signal?: AbortSignal,
): Promise<UploadFailed> {
  const cause = signal?.aborted ? abortError(error) : error;
  if (uploadId === undefined) return new UploadFailed(cause);
  try {
    // Not cancellable: this is the clean-up the caller's abort asks for.
    await target.client.send(
      new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId }),
    );
    return new UploadFailed(cause);
  } catch (abortFailure) {
    if ((abortFailure as { name?: string }).name === "NoSuchUpload") return new UploadFailed(cause);
    return new UploadFailed(cause, uploadId, abortFailure);
  }
}

function abortError(cause?: unknown): Error {
  return Object.assign(new Error("the write was cancelled", cause === undefined ? undefined : { cause }), {
    name: "AbortError",
  });
}
