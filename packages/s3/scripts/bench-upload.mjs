// Uploads N MiB to the s3rver emulator through @hygge/s3's write() and through a plain lib-storage
// Upload with the same part size and concurrency, and prints MiB/s and peak RSS growth of each.
// Usage: node scripts/bench-upload.mjs [MiB=256]   (after `tsc -b`; needs s3rver, a devDependency)
import { Readable } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { S3Storage, s3Options } from "../dist/index.js";
import { startS3Emulator } from "../dist/testing.js";

const mib = Number(process.argv[2] ?? 256);
const chunk = Buffer.alloc(1024 * 1024, 7);
const source = () =>
  Readable.from(
    (function* () {
      for (let i = 0; i < mib; i++) yield chunk;
    })(),
  );
const emulator = await startS3Emulator();
const options = s3Options.parse(emulator.options);
const storage = new S3Storage({ ...options, bucket: emulator.bucket });
const plain = new S3Client({
  endpoint: emulator.endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
});

async function measure(name, run) {
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  await run();
  const s = (performance.now() - t) / 1000;
  clearInterval(timer);
  console.log(
    `${name}: ${mib} MiB in ${s.toFixed(2)} s = ${(mib / s).toFixed(1)} MiB/s, peak RSS +${((peak - rss0) / 2 ** 20).toFixed(0)} MiB`,
  );
}
for (let round = 0; round < 2; round++) {
  await measure("plain Upload ", () =>
    new Upload({
      client: plain,
      params: { Bucket: emulator.bucket, Key: `plain-${round}`, Body: source() },
      partSize: options.part_size_mib * 2 ** 20,
      queueSize: options.upload_concurrency,
    }).done(),
  );
  await measure("@hygge/s3    ", () => storage.write(`hygge-${round}`, source()));
}
await storage.close();
plain.destroy();
await emulator.stop();
