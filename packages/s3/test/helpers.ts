import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { type S3OptionsInput, s3Options } from "../src/options.js";
import { S3Storage } from "../src/s3-storage.js";
import type { S3Emulator } from "../src/testing.js";

/** A driver on the emulator's bucket, with option overrides. */
export function storageOn(emulator: S3Emulator, overrides: Partial<S3OptionsInput> = {}): S3Storage {
  const options = s3Options.parse({ ...emulator.options, ...overrides });
  return new S3Storage({ ...options, bucket: options.bucket ?? emulator.bucket });
}

/** Multipart uploads the service still holds (ListMultipartUploads). */
export async function pendingUploads(storage: S3Storage): Promise<string[]> {
  const out = await storage.client.send(new ListMultipartUploadsCommand({ Bucket: storage.bucket }));
  return (out.Uploads ?? []).map((u) => `${u.Key}#${u.UploadId}`);
}

/** Deterministic bytes. */
export function pattern(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export const MIB = 1024 * 1024;
