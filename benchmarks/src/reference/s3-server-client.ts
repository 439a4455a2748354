import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { EmulatorRequest, S3Emulator } from "@hygge/s3/testing";

const here = dirname(fileURLToPath(import.meta.url));

/** s3rver running in its own process (s3-server.ts), driven over its stdin and stdout. */
export interface S3Server {
  endpoint: string;
  options: S3Emulator["options"];
  /** The requests the server has served so far. */
  requests(): Promise<EmulatorRequest[]>;
  stop(): Promise<void>;
}

export async function startS3Server(bucket: string): Promise<S3Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join(here, "s3-server.ts"), bucket],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines: Interface = createInterface({ input: child.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await iterator.next();
    if (done) throw new Error("the S3 emulator process ended");
    return JSON.parse(value as string);
  };
  const started = (await next()) as { endpoint: string; options: S3Emulator["options"] };
  return {
    ...started,
    async requests() {
      child.stdin!.write("requests\n");
      return (await next()) as EmulatorRequest[];
    },
    async stop() {
      const exited = once(child, "exit");
      child.stdin!.end("stop\n");
      await exited;
    },
  };
}
