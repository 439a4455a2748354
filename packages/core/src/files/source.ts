import type { FileSource } from "../contracts/format.js";
import type { Storage, StorageObject } from "../contracts/storage.js";

/** A listed object as a format reads it: ranged reads and streams through its storage. */
export function fileSource(storage: Storage, object: StorageObject): FileSource {
  const source: FileSource = {
    path: object.path,
    url: storage.url(object.path),
    size: object.size,
    read: (offset, length, signal) => storage.read(object.path, { offset, length }, signal),
    stream: (signal) => storage.stream(object.path, signal),
  };
  if (storage.capabilities.local && storage.localPath) source.localPath = storage.localPath(object.path);
  return source;
}
