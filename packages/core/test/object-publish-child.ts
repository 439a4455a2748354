// A run of the object publisher in its own process, for the crash tests: killed by
// HYGGE_FAULT_KILL_AT at a fault point, or (KILL_BEFORE_COMMIT) right after staging its files.
import { objectView, publisher, runOn } from "./object-helpers.js";

const spec = JSON.parse(process.env.OBJPUB_SPEC!) as {
  root: string;
  runId: string;
  runType: "full_drop" | "incremental";
  contents: string[];
  killBeforeCommit?: boolean;
};
await runOn(publisher(objectView(), spec.root), { ...spec, noCommit: spec.killBeforeCommit });
// Let the background upload of the last staged file finish (the test checks it did), then die.
if (spec.killBeforeCommit) await new Promise((resolve) => setTimeout(resolve, 300));
if (spec.killBeforeCommit) process.kill(process.pid, "SIGKILL");
