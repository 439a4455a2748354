import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * s3rver 3.7.1 stores multipart uploads in `<dir>/<bucket>/._S3rver_uploads/<uploadId>/` but
 * answers NotImplemented to ListMultipartUploads and MethodNotAllowed to AbortMultipartUpload. This
 * Koa middleware adds those two calls on top of that folder, so the driver's clean-up of failed
 * uploads runs (and is checked) end to end. It is the emulator's gap, filled from its own state:
 * no other request is touched.
 */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

export function multipartGapMiddleware(directory: string) {
  const uploadsDir = (bucket: string) => join(directory, bucket, "._S3rver_uploads");
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    const [, bucket, ...rest] = ctx.path.split("/");
    const key = rest.map(decodeURIComponent).join("/");
    if (ctx.method === "GET" && bucket && key === "" && "uploads" in ctx.query) {
      const ids = await readdir(uploadsDir(bucket)).catch(() => [] as string[]);
      const uploads = await Promise.all(
        ids.map(async (id) => ({ id, key: await readFile(join(uploadsDir(bucket), id, "key"), "utf8") })),
      );
      ctx.type = "application/xml";
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult><Bucket>${xml(bucket)}</Bucket><IsTruncated>false</IsTruncated>${uploads
        .map((u) => `<Upload><Key>${xml(u.key)}</Key><UploadId>${u.id}</UploadId></Upload>`)
        .join("")}</ListMultipartUploadsResult>`;
      return;
    }
    const uploadId = ctx.query.uploadId;
    if (ctx.method === "DELETE" && bucket && key !== "" && typeof uploadId === "string") {
      const dir = join(uploadsDir(bucket), uploadId.replace(/[^0-9a-f]/gi, ""));
      const found = await readFile(join(dir, "key"), "utf8").catch(() => undefined);
      if (found !== key) {
        ctx.status = 404;
        ctx.type = "application/xml";
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`;
        return;
      }
      await rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    await next();
  };
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
