import { Readable } from "node:stream";
import type { Storage } from "../contracts/storage.js";
import { jestGlobals } from "./jest-globals.js";

export interface StorageSuiteOptions {
  /** Shown in test names. */
  name: string;
  /** The storage under test (a real service or emulator), shared by the suite's tests. */
  storage(): Storage | Promise<Storage>;
  /** A folder (key prefix ending in '/') the suite may fill; each test uses its own sub-folder. */
  prefix(): string | Promise<string>;
  /**
   * What the service enforces that the emulator may not: `createIfAbsent` racing writers are only
   * tested where `capabilities.conditionalCreate` is "enforced".
   */
  skip?: readonly "race"[];
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** The conformance suite every storage driver runs against a real service (or its emulator). */
export function testStorage(options: StorageSuiteOptions): void {
  const { describe, expect, it } = jestGlobals();
  let n = 0;
  const setup = async () => {
    const storage = await options.storage();
    const base = await options.prefix();
    return { storage, dir: `${base}${base === "" || base.endsWith("/") ? "" : "/"}t${++n}-${process.pid}/` };
  };
  const listed = async (storage: Storage, prefix: string) => {
    const out: [string, number][] = [];
    for await (const o of storage.list(prefix)) out.push([o.path, o.size]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  };

  describe(`storage conformance: ${options.name}`, () => {
    it("writes, stats, reads whole and ranged, and lists at any depth", async () => {
      const { storage, dir } = await setup();
      await storage.write(`${dir}a.txt`, bytes("hello, world"));
      await storage.write(`${dir}sub/b.txt`, Readable.from([bytes("one "), bytes("two")]));
      await storage.write(`${dir}subway.txt`, bytes("x"));
      expect(text(await storage.read(`${dir}a.txt`))).toBe("hello, world");
      expect(text(await storage.read(`${dir}a.txt`, { offset: 7, length: 5 }))).toBe("world");
      expect(text(await storage.read(`${dir}sub/b.txt`))).toBe("one two");
      expect((await storage.stat(`${dir}a.txt`))?.size).toBe(12);
      expect(await storage.stat(`${dir}missing.txt`)).toBeUndefined();
      expect(await storage.stat(`${dir}sub`)).toBeUndefined();
      expect(await listed(storage, dir)).toEqual([
        [`${dir}a.txt`, 12],
        [`${dir}sub/b.txt`, 7],
        [`${dir}subway.txt`, 1],
      ]);
      expect(await listed(storage, `${dir}sub/`)).toEqual([[`${dir}sub/b.txt`, 7]]);
      expect(await listed(storage, `${dir}nothing/`)).toEqual([]);
    });

    it("streams an object front to back", async () => {
      const { storage, dir } = await setup();
      const body = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
      await storage.write(`${dir}big.bin`, body);
      const chunks: Buffer[] = [];
      for await (const c of await storage.stream(`${dir}big.bin`)) chunks.push(c as Buffer);
      expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(body))).toBe(0);
      await expect(
        storage.stream(`${dir}none.bin`).then(async (s) => {
          for await (const _ of s);
        }),
      ).rejects.toThrow();
    });

    it("replaces on write, deletes idempotently, copies server-side", async () => {
      const { storage, dir } = await setup();
      await storage.write(`${dir}f`, bytes("first"));
      await storage.write(`${dir}f`, bytes("second!"));
      expect(text(await storage.read(`${dir}f`))).toBe("second!");
      await storage.copy(`${dir}f`, `${dir}g/copy`);
      expect(text(await storage.read(`${dir}g/copy`))).toBe("second!");
      await storage.delete(`${dir}f`);
      await storage.delete(`${dir}f`);
      expect(await storage.stat(`${dir}f`)).toBeUndefined();
      expect(await listed(storage, dir)).toEqual([[`${dir}g/copy`, 7]]);
    });

    it("creates only if absent", async () => {
      const { storage, dir } = await setup();
      expect(await storage.createIfAbsent(`${dir}commit/1.json`, bytes('{"run":1}'))).toBe(true);
      expect(await storage.createIfAbsent(`${dir}commit/1.json`, bytes('{"run":2}'))).toBe(false);
      expect(text(await storage.read(`${dir}commit/1.json`))).toBe('{"run":1}');
      expect(await listed(storage, `${dir}commit/`)).toEqual([[`${dir}commit/1.json`, 9]]);
    });

    const race = storageRaceCase(options);
    (race ? it : it.skip)(
      `creates only if absent under a race of 8 writers${race ? "" : " (skipped: the service does not enforce it)"}`,
      async () => {
        const { storage, dir } = await setup();
        // A storage that only checks before writing must declare it and pass skip: ["race"].
        expect(storage.capabilities.conditionalCreate).toBe("enforced");
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => storage.createIfAbsent(`${dir}c.json`, bytes(`w${i}`))),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(text(await storage.read(`${dir}c.json`))).toBe(`w${winner}`);
      },
    );

    it("a failed streamed write leaves no object behind", async () => {
      const { storage, dir } = await setup();
      await storage.write(`${dir}keep`, bytes("old"));
      async function* failing() {
        yield Buffer.alloc(6 * 1024 * 1024, 1);
        throw new Error("source failed");
      }
      await expect(storage.write(`${dir}keep`, Readable.from(failing()))).rejects.toThrow();
      await expect(storage.write(`${dir}new`, Readable.from(failing()))).rejects.toThrow();
      expect(text(await storage.read(`${dir}keep`))).toBe("old");
      expect(await storage.stat(`${dir}new`)).toBeUndefined();
      expect(await listed(storage, dir)).toEqual([[`${dir}keep`, 3]]);
    });

    it("an aborted write leaves no object behind", async () => {
      const { storage, dir } = await setup();
      const controller = new AbortController();
      async function* slow() {
        yield Buffer.alloc(6 * 1024 * 1024, 2);
        controller.abort();
        await new Promise((r) => setTimeout(r, 50));
        yield Buffer.alloc(1024, 3);
      }
      await expect(
        storage.write(`${dir}aborted`, Readable.from(slow()), controller.signal),
      ).rejects.toThrow();
      expect(await storage.stat(`${dir}aborted`)).toBeUndefined();
    });

    it("names objects by url without secrets", async () => {
      const { storage, dir } = await setup();
      const url = storage.url(`${dir}x`);
      expect(url).toContain("x");
      expect(url).not.toMatch(/key=|sig=|secret|AccountKey/i);
    });
  });
}

function storageRaceCase(options: StorageSuiteOptions): boolean {
  return !options.skip?.includes("race");
}
