import { Writable } from "node:stream";
import { type FlowEvent, HyggeError, type RunSummary } from "@hygge/core";
import { describe, expect, jest, test } from "@jest/globals";
import pc from "picocolors";
import { formatEta, visibleWidth, wrapWords } from "../src/render/format.js";
import { createProgress } from "../src/render/progress.js";
import { etaMs, type LiveState, liveLine, ttyProgress } from "../src/render/progress-tty.js";
import { renderFailures } from "../src/render/summary.js";

const plain = pc.createColors(false);
const colored = pc.createColors(true);
const ESC = String.fromCharCode(27);
const strip = (s: string) => s.replace(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g"), "");
const words = (s: string) => s.split(/\s+/).filter(Boolean);

const LONG =
  "could not read table sales.orders_2024_archive: the server closed the connection while streaming " +
  "rows (connection reset by peer); the destination was left unchanged";

/** A terminal of `columns` columns (0: a pipe): keeps every write, as cli-progress and hygge make them. */
function fakeTerminal(columns: number) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, columns > 0 ? { isTTY: true, columns } : { isTTY: false });
  /** What was drawn: each write without escape codes, blank ones left out. */
  const shown = () => chunks.map(strip).filter((t) => t.trim() !== "");
  return { stream, shown };
}

const event = (e: Partial<FlowEvent> & Pick<FlowEvent, "type">): FlowEvent => ({
  id: "sales.orders",
  flow: "sales",
  entity: "orders",
  attempt: 1,
  rows: 0,
  bytes: 0,
  batches: 0,
  elapsedMs: 0,
  ...e,
});

const state = (p: Partial<LiveState>): LiveState => ({
  id: "sales.orders",
  rows: 0,
  elapsedMs: 0,
  startedMs: 0,
  ...p,
});

describe("ETA", () => {
  test("the time left at the rate since reading began, while the estimate lies ahead", () => {
    // 250 rows in the 1 s since reading began (setup took 100 ms): 750 more take 3 s.
    expect(etaMs(state({ estimated: 1000, rows: 250, startedMs: 100, elapsedMs: 1100 }))).toBe(3000);
    expect(etaMs(state({ estimated: 1000, rows: 0, elapsedMs: 500 }))).toBeUndefined(); // no rate yet
    expect(etaMs(state({ rows: 10, elapsedMs: 500 }))).toBeUndefined(); // no estimate
    // An estimate is not a count: past it there is no time left to tell, never a negative one.
    expect(etaMs(state({ estimated: 1000, rows: 1000, elapsedMs: 500 }))).toBeUndefined();
    expect(etaMs(state({ estimated: 1000, rows: 5000, elapsedMs: 500 }))).toBeUndefined();
  });

  test("formatted coarse", () => {
    expect([0, 400, 1000, 42_100, 245_000, 7_380_000].map(formatEta)).toEqual([
      "<1s",
      "1s",
      "1s",
      "43s",
      "4m05s",
      "2h03m",
    ]);
  });

  test("the live line: bar, percentage, counts and ETA; no bar without an estimate", () => {
    const o = { width: 200, nameWidth: 12, c: plain };
    const line = liveLine(state({ estimated: 1000, rows: 250, startedMs: 100, elapsedMs: 1100 }), o);
    expect(line).toBe(
      `⠿ sales.orders  ${"█".repeat(6)}${"░".repeat(18)}  25%          250 rows        227 rows/s   1.10s     eta 3s`,
    );
    const counts = liveLine(state({ rows: 250, elapsedMs: 1000 }), o);
    expect(counts).toBe("⠿ sales.orders          250 rows        250 rows/s   1.00s");
    expect(liveLine(state({ estimated: 0, rows: 5, elapsedMs: 10 }), o)).not.toContain("%"); // 0: no estimate
  });

  test("rows past the estimate: a full bar at 99%, no ETA, nothing negative", () => {
    const line = liveLine(state({ estimated: 1000, rows: 4000, startedMs: 0, elapsedMs: 2000 }), {
      width: 200,
      nameWidth: 12,
      c: plain,
    });
    expect(line).toContain(`${"█".repeat(24)}  99%`);
    expect(line).not.toMatch(/eta|-\d|100%/);
    expect(line).toContain("4,000 rows");
    const committing = liveLine(state({ estimated: 1000, rows: 1000, elapsedMs: 2000, committing: true }), {
      width: 200,
      nameWidth: 12,
      c: plain,
    });
    expect(committing).toMatch(/99%.*committing$/);
  });
});

