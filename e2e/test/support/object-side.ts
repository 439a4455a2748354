import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient } from "@azure/storage-blob";
import { duck } from "./duck.js";
import type { Destination } from "./fault-harness.js";
import { parquetState } from "./parquet-side.js";

/**
 * An object store as a reader sees it, through the service's own SDK (not hygge's driver): list a
 * prefix, download an object.
 */
export interface ObjectReader {
  list(prefix: string): Promise<string[]>;
  get(key: string): Promise<Uint8Array>;
}

export function s3Reader(options: { endpoint: string; bucket: string }): ObjectReader {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: options.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) keys.push(o.Key!);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
      return out.Body!.transformToByteArray();
    },
  };
}

export function azureReader(options: { connectionString: string; container: string }): ObjectReader {
  const container = BlobServiceClient.fromConnectionString(options.connectionString).getContainerClient(
    options.container,
  );
  return {
    async list(prefix) {
      const keys: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix })) keys.push(blob.name);
      return keys.sort();
    },
    async get(key) {
      return container.getBlockBlobClient(key).downloadToBuffer();
    },
  };
}

/**
 * A parquet store on object storage (`connection: lake`, path `out`): what a reader listing
 * `out/<entity>/` sees, downloaded and read by DuckDB. Every object there that is not a `.parquet`
 * file is a stray (hygge's bookkeeping lives under `out/.hygge/`, outside the entity prefix).
 */
export async function objectDestination(
  _dir: string,
  reader: ObjectReader,
  storeYaml: string,
): Promise<Destination> {
  const db = await duck();
  return {
    storeYaml,
    async inspect(entity, below = 0) {
      const keys = await reader.list(`out/${entity}/`);
      const strays = keys.filter((k) => !k.endsWith(".parquet") || path.basename(k).startsWith("."));
      const files = keys.filter((k) => !strays.includes(k));
      const local = await mkdtemp(path.join(os.tmpdir(), "hygge-object-read-"));
      try {
        const paths: string[] = [];
        for (const [i, key] of files.entries()) {
          const file = path.join(local, `${String(i).padStart(6, "0")}.parquet`);
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, await reader.get(key));
          paths.push(file);
        }
        return { ...(await parquetState(db, paths, below)), strays };
      } finally {
        await rm(local, { recursive: true, force: true });
      }
    },
  };
}

/** `connections:` of hygge.yml for one connection named `lake`. */
export function lakeConnectionYaml(type: string, options: Record<string, unknown>): string {
  const lines = Object.entries(options).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  return `connections:\n  lake:\n    type: ${type}\n${lines.join("\n")}\n`;
}
