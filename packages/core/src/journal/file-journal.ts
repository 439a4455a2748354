import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { RunType } from "../contracts/common.js";
import type { Watermark } from "../contracts/watermark.js";
import type { RunJournal } from "../coordinator.js";
import { faultPoint } from "../fault.js";
import type { FlowReport, FlowStatus } from "../flow/events.js";
import type { EntityRun } from "../project/plan.js";
import type { SchemaChange } from "../schema/change.js";
import type { RecordedColumn } from "../schema/recorded.js";
import { writeFileAtomic } from "./atomic-write.js";

/** One entity run, as kept in the journal. */
export interface JournalRecord {
  id: string;
  runId: string;
  flow: string;
  entity?: string;
  status: FlowStatus;
  runType: RunType;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  rows: number;
  bytes: number;
  locations: string[];
  attempts: number;
  watermarkColumn?: string;
  /** The watermark the run started from and the one it committed, key lists replaced by their count. */
  since?: JournalWatermark;
  watermark?: JournalWatermark;
  schemaFingerprint?: string;
  /** The destination's columns after the run (passed runs). */
  schema?: RecordedColumn[];
  /** What the run changed in the destination's columns (on_schema_change). */
  schemaChange?: SchemaChange;
  error?: { code: string; message: string; hint?: string };
  /** Written at reconciliation: the store had published this run but the journal had no record of it. */
  recovered?: boolean;
  /**
   * "unknown": the run was stopped while its commit was in flight (COMMIT_UNKNOWN); the store may
   * have published it. If it did, the next run's record of the store's state adds a `recovered` one.
   */
  commitOutcome?: "unknown";
}

/**
 * A watermark as a journal record shows it: `boundaryKeys` (up to `max_boundary_keys` of them) is
 * replaced by `boundaryKeyCount`, so records stay small. Records written before kept the keys.
 */
export type JournalWatermark = Watermark & { boundaryKeyCount?: number };

/** The full last committed watermark of an entity, keys included: the journal's resume point. */
interface ResumePoint {
  runId: string;
  watermark: Watermark;
}

const KEEP_PER_ENTITY = 200;
/** Next to the records, without `.json`: never listed or pruned as one. */
const RESUME_FILE = "resume-point";

function summary(watermark: Watermark | undefined): JournalWatermark | undefined {
  if (!watermark?.boundaryKeys) return watermark;
  const { boundaryKeys, ...rest } = watermark;
  return { ...rest, boundaryKeyCount: boundaryKeys.length };
}
const stamp = (iso: string) => iso.replace(/[-:.]/g, "");

/**
 * The user-facing history of entity runs: one small JSON file per run under
 * `<dir>/runs/<flow>/<entity>/`, written atomically. It is a cache and a record, not the source of
 * truth: stores publish their state with their data, and records are reconciled with it.
 */
export class FileJournal implements RunJournal {
  constructor(
    readonly dir: string,
    private readonly redact: (text: string) => string = (t) => t,
  ) {}

  private entityDir(flow: string, entity?: string): string {
    return path.join(this.dir, "runs", flow, entity ?? "_");
  }

  async record(report: FlowReport, run: EntityRun): Promise<void> {
    const dir = this.entityDir(report.flow, report.entity);
    await mkdir(dir, { recursive: true });
    const existing = await this.list(report.flow, report.entity);
    const committed = report.committed;
    // A failed record of the same run does not count: its commit may have published after all.
    if (committed && !existing.some((r) => r.runId === committed.runId && r.status === "pass")) {
      // The store published a run the journal never heard of (killed between commit and journal write).
      await this.write(dir, {
        id: report.id,
        runId: committed.runId,
        flow: report.flow,
        entity: report.entity,
        status: "pass",
        runType: committed.runType,
        startedAt: committed.committedAt,
        finishedAt: committed.committedAt,
        durationMs: 0,
        rows: 0,
        bytes: 0,
        locations: [],
        attempts: 0,
        watermarkColumn: committed.watermark?.column,
        watermark: summary(committed.watermark),
        ...(committed.schema ? { schema: committed.schema } : {}),
        recovered: true,
      });
    }
    if (report.status === "pass" && report.watermark) {
      const resume: ResumePoint = { runId: report.runId, watermark: report.watermark };
      await writeFileAtomic(path.join(dir, RESUME_FILE), `${JSON.stringify(resume)}\n`);
    }
    await this.write(dir, {
      id: report.id,
      runId: report.runId,
      flow: report.flow,
      entity: report.entity,
      status: report.status,
      runType: report.runType,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      durationMs: report.durationMs,
      rows: report.rows,
      bytes: report.bytes,
      locations: report.locations,
      attempts: report.attempts,
      watermarkColumn: run.watermark?.column,
      since: summary(report.since),
      watermark: summary(report.watermark),
      schemaFingerprint: report.schemaFingerprint,
      ...(report.schema ? { schema: report.schema } : {}),
      ...(report.schemaChange ? { schemaChange: report.schemaChange } : {}),
      error: report.error
        ? { code: report.error.code, message: this.redact(report.error.message), hint: report.error.hint }
        : undefined,
      ...(report.error?.code === "COMMIT_UNKNOWN" ? { commitOutcome: "unknown" as const } : {}),
    });
    faultPoint("journal:after-record");
    await this.prune(dir);
  }

