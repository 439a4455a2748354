// The S3 emulator in a process of its own, as a real S3 endpoint would be: its work is not on the
// measured process's thread nor in its memory. Started by the parquet-to-s3 case (s3-server-client.ts).
// Prints {endpoint, options} as one JSON line; then, for each line on stdin, "requests" prints the
// requests served so far as one JSON line, "stop" stops s3rver (its folder removed) and exits.
import { createInterface } from "node:readline";
import { startS3Emulator } from "@hygge/s3/testing";

const emulator = await startS3Emulator({ bucket: process.argv[2] ?? "bench" });
console.log(JSON.stringify({ endpoint: emulator.endpoint, options: emulator.options }));
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "requests") console.log(JSON.stringify(emulator.requests));
  if (line === "stop") break;
}
await emulator.stop();
process.exit(0);
