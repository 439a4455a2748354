import type { ReadContext } from "../contracts/home.js";
import type { CommitState } from "../contracts/store.js";
import type { Watermark } from "../contracts/watermark.js";
import type { AttemptContext } from "./attempt-context.js";
import type { GuardedStore } from "./guarded-store.js";
import { WatermarkTracker } from "./watermark.js";

/** Where an attempt starts reading, and what it reads with. */
export interface ResumePoint {
  /** The committed watermark the run starts from (incremental runs). */
  since?: Watermark;
  /** The state the store had published when the run started. */
  committed?: CommitState;
  tracker?: WatermarkTracker;
  readCtx: ReadContext;
}

/**
 * Reads the resume point back from the store (after open(), which repaired leftovers), or takes
 * the journal's when the store cannot tell, and builds the boundary tracker and the read context.
 */
export async function resumePoint(a: AttemptContext, store: GuardedStore): Promise<ResumePoint> {
  const { watermark } = a.options;
  let since: Watermark | undefined;
  let committed: CommitState | undefined;
  // Incremental and merge runs read the committed state even without a watermark: it holds the
  // published columns the source is compared with (on_schema_change).
  if (a.runType !== "full_drop" && store.hasCommittedState) committed = await store.committedState();
  if (watermark && a.runType !== "full_drop") {
    since = store.hasCommittedState ? committed?.watermark : a.options.since;
  }
  let tracker: WatermarkTracker | undefined;
  try {
    tracker = watermark ? new WatermarkTracker(watermark, since, a.runType) : undefined;
  } catch (error) {
    throw a.fail(error, "CONFIG_INVALID", undefined);
  }
  // The home is asked from the committed watermark moved back by the lookback, if any; the tracker
  // keeps the committed one for the boundary rule.
  return { since, committed, tracker, readCtx: readContext(a, tracker ? tracker.homeSince : since) };
}

/** The context the home reads with: the one place where the `since` handed to the home is decided. */
export function readContext(a: AttemptContext, since: Watermark | undefined): ReadContext {
  const { watermark } = a.options;
  return {
    signal: a.signal,
    flow: a.flow,
    entity: a.entity,
    runType: a.runType,
    ...(watermark && a.runType !== "full_drop" ? { watermark: { ...watermark, since } } : {}),
  };
}
