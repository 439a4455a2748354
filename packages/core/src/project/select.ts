import { HyggeError } from "../errors.js";
import type { EntityRun } from "./plan.js";

export interface RunFilter {
  /** Flow names (`--flow`); comma lists are split. */
  flows?: readonly string[];
  /** `FLOW.ENTITY` ids (`--entity`). */
  entities?: readonly string[];
}

const split = (values: readonly string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);

/** The runs matching the filters; a filter that matches nothing is a USAGE error listing what exists. */
export function selectRuns(runs: readonly EntityRun[], filter: RunFilter = {}): EntityRun[] {
  const flows = split(filter.flows);
  const entities = split(filter.entities);
  if (flows.length === 0 && entities.length === 0) return [...runs];
  const flowNames = [...new Set(runs.map((r) => r.flow))];
  for (const flow of flows) {
    if (!flowNames.includes(flow)) {
      throw new HyggeError("USAGE", `--flow ${flow} matches no flow`, {
        hint: `flows: ${flowNames.join(", ") || "none"}`,
      });
    }
  }
  for (const id of entities) {
    if (!runs.some((r) => r.id === id)) {
      throw new HyggeError("USAGE", `--entity ${id} matches no entity`, {
        hint: `entities: ${runs.map((r) => r.id).join(", ") || "none"}`,
      });
    }
  }
  return runs.filter((r) => flows.includes(r.flow) || entities.includes(r.id));
}
