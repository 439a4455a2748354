import { describe, expect, it } from "@jest/globals";
import { freshRoot, keysUnder, objectView, publisher, runOn, where } from "./object-helpers.js";

const contents = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

interface Step {
  op: string;
  phase: "before" | "after";
  /** What a reader listing the folder sees right now. */
  list(): Promise<string[]>;
}

/** Publishes n old files, then a full_drop of n new ones, calling `onStep` around every change to the folder. */
async function fullDrop(n: number, onStep: (step: Step) => Promise<void> | void) {
  const root = await freshRoot();
  const { folder } = where(root);
  const plain = objectView();
  const list = () => keysUnder(plain, folder);
  const old = await runOn(publisher(plain, root), {
    runId: "r1",
    runType: "full_drop",
    contents: contents("old", n),
  });
  const view = objectView(undefined, async (op, path, phase) => {
    if (path.startsWith(folder)) await onStep({ op, phase, list });
  });
  const next = await runOn(publisher(view, root), {
    runId: "r2",
    runType: "full_drop",
    contents: contents("new", n),
  });
  return { old: old.files, next: next.files, final: await list() };
}

describe("object publish: a reader listing the folder during a full_drop", () => {
  it.each([3, 20])(
    "sees the old set, old-and-new, or the new set; never empty or half (%i files)",
    async (n) => {
      const listings: string[][] = [];
      const run = await fullDrop(n, async (step) => {
        listings.push(await step.list());
      });
      expect(run.final).toEqual(run.next);
      // A listing before and after every copy (n) and every delete (n).
      expect(listings).toHaveLength(4 * n);
      for (const seen of listings) {
        const set = new Set(seen);
        expect(run.old.every((f) => set.has(f)) || run.next.every((f) => set.has(f))).toBe(true);
        expect(seen.every((f) => run.old.includes(f) || run.next.includes(f))).toBe(true);
      }
      expect(listings[0]).toEqual(run.old);
      expect(listings.some((seen) => seen.length === 2 * n)).toBe(true);
      expect(listings.at(-1)).toEqual(run.next);
    },
  );
});

describe("object publish: the full_drop window", () => {
  // From the first new object visible to the last old object gone, with nothing else in the way.
  it.each([10, 100])("is measured for %i files", async (n) => {
    let firstCopied: number | undefined;
    let lastDeleted: number | undefined;
    const run = await fullDrop(n, ({ op, phase }) => {
      if (phase === "after" && op === "copy") firstCopied ??= performance.now();
      if (phase === "after" && op === "delete") lastDeleted = performance.now();
    });
    expect(run.final).toEqual(run.next);
    const window = lastDeleted! - firstCopied!;
    expect(window).toBeGreaterThan(0);
    process.stdout.write(
      `full_drop of ${n} files on the local object view: old-and-new window ${window.toFixed(1)} ms\n`,
    );
  });
});
