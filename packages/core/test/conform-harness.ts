// Runs a conformance suite's cases programmatically: testStore()/testHome() are called with fake
// describe/it that collect the cases, so a test can assert which of them fail, and how.
export interface SuiteCase {
  title: string;
  skipped: boolean;
  fn: () => Promise<void> | void;
}

export function collectCases(define: () => void): SuiteCase[] {
  const g = globalThis as Record<string, unknown>;
  const saved = { describe: g.describe, it: g.it };
  const cases: SuiteCase[] = [];
  const prefix: string[] = [];
  const add = (skipped: boolean) => (title: string, fn: () => Promise<void> | void) =>
    void cases.push({ title: [...prefix, title].join(" › "), skipped, fn });
  const it = Object.assign(add(false), { skip: add(true) });
  const describe = (title: string, fn: () => void) => {
    prefix.push(title);
    try {
      fn();
    } finally {
      prefix.pop();
    }
  };
  g.describe = describe;
  g.it = it;
  try {
    define();
  } finally {
    Object.assign(g, saved);
  }
  return cases;
}

/** Runs every case that is not skipped, in order; the error message of each failing one by title. */
export async function runCases(cases: SuiteCase[]): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  for (const c of cases.filter((k) => !k.skipped)) {
    try {
      await c.fn();
    } catch (e) {
      failures.set(c.title.replace(/^[^›]*› /, ""), e instanceof Error ? e.message : String(e));
    }
  }
  return failures;
}
