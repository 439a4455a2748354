import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import parquet from "@hygge/parquet";
import s3 from "@hygge/s3";
import type { EmulatorRequest } from "@hygge/s3/testing";
import type { BenchCase } from "../case.js";
import { duckdb, lit, parquetRows } from "../reference/duckdb.js";
import { type S3Server, startS3Server } from "../reference/s3-server-client.js";
import { runFileFlow } from "./file-flow.js";

/** 2M rows a scale of parquet-narrow's columns: a file of several 8 MiB parts. */
const ROWS = 2_000_000;
/** @hygge/s3's defaults (part_size_mib 8, upload_concurrency 4), given to the reference's Upload. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
/** The same Parquet options on hygge's S3 run and on the local run that makes the reference's file. */
const STORE_OPTIONS = { compression: "snappy", row_group_size: 122_880 } as const;
const BUCKET = "bench";
const PREFIX = "sales";

const input = (dir: string, scale: number) => join(dir, "in", `data-${ROWS * scale}.parquet`);
/** The folder of the Parquet file hygge wrote locally from the same input: the reference uploads it. */
const localDir = (dir: string, scale: number) => join(dir, `local-${ROWS * scale}`);
const localFile = (dir: string, scale: number) => {
  const files = readdirSync(localDir(dir, scale)).filter((f) => f.endsWith(".parquet"));
  if (files.length !== 1)
    throw new Error(`expected one Parquet file in ${localDir(dir, scale)}, found ${files.length}`);
  return join(localDir(dir, scale), files[0]!);
};
/** What each side's teardown keeps for `check`. */
const landed = (dir: string, side: string) => join(dir, `landed-${side}`);

let emulator: S3Server | undefined;

/** A client as @hygge/s3 makes one from the emulator's connection options (client.ts). */
function client(e: S3Server): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint: e.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
}

