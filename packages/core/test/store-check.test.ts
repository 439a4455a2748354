import { describe, expect, it } from "@jest/globals";
import { silentLogger } from "../src/contracts/common.js";
import { fileNamer } from "../src/files/naming.js";
import { checkFileStore } from "../src/files/store-check.js";
import { freshRoot, keysUnder, objectView, where } from "./object-helpers.js";

// `hygge debug` asks a file store whether it could write; on object storage it proves it with a
// probe object under the bookkeeping prefix, removed at once.

const check = (storage: ReturnType<typeof objectView>, root: string) =>
  checkFileStore({
    target: { storage, ...where(root), entity: "users", logger: silentLogger },
    runType: "full_drop",
    replaceExisting: false,
    name: fileNamer("part-{seq}.csv", "users", "check"),
    plugin: "test",
  });

describe("checkFileStore on object storage", () => {
  it("a writable store passes and keeps no probe", async () => {
    const root = await freshRoot();
    const storage = objectView();
    expect(await check(storage, root)).toEqual([
      { ok: true, subject: `obj://${root}lake/users`, message: "destination writable" },
    ]);
    expect(await keysUnder(storage, root)).toEqual([]);
  });

  it("a store that refuses writes is a problem naming the destination, with a hint", async () => {
    const root = await freshRoot();
    const storage = objectView(undefined, (op, _path, phase) => {
      if (op === "createIfAbsent" && phase === "before") throw new Error("AccessDenied: write not allowed");
    });
    const [result] = await check(storage, root);
    expect(result).toMatchObject({
      ok: false,
      subject: `obj://${root}lake/users`,
      hint: "check the connection's credentials and that they may write there",
    });
    expect(result!.message).toContain("AccessDenied");
    expect(await keysUnder(storage, root)).toEqual([]);
  });
});