describe("lines that do not fit the terminal", () => {
  const busy = state({
    id: "warehouse_sales.orders_2024_archive",
    estimated: 2_000_000,
    rows: 500_000,
    startedMs: 0,
    elapsedMs: 10_000,
    waiting: "waiting for the store (@hygge/sql) to commit (12s)",
  });

  test("a live line gives up its progress parts, never wider than the terminal (escape codes take no room)", () => {
    for (const width of [120, 80, 60, 40, 24]) {
      const line = liveLine(busy, { width, nameWidth: busy.id.length, c: colored });
      expect(visibleWidth(line)).toBeLessThanOrEqual(width);
      expect(strip(line)).toContain("500,000 rows");
    }
    const at60 = strip(liveLine(busy, { width: 60, nameWidth: busy.id.length, c: colored }));
    expect(at60).toBe("⠿ warehouse_sales.orders_2024_archive  25%  500,000 rows"); // the name is kept whole
    // The waiting text is shortened after a whole word, when the rest leaves it room.
    const at90 = strip(liveLine(busy, { width: 90, nameWidth: busy.id.length, c: colored }));
    expect(at90).toBe("⠿ warehouse_sales.orders_2024_archive  25%  500,000 rows  waiting for the store…");
    const at30 = strip(liveLine(busy, { width: 30, nameWidth: busy.id.length, c: colored }));
    expect(at30).toBe("⠿ warehou…rchive  500,000 rows"); // last: the name, shortened in the middle
  });

  test("wrapWords keeps every word whole, continuation lines indented", () => {
    const text = `  hint: ${LONG}`;
    const lines = wrapWords(text, 60);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(60);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((l) => l.startsWith("    ") && !l.startsWith("     "))).toBe(true);
    expect(words(lines.join(" "))).toEqual(words(text));
    // Escape codes take no room and stay whole; a word longer than a line is the one thing broken.
    const long = wrapWords(colored.yellow(`see ${"x".repeat(70)} now`), 30);
    for (const l of long) expect(visibleWidth(l)).toBeLessThanOrEqual(30);
    expect(strip(long.join("")).replace(/\s/g, "")).toBe(`see${"x".repeat(70)}now`);
    // A word longer than a line at the start of one: its continuation lines fit after their indent.
    const first = wrapWords(`${"y".repeat(75)} tail`, 30);
    for (const l of first) expect(visibleWidth(l)).toBeLessThanOrEqual(30);
    expect(first.join("").replace(/\s/g, "")).toBe(`${"y".repeat(75)}tail`);
  });

  test("on a 60-column terminal: the ETA is drawn, and a long error is wrapped whole, not cut", () => {
    const term = fakeTerminal(60);
    const progress = ttyProgress(term.stream, false);
    try {
      progress.event(event({ type: "start", estimatedRows: 1000, elapsedMs: 100 }));
      progress.event(event({ type: "progress", rows: 250, elapsedMs: 1100 }));
      progress.log("info", "redraw"); // draws now, as the timer would
      const bar = term.shown().find((t) => t.includes("sales.orders") && t.includes("%"));
      expect(bar).toMatch(/^⠿ sales\.orders\s+25%\s+250 rows\s+eta 3s$/); // elapsed, rate and bar given up
      expect(visibleWidth(bar!)).toBeLessThanOrEqual(59);

      const error = new HyggeError("HOME_READ_FAILED", LONG, { flow: "sales", entity: "orders" });
      progress.event(event({ type: "failed", error, elapsedMs: 1500 }));
    } finally {
      progress.stop(); // its redraw timer would keep the process alive
    }
    const logged = term.shown().find((t) => t.includes("✗ sales.orders"))!;
    const lines = logged.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(59);
    expect(words(logged)).toEqual(
      words(`✗ sales.orders [HOME_READ_FAILED] flow sales, entity orders: ${LONG}`),
    );
  });

  test("the summary's failure lines are wrapped whole at the terminal's width", () => {
    const error = new HyggeError("HOME_READ_FAILED", LONG, {
      flow: "sales",
      entity: "orders",
      hint: "check that the server answers (`hygge debug`), then run the flow again",
    });
    const summary = {
      flows: [{ id: "sales.orders", flow: "sales", entity: "orders", status: "fail", error }],
    } as unknown as RunSummary;
    const wrapped = renderFailures(summary, colored, 60);
    for (const l of wrapped.split("\n")) expect(visibleWidth(l)).toBeLessThanOrEqual(60);
    const whole = renderFailures(summary, plain);
    expect(words(strip(wrapped))).toEqual(words(whole));
    expect(whole).toContain(LONG); // off a terminal: one line per message, as before
  });
});

describe("off a terminal", () => {
  test("periodic lines say `of about` and the time left, with a fake clock", () => {
    jest.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    try {
      const pipe = fakeTerminal(0);
      const progress = createProgress({ stream: pipe.stream, verbose: true });
      progress.event(event({ type: "start", estimatedRows: 1000, elapsedMs: 100 }));
      jest.setSystemTime(new Date("2026-01-01T00:00:02Z"));
      // The engine repeats the estimate on every progress event.
      progress.event(event({ type: "progress", rows: 250, elapsedMs: 2100, estimatedRows: 1000 }));
      jest.setSystemTime(new Date("2026-01-01T00:00:04Z"));
      progress.event(event({ type: "progress", rows: 1200, elapsedMs: 4100, estimatedRows: 1000 })); // past it
      expect(pipe.shown()).toEqual([
        "2026-01-01T00:00:00.000Z sales.orders: started, about 1,000 rows\n",
        "2026-01-01T00:00:02.000Z sales.orders: 250 of about 1,000 rows, 119 rows/s, 2.10s, about 6s left\n",
        "2026-01-01T00:00:04.000Z sales.orders: 1,200 of about 1,000 rows, 293 rows/s, 4.10s\n",
      ]);
    } finally {
      jest.useRealTimers();
    }
  });
});