async function listKeys(c: S3Client): Promise<{ key: string; size: number }[]> {
  const out: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await c.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

/** The emulator's requests, counted by operation (the SDK names most in `x-id`: `PUT CopyObject`…). */
function requestSummary(requests: EmulatorRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const q = new URL(r.url, "http://x").searchParams;
    const op =
      q.get("x-id") ??
      (q.has("uploads")
        ? "CreateMultipartUpload"
        : q.has("uploadId")
          ? "CompleteMultipartUpload"
          : q.has("list-type")
            ? "ListObjectsV2"
            : r.method === "HEAD"
              ? "HeadObject"
              : "");
    const label = `${r.method} ${op}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/**
 * Parquet (local) → Parquet on S3 (the s3rver emulator on loopback, in a process of its own started
 * by each side's setup), against a plain multipart upload of the same bytes.
 */
export const benchCase: BenchCase = {
  name: "parquet-to-s3",
  description:
    "parquet (local) → parquet on S3 (s3rver on loopback), 2M rows × 5 columns, snappy, 122,880-row groups; reference: lib-storage Upload of the same bytes",
  async prepare(dir, scale) {
    const file = input(dir, scale);
    if (!existsSync(file)) {
      rmSync(join(dir, "in"), { recursive: true, force: true });
      mkdirSync(join(dir, "in"), { recursive: true });
      const c = await duckdb();
      await c.run(
        `COPY (SELECT i::BIGINT AS id, ((i * 0.37) % 10000)::DOUBLE AS amount, (i % 1000)::INTEGER AS qty,
                      'customer-' || (hash(i) % 20000) AS name,
                      TIMESTAMP '2020-01-01' + to_microseconds((i * 7919) % 157680000000000) AS created_at
               FROM range(${ROWS * scale}) t(i))
         TO ${lit(`${file}.tmp`)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 131072)`,
      );
      renameSync(`${file}.tmp`, file);
    }
    if (!existsSync(localDir(dir, scale))) {
      // hygge's own encoding of the input, written once on the local disk: the bytes the reference
      // uploads (check() confirms hygge's S3 run published the very same bytes).
      rmSync(join(dir, ".hygge"), { recursive: true, force: true });
      const { rows } = await runFileFlow({
        projectDir: dir,
        plugins: [parquet],
        home: { type: "parquet", options: { path: file } },
        store: { type: "parquet", options: { path: `local-${ROWS * scale}`, ...STORE_OPTIONS } },
      });
      const c = await duckdb();
      const counted = await parquetRows(c, localFile(dir, scale));
      if (rows !== ROWS * scale || counted !== rows)
        throw new Error(
          `the local file holds ${counted} rows (hygge reported ${rows}), expected ${ROWS * scale}`,
        );
    }
  },
  async setup() {
    emulator = await startS3Server(BUCKET);
  },
  async hygge(dir, scale) {
    const e = emulator!;
    const { bucket: _, ...connection } = e.options;
    const { rows } = await runFileFlow({
      projectDir: dir,
      plugins: [parquet, s3],
      connections: { lake: { name: "lake", type: "s3", options: { ...connection, bucket: BUCKET } } },
      home: { type: "parquet", options: { path: input(dir, scale) } },
      store: { type: "parquet", options: { connection: "lake", path: PREFIX, ...STORE_OPTIONS } },
    });
    return { rows, bytes: statSync(localFile(dir, scale)).size };
  },
  reference: {
    name: "lib-storage Upload of the same file (8 MiB parts, 4 in flight)",
    async run(dir, scale) {
      const c = client(emulator!);
      const file = localFile(dir, scale);
      try {
        await new Upload({
          client: c,
          params: { Bucket: BUCKET, Key: `${PREFIX}/reference.parquet`, Body: createReadStream(file) },
          partSize: PART_SIZE,
          queueSize: QUEUE_SIZE,
        }).done();
      } finally {
        c.destroy();
      }
      // The file's rows, counted by DuckDB in prepare(): an upload does not look inside.
      return { rows: ROWS * scale, bytes: statSync(file).size };
    },
  },
  context: [
    {
      name: "hygge parquet → parquet on the local disk (no S3)",
      async run(dir, scale) {
        rmSync(join(dir, "context-out"), { recursive: true, force: true });
        rmSync(join(dir, ".hygge"), { recursive: true, force: true });
        const { rows } = await runFileFlow({
          projectDir: dir,
          plugins: [parquet],
          home: { type: "parquet", options: { path: input(dir, scale) } },
          store: { type: "parquet", options: { path: "context-out", ...STORE_OPTIONS } },
        });
        return { rows, bytes: statSync(localFile(dir, scale)).size };
      },
    },
  ],
  /** Keeps each side's published Parquet object, its object listing and request counts; stops s3rver. */
  async teardown(dir, _scale, side) {
    const e = emulator!;
    if (side.startsWith("context")) return e.stop();
    const c = client(e);
    try {
      // Before this teardown's own requests (the listing, the download).
      const requests = requestSummary(await e.requests());
      const keys = await listKeys(c);
      const published = keys.filter((k) => k.key.startsWith(`${PREFIX}/`) && k.key.endsWith(".parquet"));
      if (published.length !== 1)
        throw new Error(`${side}: ${published.length} Parquet objects under ${PREFIX}/`);
      const out = landed(dir, side);
      const got = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: published[0]!.key }));
      await pipeline(got.Body as NodeJS.ReadableStream, createWriteStream(`${out}.parquet`));
      writeFileSync(`${out}.json`, JSON.stringify({ keys, requests }, null, 2));
    } finally {
      c.destroy();
      await e.stop();
    }
  },
  /** Both sides' objects are byte for byte the file hygge wrote locally; prints what each side sent. */
  async check(dir, scale) {
    const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
    const expected = sha(localFile(dir, scale));
    const lines: string[] = [];
    for (const side of ["hygge", "reference"]) {
      const got = sha(`${landed(dir, side)}.parquet`);
      if (got !== expected)
        throw new Error(`${side}'s object differs from the local file (sha256 ${got} ≠ ${expected})`);
      const { keys, requests } = JSON.parse(readFileSync(`${landed(dir, side)}.json`, "utf8")) as {
        keys: { key: string; size: number }[];
        requests: Record<string, number>;
      };
      lines.push(
        `${side}: requests ${JSON.stringify(requests)}, objects left ${JSON.stringify(keys.map((k) => `${k.key} (${k.size} B)`))}`,
      );
    }
    return `both objects are the local file's ${statSync(localFile(dir, scale)).size} bytes (sha256 ${expected.slice(0, 12)}…)\n${lines.join("\n")}`;
  },
};
