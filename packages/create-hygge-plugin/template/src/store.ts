// The my-plugin store: one Arrow IPC file per entity, `<folder>/<entity>.arrow`, with the
// committed state in the file's schema metadata, so data and state are published by one rename.
// Batches are kept in memory until commit (fine for a template; a real store streams to staging).
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { type CommitState, defineStore, HyggeError, type RunType, type Store, z } from "@hygge/core";
import { type RecordBatch, Schema, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { conform, mergeFields } from "./columns.js";

export const STATE_KEY = "hygge.state";
export const RUN_TYPES: readonly RunType[] = ["full_drop", "incremental"];

export const storeOptions = z.strictObject({
  folder: z.string().min(1).describe("The folder of the .arrow files, relative to the project folder."),
});
export type StoreOptions = z.output<typeof storeOptions>;

/** The published file of `entity` in `folder`. */
export const publishedFile = (folder: string, entity: string) => path.join(folder, `${entity}.arrow`);
/** Staging files of `entity`: `<entity>.arrow.<random>.tmp`, removed by abort() and by the next open(). */
export const isStaging = (entity: string, name: string) =>
  name.startsWith(`${entity}.arrow.`) && name.endsWith(".tmp");

/**
 * The store of `entity` in `folder`. `publish` moves the staging file into place (a rename);
 * tests pass one that fails to prove a failed commit leaves the destination as it was.
 */
export function arrowFileStore(
  folder: string,
  entity: string,
  publish: (from: string, to: string) => Promise<void> = rename,
): Store {
  const file = publishedFile(folder, entity);
  let batches: RecordBatch[] = [];
  let runType: RunType = "full_drop";
  let staging: string | undefined;
  let aborted = false;

  const published = async (): Promise<Table | undefined> =>
    existsSync(file) ? tableFromIPC(await readFile(file)) : undefined;

  return {
    supports: { runTypes: RUN_TYPES },
    async open(ctx) {
      runType = ctx.runType;
      await mkdir(folder, { recursive: true });
      // Repair: a crashed run may have left its staging file; the published file is intact.
      for (const name of await readdir(folder))
        if (isStaging(entity, name)) await rm(path.join(folder, name), { force: true });
    },
    async write(batch) {
      if (aborted)
        throw new HyggeError("ABORTED", `the run writing ${entity} was aborted`, {
          hint: "nothing was published; run the flow again",
          subject: file,
        });
      batches.push(batch);
    },
    async commit(state: CommitState) {
      const old = runType === "full_drop" ? undefined : await published();
      const fields = mergeFields(
        file,
        old?.schema.fields ?? [],
        batches[0]?.schema.fields ?? old?.schema.fields ?? [],
      );
      const schema = new Schema(fields, new Map([[STATE_KEY, JSON.stringify(state)]]));
      const all = [...(old?.batches ?? []), ...batches];
      const table = new Table(
        schema,
        all.map((b) => conform(b, schema)),
      );
      const bytes = tableToIPC(table, "file");
      staging = `${file}.${randomUUID()}.tmp`;
      const handle = await open(staging, "wx");
      try {
        await handle.writeFile(bytes);
        await handle.sync(); // on disk before it is published
      } finally {
        await handle.close();
      }
      try {
        await publish(staging, file); // the commit point: data and state together
      } catch (error) {
        throw new HyggeError("STORE_COMMIT_FAILED", `could not publish ${file}`, {
          hint: `check that ${folder} is writable; the previous data is unchanged`,
          subject: file,
          cause: error,
        });
      }
      staging = undefined;
      batches = [];
      return { rows: table.numRows, bytes: bytes.byteLength, locations: [file] };
    },
    async abort() {
      aborted = true;
      batches = [];
      if (staging) await rm(staging, { force: true });
      staging = undefined;
    },
    async committedState() {
      const text = (await published())?.schema.metadata.get(STATE_KEY);
      return text ? (JSON.parse(text) as CommitState) : undefined;
    },
    async close() {
      batches = [];
    },
  };
}

export const store = defineStore({
  options: storeOptions,
  runTypes: RUN_TYPES,
  create: (o, ctx) => arrowFileStore(path.resolve(ctx.projectDir, o.folder), ctx.entity ?? ctx.flow),
  describe: (o, ctx) => `my-plugin ${path.join(o.folder, `${ctx.entity ?? ctx.flow}.arrow`)}`,
});
