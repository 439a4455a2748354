import { collectSecrets, isSecretKey, redact } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";

// What never reaches output: values under secret-looking keys, and the passwords inside
// connection strings, also where they appear on their own.
describe("secrets", () => {
  it("collects and redacts secrets, including passwords inside URLs", () => {
    const secrets = collectSecrets({
      connections: { wh: { password: "s3cr3t!", host: "db" }, x: { url: "postgres://u:pw@h/db" } },
    });
    expect([...secrets]).toEqual(["s3cr3t!", "postgres://u:pw@h/db"]);
    expect(redact("login failed with s3cr3t! at postgres://bob:hunter2@db:5432/x", secrets)).toBe(
      "login failed with *** at postgres://bob:***@db:5432/x",
    );

    // A password holding an unencoded `@` (which URL parsers accept): masked up to the last `@`.
    const at = collectSecrets({ url: "postgres://u:p@ssw0rd@h/db?table=t" });
    expect([...at]).toContain("p@ssw0rd");
    expect(redact("from postgres://u:p@ssw0rd@h/db?table=t to out", [])).toBe(
      "from postgres://u:***@h/db?table=t to out",
    );
  });

  it("collects the passwords inside connection strings, so they are redacted even on their own", () => {
    const secrets = collectSecrets({
      connections: {
        pg: { url: "postgres://bob:p%40ss%3Bw0rd@db:5432/x" },
        ms: { url: "Server=db,1433;Database=x;User Id=sa;Password='a;b''c';Encrypt=true" },
        ms2: { url: "Server=db;Database=x;UID=sa;PWD=hunter22" },
      },
    });
    for (const p of ["p%40ss%3Bw0rd", "p@ss;w0rd", "a;b'c", "hunter22"]) expect(secrets.has(p)).toBe(true);
    expect(redact("login for bob failed (password p@ss;w0rd); PWD hunter22; a;b'c", secrets)).toBe(
      "login for bob failed (password ***); PWD ***; ***",
    );
  });

  it("treats object-storage credentials as secrets, and primary keys as not", () => {
    const lake = {
      type: "s3",
      bucket: "analytics",
      access_key_id: "AKIAEXAMPLE",
      secret_access_key: "wJalrXUtnFEMI",
      session_token: "FwoGZXIvYXdz",
    };
    const fabric = {
      type: "azure",
      account: "acct",
      account_key: "a2V5",
      sas_token: "sv=2024&sig=abc",
      sas: "sig=x",
    };
    const secrets = [...collectSecrets({ connections: { lake, fabric } })].sort();
    expect(secrets).toEqual([
      "AKIAEXAMPLE",
      "FwoGZXIvYXdz",
      "a2V5",
      "sig=x",
      "sv=2024&sig=abc",
      "wJalrXUtnFEMI",
    ]);
    for (const key of ["primary_key", "watermark_column", "bucket", "account", "container", "region"])
      expect(isSecretKey(key)).toBe(false);
  });
});
