import { defineStorage, HyggeError, type HyggePlugin } from "@hygge/core";
import { PLUGIN } from "./errors.js";
import { type S3Options, s3Options } from "./options.js";
import { S3Storage } from "./s3-storage.js";
import { describeS3, s3FromUrl } from "./url.js";

export type { S3Options, S3OptionsInput } from "./options.js";
export { s3Options } from "./options.js";
export { MAX_COPY_BYTES, S3Storage } from "./s3-storage.js";
export { describeS3, s3FromUrl } from "./url.js";

/** The `s3` storage: Amazon S3 and S3-compatible services, for `s3://` and `s3a://` paths. */
export const s3Storage = defineStorage({
  options: s3Options,
  schemes: ["s3", "s3a"],
  fromUrl: s3FromUrl,
  create(input: S3Options) {
    // Parsed again: a connection's options may reach here without the schema's defaults.
    const options = s3Options.parse(input);
    const bucket = options.bucket;
    if (bucket === undefined) {
      throw new HyggeError("CONFIG_INVALID", "an s3 connection needs a bucket", {
        plugin: PLUGIN,
        hint: "add `bucket:` to the connection, or use s3://<bucket>/<path> paths",
      });
    }
    return new S3Storage({ ...options, bucket });
  },
  describe: describeS3,
});

const plugin = { name: PLUGIN, storages: { s3: s3Storage } } satisfies HyggePlugin;
export default plugin;