  private async write(dir: string, record: JournalRecord): Promise<void> {
    const name = `${stamp(record.finishedAt)}-${record.runId}${record.recovered ? "-recovered" : ""}.json`;
    await writeFileAtomic(path.join(dir, name), `${JSON.stringify(record, null, 2)}\n`);
  }

  private async prune(dir: string): Promise<void> {
    const files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
    for (const file of files.slice(0, Math.max(0, files.length - KEEP_PER_ENTITY))) {
      await rm(path.join(dir, file), { force: true });
    }
  }

  /** Records of one entity, oldest first. */
  async list(flow: string, entity?: string): Promise<JournalRecord[]> {
    const dir = this.entityDir(flow, entity);
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith(".json") && !f.startsWith(".")).sort();
    } catch {
      return [];
    }
    const out: JournalRecord[] = [];
    for (const file of files) {
      try {
        out.push(JSON.parse(await readFile(path.join(dir, file), "utf8")) as JournalRecord);
      } catch {
        // A record that cannot be read is skipped, never fatal: the journal is not the source of truth.
      }
    }
    return out;
  }

  /**
   * The resume point for stores that cannot report their committed state: the resume file
   * (the full watermark of the last passed run), unless a passed record is newer than it. A record
   * holds only the count of its keys: resuming from one that had keys re-reads its boundary value
   * (`rereadBoundary`), which a merge run upserts and an incremental run refuses.
   */
  async lastWatermark(run: EntityRun): Promise<Watermark | undefined> {
    const records = await this.list(run.flow, run.entity);
    const last = records.findLast((r) => r.status === "pass");
    const resume = await readResume(path.join(this.entityDir(run.flow, run.entity), RESUME_FILE));
    if (resume && (!last || resume.runId >= last.runId)) return resume.watermark;
    if (!last?.watermark) return undefined;
    const { boundaryKeyCount, ...watermark } = last.watermark;
    return boundaryKeyCount ? { ...watermark, rereadBoundary: true } : watermark;
  }

  /** The destination's columns as the last passed run left them (for `--dry-run` and `hygge debug`). */
  async lastSchema(run: EntityRun): Promise<RecordedColumn[] | undefined> {
    const records = await this.list(run.flow, run.entity);
    return records.findLast((r) => r.status === "pass" && r.schema)?.schema;
  }

  /** Recent runs, newest first; `filter` is `FLOW` or `FLOW.ENTITY`. */
  async history(filter?: string, limit = 20): Promise<JournalRecord[]> {
    const runsDir = path.join(this.dir, "runs");
    const flows = await readdir(runsDir).catch(() => [] as string[]);
    const all: JournalRecord[] = [];
    for (const flow of flows) {
      for (const entityDir of await readdir(path.join(runsDir, flow)).catch(() => [] as string[])) {
        const entity = entityDir === "_" ? undefined : entityDir;
        const id = entity ? `${flow}.${entity}` : flow;
        if (filter && filter !== flow && filter !== id) continue;
        all.push(...(await this.list(flow, entity)));
      }
    }
    return all.sort((a, b) => b.finishedAt.localeCompare(a.finishedAt)).slice(0, limit);
  }
}

async function readResume(file: string): Promise<ResumePoint | undefined> {
  try {
    const resume = JSON.parse(await readFile(file, "utf8")) as ResumePoint;
    return typeof resume.runId === "string" && resume.watermark ? resume : undefined;
  } catch {
    return undefined;
  }
}
