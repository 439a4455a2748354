import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { HyggeError, type ReadRange, type Storage, type StorageObject } from "@hygge/core";
import { createS3Client } from "./client.js";
import { errorName, httpStatus, PLUGIN, type S3Step, s3Error } from "./errors.js";
import type { S3Options } from "./options.js";
import { UploadFailed, uploadObject } from "./upload.js";
import { s3Url, safeEndpoint } from "./url.js";

/** CopyObject's limit: larger objects need a multipart copy (UploadPartCopy), which this driver refuses. */
export const MAX_COPY_BYTES = 5 * 1024 ** 3;
const MIB = 1024 * 1024;

/** One bucket of Amazon S3 or an S3-compatible service. Keys are the storage's paths. */
export class S3Storage implements Storage {
  readonly type = "s3";
  readonly capabilities;
  readonly client: S3Client;
  readonly bucket: string;
  private readonly endpoint: string;
  /** Set once a call reached the bucket: a 404 on HEAD then means "no such object". */
  private bucketSeen = false;

  constructor(
    readonly options: S3Options & { bucket: string },
    client?: S3Client,
  ) {
    // The SDK prints, once per process on Node < 22, that its releases after January 2027 will need
    // Node 22. The version hygge pins supports Node 20, so in a run's output it is only noise (the
    // package README says so); a user who set the variable keeps their choice.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    this.bucket = options.bucket;
    this.client = client ?? createS3Client(options);
    this.endpoint = options.endpoint
      ? safeEndpoint(options.endpoint)
      : `S3 (${options.region ?? "region from the AWS environment"})`;
    this.capabilities = {
      local: false,
      atomicRename: false,
      conditionalCreate: options.conditional_writes ? "enforced" : "best-effort",
    } as const;
  }

  url(path: string): string {
    return s3Url(this.bucket, path);
  }

