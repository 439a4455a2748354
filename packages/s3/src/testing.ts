import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HyggeError } from "@hygge/core";
import { multipartGapMiddleware } from "./emulator-multipart.js";
import type { S3OptionsInput } from "./options.js";

/** One HTTP request the emulator served. */
export interface EmulatorRequest {
  method: string;
  url: string;
  range?: string;
  status: number;
  /** Bytes the server wrote on the socket for this response (headers included). */
  bytesSent: number;
}

export interface S3Emulator {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  /** Connection options for @hygge/s3 (`connections: { lake: { type: s3, …options } }`). */
  options: S3OptionsInput & { bucket: string; endpoint: string };
  /** The folder s3rver keeps its buckets in (removed by stop()). */
  directory: string;
  /** Every request served so far, in order of completion. */
  requests: EmulatorRequest[];
  stop(): Promise<void>;
}

export interface S3EmulatorOptions {
  /** Bucket created before start; default "hygge-test". */
  bucket?: string;
}

/**
 * Starts s3rver on 127.0.0.1 with an OS-assigned port and a fresh temporary folder, with one
 * bucket. For tests and benchmarks of any package: the caller needs `s3rver` installed (a
 * devDependency), loaded here on demand so @hygge/s3 does not need it at run time.
 *
 * What the emulator cannot show: it ignores `If-None-Match`, so `options.conditional_writes` is
 * false (create-if-absent checks with HEAD first; racing writers are not tested); it does not
 * check SigV4 signatures (a wrong secret passes; a wrong access key id is refused); it has no
 * UploadPartCopy. ListMultipartUploads and AbortMultipartUpload are added (emulator-multipart.ts).
 */
export async function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  const bucket = options.bucket ?? "hygge-test";
  let S3rver: typeof import("s3rver");
  try {
    S3rver = (await import("s3rver")).default as unknown as typeof import("s3rver");
  } catch (error) {
    throw new HyggeError("PLUGIN_NOT_FOUND", "startS3Emulator needs the s3rver package", {
      hint: "add s3rver to the devDependencies of the package whose tests start the emulator",
      cause: error,
    });
  }
  const directory = await mkdtemp(join(tmpdir(), "hygge-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  // Before s3rver's router (the last middleware), after its logger and XML encoder.
  const middleware = (server as unknown as { middleware: unknown[] }).middleware;
  middleware.splice(middleware.length - 1, 0, multipartGapMiddleware(directory));
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const requests: EmulatorRequest[] = [];
  const http = (server as unknown as { httpServer: Server }).httpServer;
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const before = req.socket.bytesWritten;
    res.on("finish", () => {
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        ...(req.headers.range ? { range: req.headers.range } : {}),
        status: res.statusCode,
        bytesSent: req.socket.bytesWritten - before,
      });
    });
  });
  return {
    endpoint,
    bucket,
    directory,
    requests,
    options: {
      bucket,
      endpoint,
      region: "us-east-1",
      force_path_style: true,
      access_key_id: "S3RVER",
      secret_access_key: "S3RVER",
      conditional_writes: false,
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
