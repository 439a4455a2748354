import type { Readable } from "node:stream";
import type { z } from "zod";
import type { Logger } from "./common.js";

/**
 * Where the bytes live. Paths are storage keys: '/'-separated, relative to the storage's root (a
 * bucket, a container, or the file system root for the local disk), never starting with '/', and
 * without '.' or '..' segments. A "folder" is a key prefix ending in '/'.
 */
export interface StorageObject {
  path: string;
  size: number;
  modified?: Date;
}

export interface StorageCapabilities {
  /**
   * The local disk: the file engine may use node:fs on `localPath()` (hard links, fsync, atomic
   * folder rename) and stages files in place instead of uploading them.
   */
  local: boolean;
  /** `rename(from, to)` of one object is atomic (the local disk; ADLS Gen2 with a hierarchical namespace). */
  atomicRename: boolean;
  /**
   * `createIfAbsent` is enforced by the service ("enforced": Azure, S3, MinIO), or only checked
   * before writing ("best-effort": an emulator that ignores `If-None-Match`), which two writers
   * racing can both pass.
   */
  conditionalCreate: "enforced" | "best-effort";
}

export interface ReadRange {
  offset: number;
  length: number;
}

/**
 * A storage driver. Every method takes an optional `signal`: an aborted call should end promptly
 * (rejecting), and must never leave a partial object visible.
 */
export interface Storage {
  /** The storage type that created it (`local`, `s3`, `azure`…). */
  readonly type: string;
  readonly capabilities: StorageCapabilities;
  /** How a path is shown to people (`s3://bucket/key`, `/abs/path`): for messages, never holds secrets. */
  url(path: string): string;
  /** Every object whose key starts with `prefix`, at any depth, in no particular order. */
  list(prefix: string, signal?: AbortSignal): AsyncIterable<StorageObject>;
  /** The object at `path`, or undefined when there is none. */
  stat(path: string, signal?: AbortSignal): Promise<StorageObject | undefined>;
  /** The object's bytes, or `range` of them (a ranged GET: the rest is not downloaded). */
  read(path: string, range?: ReadRange, signal?: AbortSignal): Promise<Uint8Array>;
  /** The object's bytes as a stream (for formats that read front to back). */
  stream(path: string, signal?: AbortSignal): Promise<Readable>;
  /**
   * Writes `body` to `path`, replacing any object there. The object appears whole once the promise
   * resolves (one PUT or a completed multipart upload), never partially; a failed or aborted write
   * leaves no object (and no unfinished upload) behind.
   */
  write(path: string, body: Readable | Uint8Array, signal?: AbortSignal): Promise<StorageObject>;
  /** Creates `path` holding `body` only if no object is there: true if created, false if one was. */
  createIfAbsent(path: string, body: Uint8Array, signal?: AbortSignal): Promise<boolean>;
  /** Deletes the object; an absent object is not an error. */
  delete(path: string, signal?: AbortSignal): Promise<void>;
  /** Server-side copy (no download), replacing `to`. */
  copy(from: string, to: string, signal?: AbortSignal): Promise<void>;
  /** Atomic rename, where `capabilities.atomicRename` says the service has it. */
  rename?(from: string, to: string, signal?: AbortSignal): Promise<void>;
  /** The local file behind `path` (local disk only). */
  localPath?(path: string): string;
  /** Releases clients and sockets; nothing is called after it. */
  close?(): Promise<void>;
}

export interface StorageCreateContext {
  projectDir: string;
  logger: Logger;
}

/** A location given as a URL (`s3://bucket/prefix`), split into connection options and a path. */
export interface StorageLocation {
  options: Record<string, unknown>;
  path: string;
}

export interface StorageDefinition<S extends z.ZodType = z.ZodType> {
  /**
   * The options of a connection of this type (`connections: { lake: { type: s3, … } }`), without
   * `type`. Every key may be omitted where the SDK's own environment or credential chain supplies it.
   * Name secret options so that core hides their values everywhere (see secrets.ts): keys ending
   * in password, secret, token, access_key, access_key_id, account_key, sas, connection_string, url.
   */
  options: S;
  /** URL schemes this storage serves (`["s3"]`, `["az", "abfs", "abfss"]`). */
  schemes?: readonly string[];
  /** Splits a URL of one of `schemes` into connection options (bucket, account…) and a path. */
  fromUrl?(url: URL): StorageLocation;
  create(options: z.output<S>, ctx: StorageCreateContext): Storage | Promise<Storage>;
  /** One line for summaries (`s3://analytics`): must not open anything nor show secrets. */
  describe?(options: z.output<S>): string;
}

/** Resolves a block's `connection:` and `path:` to a storage and a path inside it (CreateContext.storage). */
export interface StorageRef {
  storage: Storage;
  /** The path inside the storage: a key ('/'-separated, no leading '/'). */
  path: string;
}