  async *list(prefix: string, signal?: AbortSignal): AsyncIterable<StorageObject> {
    let token: string | undefined;
    do {
      const page = await this.call("read", "listing", prefix, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
          { abortSignal: signal },
        ),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield { path: o.Key, size: o.Size ?? 0, ...(o.LastModified ? { modified: o.LastModified } : {}) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async stat(path: string, signal?: AbortSignal): Promise<StorageObject | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: path }), {
        abortSignal: signal,
      });
      this.bucketSeen = true;
      return {
        path,
        size: head.ContentLength ?? 0,
        ...(head.LastModified ? { modified: head.LastModified } : {}),
      };
    } catch (error) {
      if (httpStatus(error) === 404 || errorName(error) === "NotFound") {
        // A HEAD answers 404 without a body for a missing bucket too: tell them apart once.
        if (!this.bucketSeen) await this.checkBucket(path, signal);
        return undefined;
      }
      throw this.error(error, "read", "reading the metadata of", path);
    }
  }

  async read(path: string, range?: ReadRange, signal?: AbortSignal): Promise<Uint8Array> {
    if (range?.length === 0) return new Uint8Array(0);
    const Range = range ? `bytes=${range.offset}-${range.offset + range.length - 1}` : undefined;
    return this.call("read", "reading", path, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: path, Range }), {
        abortSignal: signal,
      });
      if (!out.Body) throw new Error("the response has no body");
      return out.Body.transformToByteArray();
    });
  }

  async stream(path: string, signal?: AbortSignal): Promise<Readable> {
    return this.call("read", "reading", path, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: path }), {
        abortSignal: signal,
      });
      if (!out.Body) throw new Error("the response has no body");
      return out.Body as Readable;
    });
  }

  async write(path: string, body: Readable | Uint8Array, signal?: AbortSignal): Promise<StorageObject> {
    try {
      await uploadObject(
        {
          client: this.client,
          bucket: this.bucket,
          key: path,
          partSize: this.options.part_size_mib * MIB,
          queueSize: this.options.upload_concurrency,
        },
        body,
        signal,
      );
    } catch (error) {
      if (!(error instanceof UploadFailed)) throw this.error(error, "write", "writing", path);
      const failure = this.error(error.cause, "write", "writing", path);
      if (error.leftUploadId !== undefined) {
        failure.message += `; the multipart upload ${error.leftUploadId} could not be aborted (${errorName(error.abortError) ?? "error"}) and its parts remain`;
        failure.hint = `${failure.hint ? `${failure.hint}; ` : ""}abort it (aws s3api abort-multipart-upload --bucket ${this.bucket} --key ${path} --upload-id ${error.leftUploadId}) or add a lifecycle rule AbortIncompleteMultipartUpload`;
      }
      throw failure;
    }
    this.bucketSeen = true;
    const written = await this.stat(path, signal);
    if (!written)
      throw this.error(new Error("the object is missing right after its upload"), "write", "writing", path);
    return written;
  }

  /**
   * PutObject with `If-None-Match: *`: the service refuses (412) when an object is there, so of
   * racing writers exactly one wins. With `conditional_writes: false`, a HEAD first — best effort.
   */
  async createIfAbsent(path: string, body: Uint8Array, signal?: AbortSignal): Promise<boolean> {
    const enforced = this.options.conditional_writes;
    if (!enforced && (await this.stat(path, signal)) !== undefined) return false;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: path,
            Body: body,
            ...(enforced ? { IfNoneMatch: "*" } : {}),
          }),
          { abortSignal: signal },
        );
        this.bucketSeen = true;
        return true;
      } catch (error) {
        if (httpStatus(error) === 412 || errorName(error) === "PreconditionFailed") return false;
        // 409 ConditionalRequestConflict: another conditional write of this key is in flight.
        if (httpStatus(error) === 409 && attempt < 5) {
          await new Promise((r) => setTimeout(r, 50 * attempt));
          continue;
        }
        throw this.error(error, "write", "creating", path);
      }
    }
  }

  async delete(path: string, signal?: AbortSignal): Promise<void> {
    await this.call("write", "deleting", path, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: path }), { abortSignal: signal }),
    );
  }

  /** CopyObject, server-side. Objects over 5 GiB are refused (they would need UploadPartCopy). */
  async copy(from: string, to: string, signal?: AbortSignal): Promise<void> {
    const source = await this.stat(from, signal);
    if (!source) {
      throw new HyggeError("STORE_WRITE_FAILED", `copying ${this.url(from)}: there is no such object`, {
        plugin: PLUGIN,
        subject: this.url(from),
      });
    }
    if (source.size > MAX_COPY_BYTES) {
      throw new HyggeError(
        "STORE_WRITE_FAILED",
        `copying ${this.url(from)} (${source.size} bytes) to ${this.url(to)}: S3's CopyObject stops at 5 GiB, and @hygge/s3 does not do multipart copies`,
        {
          plugin: PLUGIN,
          subject: this.url(from),
          hint: "write smaller files (roll files by rows), or copy this one with the AWS CLI",
        },
      );
    }
    const CopySource = `${encodeURIComponent(this.bucket)}/${from.split("/").map(encodeURIComponent).join("/")}`;
    await this.call("write", `copying ${this.url(from)} to`, to, () =>
      this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource }), {
        abortSignal: signal,
      }),
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async checkBucket(path: string, signal?: AbortSignal): Promise<void> {
    await this.call("read", "reading", path, () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: signal }),
    ).catch((error: HyggeError) => {
      if (httpStatus(error.cause) === 404) {
        throw this.error(
          Object.assign(error.cause as object, { name: "NoSuchBucket" }),
          "read",
          "reading",
          path,
        );
      }
      throw error;
    });
    this.bucketSeen = true;
  }

  private async call<T>(step: S3Step, what: string, path: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.bucketSeen = true;
      return result;
    } catch (error) {
      throw this.error(error, step, what, path);
    }
  }

  private error(error: unknown, step: S3Step, what: string, path: string): HyggeError {
    return s3Error(error, step, what, this.url(path), this.endpoint);
  }
}
