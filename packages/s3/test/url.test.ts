import { isHyggeError, isSecretKey } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import plugin, { s3Storage } from "../src/index.js";

describe("s3 URLs, options and descriptions", () => {
  it("splits s3:// and s3a:// URLs into a bucket and a key", () => {
    expect(s3Storage.fromUrl!(new URL("s3://bucket/prefix/x"))).toEqual({
      options: { bucket: "bucket" },
      path: "prefix/x",
    });
    expect(s3Storage.fromUrl!(new URL("s3a://data-lake/raw/sales/"))).toEqual({
      options: { bucket: "data-lake" },
      path: "raw/sales",
    });
    expect(s3Storage.fromUrl!(new URL("s3://b"))).toEqual({ options: { bucket: "b" }, path: "" });
    expect(s3Storage.fromUrl!(new URL("s3://b/a%20b/%C3%A9t%C3%A9.csv")).path).toBe("a b/été.csv");
    expect(s3Storage.schemes).toEqual(["s3", "s3a"]);
  });

  it("refuses URLs with user-info without echoing it", () => {
    let error: unknown;
    try {
      s3Storage.fromUrl!(new URL("s3://AKIA:hunter2@bucket/x"));
    } catch (e) {
      error = e;
    }
    expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("describes a connection without secrets", () => {
    const options = s3Storage.options.parse({
      bucket: "analytics",
      endpoint: "http://minio:pw123@127.0.0.1:9000",
      access_key_id: "AKIAEXAMPLE",
      secret_access_key: "very-secret",
    });
    expect(s3Storage.describe!(options)).toBe("s3://analytics at http://127.0.0.1:9000");
    expect(s3Storage.describe!(s3Storage.options.parse({ bucket: "b", region: "eu-west-1" }))).toBe(
      "s3://b (eu-west-1)",
    );
    for (const key of ["secret_access_key", "session_token", "access_key_id"])
      expect(isSecretKey(key)).toBe(true);
  });

  it("checks options: strict keys, keys in pairs, defaults", () => {
    expect(s3Storage.options.safeParse({ bucket: "b", buckett: "c" }).success).toBe(false);
    expect(s3Storage.options.safeParse({ access_key_id: "A" }).success).toBe(false);
    expect(s3Storage.options.safeParse({ part_size_mib: 4 }).success).toBe(false);
    expect(s3Storage.options.parse({})).toEqual({
      conditional_writes: true,
      part_size_mib: 8,
      upload_concurrency: 4,
    });
  });

  it("a connection without a bucket is refused at create, naming the fix", async () => {
    let error: unknown;
    try {
      await s3Storage.create(s3Storage.options.parse({ region: "eu-west-1" }), {
        projectDir: "/",
        logger: console as never,
      });
    } catch (e) {
      error = e;
    }
    expect(isHyggeError(error) && error.code).toBe("CONFIG_INVALID");
    expect((error as Error & { hint: string }).hint).toMatch(/bucket:.*s3:\/\/<bucket>/);
  });

  it("is a plugin with one storage, s3, of the expected shape", async () => {
    expect(plugin.name).toBe("@hygge/s3");
    expect(Object.keys(plugin.storages)).toEqual(["s3"]);
    const storage = await s3Storage.create(s3Storage.options.parse({ bucket: "b", region: "eu-west-1" }), {
      projectDir: "/",
      logger: console as never,
    });
    expect(storage.url("raw/x.parquet")).toBe("s3://b/raw/x.parquet");
    expect(storage.capabilities).toEqual({
      local: false,
      atomicRename: false,
      conditionalCreate: "enforced",
    });
    await storage.close?.();
  });
});
