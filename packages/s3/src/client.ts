import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { S3Options } from "./options.js";

/**
 * An S3 client from the connection options. What the options leave out comes from the SDK's own
 * chain (AWS_REGION, AWS_ACCESS_KEY_ID…, AWS_PROFILE, SSO, web identity, instance/container role).
 */
export function createS3Client(options: S3Options): S3Client {
  const config: S3ClientConfig = {};
  const region = options.region ?? (options.endpoint ? envRegion() : undefined);
  if (region !== undefined) config.region = region;
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.force_path_style !== undefined) config.forcePathStyle = options.force_path_style;
  if (options.access_key_id !== undefined && options.secret_access_key !== undefined) {
    config.credentials = {
      accessKeyId: options.access_key_id,
      secretAccessKey: options.secret_access_key,
      ...(options.session_token === undefined ? {} : { sessionToken: options.session_token }),
    };
  }
  return new S3Client(config);
}

/**
 * S3-compatible services (MinIO, emulators) rarely care about the region, but the SDK needs one
 * to sign: with an endpoint and no region anywhere in the environment, us-east-1.
 */
function envRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
}
