// Dotted JSON paths into a page: "data", "meta.next_cursor", "links.0.href" ("" is the page itself).

/** The value at `path` in `page`, or undefined when any step is missing. */
export function atPath(page: unknown, path: string): unknown {
  if (path === "") return page;
  let value: unknown = page;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
