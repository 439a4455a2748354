import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { AzureOptions } from "./options.js";

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const EMULATOR_ACCOUNT = "devstoreaccount1";
export const EMULATOR_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzureEmulator {
  /** The blob service endpoint: `http://127.0.0.1:<port>/devstoreaccount1`. */
  url: string;
  /** A container created for the caller (a fresh random name). */
  container: string;
  /** Connection options for @hygge/azure (`type: azure`), with the emulator's key. */
  options: AzureOptions & { url: string; account: string; account_key: string; container: string };
  connectionString: string;
  /** A client of the emulator, to create more containers or look behind the driver. */
  service: BlobServiceClient;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob service on 127.0.0.1 with an OS-assigned port and in-memory persistence,
 * and creates a container. Needs the `azurite` package (a devDependency of @hygge/azure; a package
 * whose tests call this needs @hygge/azure built and its devDependencies installed, as in this
 * workspace). Azurite takes a few seconds to start: start one per test file, in `beforeAll`.
 */
export async function startAzureEmulator(options: { container?: string } = {}): Promise<AzureEmulator> {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve("azurite/dist/src/blob/main.js");
  } catch (error) {
    throw new Error("startAzureEmulator needs the azurite package (npm i -D azurite)", { cause: error });
  }
  // Azurite writes nothing with in-memory persistence, but runs in a folder of its own anyway.
  const cwd = await mkdtemp(join(tmpdir(), "hygge-azurite-"));
  const child = spawn(
    process.execPath,
    [
      main,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--inMemoryPersistence",
      "--skipApiVersionCheck",
      "--disableTelemetry",
      "--loose",
    ],
    { cwd, stdio: ["ignore", "pipe", "pipe"] },
  );
  const stop = async () => {
    await kill(child);
    await rm(cwd, { recursive: true, force: true });
  };
  try {
    const port = await listening(child);
    const url = `http://127.0.0.1:${port}/${EMULATOR_ACCOUNT}`;
    const service = new BlobServiceClient(
      url,
      new StorageSharedKeyCredential(EMULATOR_ACCOUNT, EMULATOR_KEY),
      {
        retryOptions: { maxTries: 1 },
      },
    );
    const container = options.container ?? `hygge-${randomBytes(6).toString("hex")}`;
    await service.getContainerClient(container).create();
    return {
      url,
      container,
      options: { url, account: EMULATOR_ACCOUNT, account_key: EMULATOR_KEY, container },
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${EMULATOR_ACCOUNT};AccountKey=${EMULATOR_KEY};BlobEndpoint=${url};`,
      service,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves with the port once Azurite prints "successfully listens on http://127.0.0.1:<port>". */
function listening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => fail(new Error(`azurite did not start within 60 s: ${out.slice(-500)}`)),
      60_000,
    );
    const onData = (data: Buffer) => {
      out += data.toString();
      const port = /successfully listens on https?:\/\/[^:\s]+:(\d+)/.exec(out)?.[1];
      if (port) {
        cleanup();
        // Keep draining its output so a full pipe never blocks it.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(Number(port));
      }
    };
    const onExit = (code: number | null) => fail(new Error(`azurite exited (${code}): ${out.slice(-500)}`));
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
