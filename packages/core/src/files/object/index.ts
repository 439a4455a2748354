import type { Publisher, PublishTarget } from "../publisher.js";
import { ObjectPublisher, type ObjectPublisherOptions } from "./publisher.js";

export { KEEP_RECORDS } from "./apply.js";
export { ObjectPublisher, type ObjectPublisherOptions } from "./publisher.js";
export type { CommitRecord, StoredState } from "./records.js";

/** The publish protocol for storages without `capabilities.local` (S3, Azure Blob…). */
export function createObjectPublisher(target: PublishTarget, options?: ObjectPublisherOptions): Publisher {
  return new ObjectPublisher(target, options);
}
