import { HyggeError } from "../../errors.js";
import type { Publisher, PublishTarget } from "../publisher.js";

/** Placeholder: the object-storage publish protocol lands here (replaced at merge). */
export function createObjectPublisher(_target: PublishTarget): Publisher {
  throw new HyggeError("INTERNAL", "object storage publishing is not built yet");
}
