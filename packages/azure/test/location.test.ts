import { describe, expect, it } from "@jest/globals";
import { redact } from "../src/errors.js";
import plugin, { azureFromUrl } from "../src/index.js";

const parse = (url: string) => azureFromUrl(new URL(url));

describe("azure URLs", () => {
  it("az://container/prefix names a container; the account comes from the connection", () => {
    expect(parse("az://lake/raw/sales/")).toEqual({ options: { container: "lake" }, path: "raw/sales" });
    expect(parse("az://lake")).toEqual({ options: { container: "lake" }, path: "" });
  });

  it("az://account.blob.core.windows.net/container/prefix", () => {
    expect(parse("az://acct.blob.core.windows.net/lake/raw/x.parquet")).toEqual({
      options: { container: "lake", account: "acct" },
      path: "raw/x.parquet",
    });
  });

  it("abfss://container@account.dfs.core.windows.net/prefix (ADLS Gen2) goes to the account's blob endpoint", () => {
    const expected = { options: { container: "lake", account: "acct" }, path: "raw/sales" };
    expect(parse("abfss://lake@acct.dfs.core.windows.net/raw/sales")).toEqual(expected);
    expect(parse("abfs://lake@acct.dfs.core.windows.net/raw/sales")).toEqual(expected);
    expect(parse("wasbs://lake@acct.blob.core.windows.net/raw/sales")).toEqual(expected);
    expect(parse("abfss://lake@acct.dfs.core.chinacloudapi.cn/raw")).toEqual({
      options: { container: "lake", account: "acct", url: "https://acct.blob.core.chinacloudapi.cn" },
      path: "raw",
    });
  });

  it("OneLake: abfss://workspace@onelake.dfs.fabric.microsoft.com/item.Lakehouse/Files/… → the OneLake blob endpoint", () => {
    expect(parse("abfss://Sales%20WS@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/landing/")).toEqual({
      options: { container: "Sales WS", url: "https://onelake.blob.fabric.microsoft.com" },
      path: "lh.Lakehouse/Files/landing",
    });
    expect(
      parse("abfss://ws@westeurope-onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files/a.csv").options,
    ).toEqual({
      container: "ws",
      url: "https://westeurope-onelake.blob.fabric.microsoft.com",
    });
    // The parsed options are valid connection options (no account needed: OneLake takes Entra ID tokens).
    const { options } = parse("abfss://ws@onelake.dfs.fabric.microsoft.com/lh.Lakehouse/Files");
    expect(plugin.storages.azure.options.safeParse(options).success).toBe(true);
  });

  it("refuses SAS tokens in paths, passwords, unknown hosts and missing containers, with a hint", () => {
    expect(() => parse("az://lake/x?sv=2024&sig=abc")).toThrow(/query string/);
    expect(() => parse("abfss://lake:pw@acct.dfs.core.windows.net/x")).toThrow(/password/);
    expect(() => parse("abfss://lake@example.com/x")).toThrow(/unknown host/);
    expect(() => parse("az://acct.blob.core.windows.net/")).toThrow(/names no container/);
    try {
      parse("az://lake/x?sv=2024&sig=abc");
    } catch (e) {
      expect((e as { code: string }).code).toBe("CONFIG_INVALID");
      expect((e as Error).message).not.toContain("sig=abc");
    }
  });
});

describe("azure connection options", () => {
  const schema = plugin.storages.azure.options;
  it("are strict, take one credential at most and need an account, url or connection string", () => {
    expect(schema.safeParse({ account: "a", container: "c", acount_key: "k" }).success).toBe(false);
    expect(schema.safeParse({ account: "a", container: "c", account_key: "k", sas_token: "s" }).success).toBe(
      false,
    );
    expect(schema.safeParse({ container: "c" }).success).toBe(false);
    expect(schema.parse({ account: "a", container: "c" })).toEqual({
      account: "a",
      container: "c",
      block_size_mb: 8,
      upload_concurrency: 4,
      max_tries: 4,
    });
  });
});

describe("redact", () => {
  it("removes SAS signatures, account keys and authorization headers from service messages", () => {
    const text = redact(
      "GET https://a.blob.core.windows.net/c/x?sv=2024-01-01&sig=AbC%2Fd3&se=2030 failed; AccountKey=Zm9vYmFy==; Authorization: SharedKey a:c2lnbmF0dXJl Bearer eyJ0eXAi",
    );
    expect(text).not.toMatch(/AbC|Zm9vYmFy|c2lnbmF0dXJl|eyJ0eXAi|2030/);
    expect(text).toContain("https://a.blob.core.windows.net/c/x?sv=…&sig=…&se=…");
  });
});
