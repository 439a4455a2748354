import { HyggeError, type StorageLocation } from "@hygge/core";
import type { S3Options } from "./options.js";

/** `s3://bucket/prefix/x` (or `s3a://`) → `{ options: { bucket }, path: "prefix/x" }`. */
export function s3FromUrl(url: URL): StorageLocation {
  const bucket = url.hostname;
  if (bucket === "") {
    throw new HyggeError("CONFIG_INVALID", `${url.href} names no bucket`, {
      hint: "write s3://<bucket>/<path>",
    });
  }
  if (url.username !== "" || url.password !== "" || url.port !== "") {
    // Never echo the URL here: its user-info may be a secret.
    throw new HyggeError("CONFIG_INVALID", `s3://${bucket}/… has a user, password or port in it`, {
      hint: "give credentials in a connection (or the AWS credential chain) and the service in `endpoint:`",
    });
  }
  const path = url.pathname
    .split("/")
    .filter((s) => s !== "")
    .map((s) => decodeURIComponent(s))
    .join("/");
  return { options: { bucket }, path };
}

/** `s3://bucket/key`: how objects are named in messages. */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** One line for summaries: the bucket and, for S3-compatible services, the endpoint without user-info. */
export function describeS3(options: S3Options): string {
  const where = `s3://${options.bucket ?? "(bucket from path)"}`;
  if (options.endpoint === undefined) return options.region ? `${where} (${options.region})` : where;
  return `${where} at ${safeEndpoint(options.endpoint)}`;
}

/** The endpoint without any user:password@ part. */
export function safeEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    u.username = "";
    u.password = "";
    return u.origin + (u.pathname === "/" ? "" : u.pathname);
  } catch {
    return "(invalid endpoint)";
  }
}
