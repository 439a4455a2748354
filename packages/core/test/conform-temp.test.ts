import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { cleanupTempDirs, tempDir } from "../src/testing/index.js";

const top = tempDir("conform-temp");

describe("tempDir", () => {
  it("makes a new empty folder per call, named after the label", () => {
    const other = tempDir("conform temp/2");
    expect(existsSync(top)).toBe(true);
    expect(other).not.toBe(top);
    expect(other).toMatch(/hygge-conform_temp_2-\w+$/);
    writeFileSync(join(other, "f"), "x");
  });

  it("cleanupTempDirs removes every folder it made (the first call's afterAll runs it)", async () => {
    const inner = tempDir("conform-temp");
    writeFileSync(join(inner, "f"), "x");
    await cleanupTempDirs();
    expect([existsSync(top), existsSync(inner)]).toEqual([false, false]);
  });
});
