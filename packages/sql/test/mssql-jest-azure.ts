/**
 * Jest (on Node < 24.9) cannot `require` the ESM-only packages that tedious' Azure AD login pulls
 * in (@azure/identity → https-proxy-agent), so `mssql` would not load at all inside a test. These
 * login modules are replaced by empty ones for the test files that import this one: the suites
 * log in with user and password, and everything that serialises values is the real tedious.
 */
import { createRequire } from "node:module";
import { jest } from "@jest/globals";

const fromHere = createRequire(import.meta.url);
const fromTedious = createRequire(createRequire(fromHere.resolve("mssql")).resolve("tedious"));
for (const id of ["@azure/identity", "@azure/keyvault-keys"]) {
  try {
    jest.mock(fromTedious.resolve(id), () => ({}));
  } catch {
    // not installed: nothing to keep out
  }
}
