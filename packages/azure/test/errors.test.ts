import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { describeError, isSecretKey } from "@hygge/core";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import plugin from "../src/index.js";
import { type AzureEmulator, EMULATOR_ACCOUNT, startAzureEmulator } from "../src/testing.js";
import { azureStorage } from "./helpers.js";

let emulator: AzureEmulator;
beforeAll(async () => {
  emulator = await startAzureEmulator();
}, 90_000);
afterAll(() => emulator?.stop());

const WRONG_KEY = Buffer.from("not the key of devstoreaccount1, but valid base64 all the same").toString(
  "base64",
);

/** A container SAS for the test container, signed with `key`. */
const sas = (key: string) =>
  generateBlobSASQueryParameters(
    {
      containerName: emulator.container,
      expiresOn: new Date(Date.now() + 3600_000),
      permissions: ContainerSASPermissions.parse("racwdl"),
    },
    new StorageSharedKeyCredential(EMULATOR_ACCOUNT, key),
  ).toString();

/** Everything a user or a log could see of an error: message, hint, cause, and its JSON. */
const shown = (e: unknown) => {
  const err = e as { message?: string; hint?: string; cause?: { message?: string } };
  return [describeError(e), err.message, err.hint, err.cause?.message, JSON.stringify(e)].join("\n");
};

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e) => e,
  );

describe("azure credentials and errors (azurite)", () => {
  it("a connection string and a SAS token work as well as the account key", async () => {
    const fromString = await azureStorage({
      connection_string: emulator.connectionString,
      container: emulator.container,
    });
    await fromString.write("cred/cs.txt", Buffer.from("via connection string"));
    const fromSas = await azureStorage({
      url: emulator.url,
      sas_token: `?${sas(emulator.options.account_key)}`,
      container: emulator.container,
    });
    expect(Buffer.from(await fromSas.read("cred/cs.txt")).toString()).toBe("via connection string");
    expect(await fromSas.createIfAbsent("cred/sas.txt", Buffer.from("via SAS"))).toBe(true);
    expect(await fromSas.createIfAbsent("cred/sas.txt", Buffer.from("again"))).toBe(false);
    await fromSas.copy("cred/sas.txt", "cred/copied.txt");
    expect(Buffer.from(await fromString.read("cred/copied.txt")).toString()).toBe("via SAS");
  });

  it("a wrong container names the az:// url and says to create it", async () => {
    const storage = await azureStorage({ ...emulator.options, container: "no-such-container" });
    for (const op of [
      () => storage.stat("x/y.parquet"),
      () => storage.write("x/y.parquet", Buffer.from("z")),
      async () => {
        for await (const _ of storage.list("x/"));
      },
    ]) {
      const e = await failure(op());
      expect(e.code).toBe("CONNECTION_FAILED");
      expect(e.message).toContain("az://no-such-container/x/");
      expect(e.message).toContain("container does not exist");
      expect(e.hint).toMatch(/create the container/);
      expect(shown(e)).not.toContain(emulator.options.account_key);
    }
  });

  it("a wrong account key is refused (403) without showing either key", async () => {
    const storage = await azureStorage({ ...emulator.options, account_key: WRONG_KEY });
    const e = await failure(storage.write("secret/a.txt", Buffer.from("a")));
    expect(e.code).toBe("CONNECTION_FAILED");
    expect(e.message).toContain("access to az://");
    expect(e.message).toContain("/secret/a.txt was denied (403");
    expect(e.hint).toMatch(/account_key/);
    expect(shown(e)).not.toContain(WRONG_KEY);
    expect(shown(e)).not.toContain(emulator.options.account_key);
    expect(await (await azureStorage(emulator.options)).stat("secret/a.txt")).toBeUndefined();
  });

  it("a SAS token signed with the wrong key is refused without showing its signature", async () => {
    const token = sas(WRONG_KEY);
    const signature = new URLSearchParams(token).get("sig")!;
    const storage = await azureStorage({
      url: emulator.url,
      sas_token: token,
      container: emulator.container,
    });
    const e = await failure(storage.read("secret/b.txt"));
    expect(e.code).toBe("CONNECTION_FAILED");
    expect(e.message).toMatch(/access to az:\/\/.*\/secret\/b.txt was denied \(403/);
    expect(shown(e)).not.toContain(signature);
    expect(shown(e)).not.toContain(encodeURIComponent(signature));
  });

  it("an unreachable endpoint is a transient CONNECTION_FAILED naming the endpoint", async () => {
    const storage = await azureStorage({
      ...emulator.options,
      url: "http://127.0.0.1:9/devstoreaccount1",
      max_tries: 1,
    });
    const e = await failure(storage.stat("a"));
    expect(e.code).toBe("CONNECTION_FAILED");
    expect(e.transient).toBe(true);
    expect(e.message).toContain("az://");
    expect(e.message).toContain("cannot reach http://127.0.0.1:9/devstoreaccount1");
  });

  it("without key, SAS or connection string the default Azure credential chain is used, and its failure says what to set", async () => {
    const saved = Object.entries(process.env).filter(([k]) => k.startsWith("AZURE_"));
    for (const [k] of saved) delete process.env[k];
    try {
      const storage = await azureStorage({ url: "https://127.0.0.1:9", container: "c", max_tries: 1 });
      const e = await failure(storage.stat("a/b"));
      expect(e.code).toBe("CONNECTION_FAILED");
      expect(e.message).toBe("az://c/a/b: no Azure credential could be obtained");
      expect(e.hint).toMatch(/az login/);
    } finally {
      for (const [k, v] of saved) process.env[k] = v;
    }
  });

  it("describe() and the secret options keep keys, SAS tokens and connection strings out of output", () => {
    const d = plugin.storages.azure;
    const withSasUrl = d.options.parse({ url: `${emulator.url}?${sas(WRONG_KEY)}`, container: "c" });
    expect(d.describe!(withSasUrl)).toBe(`az://c at ${emulator.url}`);
    const withString = d.options.parse({ connection_string: emulator.connectionString, container: "c" });
    expect(d.describe!(withString)).toBe(`az://c at ${emulator.url}`);
    expect(d.describe!(d.options.parse({ account: "acct", account_key: WRONG_KEY, container: "c" }))).toBe(
      "az://c at https://acct.blob.core.windows.net",
    );
    for (const key of ["account_key", "sas_token", "connection_string"]) expect(isSecretKey(key)).toBe(true);
  });
});
