import { z } from "@hygge/core";

/**
 * The options of an `s3` connection (`connections: { lake: { type: s3, … } }`). Every key may be
 * left out where the AWS SDK's own chain supplies it: region from AWS_REGION or the profile,
 * credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, web identity, or
 * the instance/container role. `bucket` comes from the connection or from an `s3://bucket/` path.
 */
export const s3Options = z
  .strictObject({
    bucket: z
      .string()
      .min(1)
      .optional()
      .describe("The bucket; paths are keys inside it. Default: the bucket of an s3://bucket/ path."),
    region: z
      .string()
      .min(1)
      .optional()
      .describe("AWS region, e.g. eu-west-1. Default: AWS_REGION or the AWS profile's region."),
    /** An S3-compatible service (MinIO, R2, an emulator): `http://127.0.0.1:9000`. */
    endpoint: z
      .url()
      .optional()
      .describe(
        "An S3-compatible service (MinIO, R2, an emulator), e.g. http://127.0.0.1:9000. Default: AWS S3.",
      ),
    /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, emulators). */
    force_path_style: z
      .boolean()
      .optional()
      .describe(
        "Address objects as https://endpoint/bucket/key instead of https://bucket.endpoint/key (MinIO, emulators).",
      ),
    access_key_id: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Access key id, with secret_access_key. Default: the AWS credential chain (environment, AWS_PROFILE, SSO, instance role…).",
      ),
    secret_access_key: z
      .string()
      .min(1)
      .optional()
      .describe("Secret access key, with access_key_id; best given as ${VAR}; never printed."),
    session_token: z
      .string()
      .min(1)
      .optional()
      .describe("Session token of temporary credentials; never printed."),
    /**
     * The service enforces `If-None-Match: *` on PutObject (AWS S3 since 2024, MinIO, R2). Set to
     * false for one that ignores it (s3rver): create-if-absent then checks with HEAD first, which
     * two racing writers can both pass ("best-effort").
     */
    conditional_writes: z
      .boolean()
      .default(true)
      .describe(
        "The service enforces If-None-Match: * on PutObject (default true: AWS S3, MinIO, R2). false for one that ignores it (s3rver): commits then check with HEAD first, which two racing writers can both pass.",
      ),
    /** Multipart part size in MiB (S3's minimum is 5). Memory per upload ≈ part × (concurrency + 1). */
    part_size_mib: z
      .int()
      .min(5)
      .max(5120)
      .default(8)
      .describe(
        "Multipart part size in MiB, 5 to 5120 (default 8). Memory per upload is about part × (upload_concurrency + 1).",
      ),
    /** Parts uploaded at once per object. */
    upload_concurrency: z
      .int()
      .min(1)
      .max(64)
      .default(4)
      .describe("Parts of one object uploaded at once (default 4)."),
  })
  .refine((o) => (o.access_key_id === undefined) === (o.secret_access_key === undefined), {
    message:
      "access_key_id and secret_access_key go together: give both, or neither to use the AWS credential chain",
  });

export type S3Options = z.output<typeof s3Options>;
export type S3OptionsInput = z.input<typeof s3Options>;

/** Core hides these by their names (secret_access_key, session_token, access_key_id): see core/src/secrets.ts. */
