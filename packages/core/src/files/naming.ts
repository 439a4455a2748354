const SEQ_DIGITS = 10;

export interface FileNamer {
  (seq: number): string;
  /** The smallest sequence number above every existing file that matches the pattern. */
  nextAfter(existing: readonly string[]): number;
  /** True for a name this pattern could have produced (any sequence number, entity or run id). */
  matches(name: string): boolean;
}

/** File names from a pattern with `{seq}` (zero-padded so names sort), `{entity}` and `{run}`. */
export function fileNamer(pattern: string, entity: string, runId: string): FileNamer {
  const fill = (seq: string) =>
    pattern.split("{seq}").join(seq).split("{entity}").join(entity).split("{run}").join(runId);
  const namer = ((seq: number) => fill(String(seq).padStart(SEQ_DIGITS, "0"))) as FileNamer;
  const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const regex = new RegExp(
    `^${pattern
      .split(/(\{seq\}|\{entity\}|\{run\})/)
      .map((part) =>
        part === "{seq}" ? "(\\d+)" : part === "{entity}" || part === "{run}" ? ".*?" : escapeRegex(part),
      )
      .join("")}$`,
  );
  namer.nextAfter = (existing) => {
    let max = 0;
    for (const name of existing) {
      const m = regex.exec(name);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max + 1;
  };
  namer.matches = (name) => regex.test(name);
  return namer;
}
