/** Exit codes: the only place hygge turns errors into numbers. */
export const EXIT = {
  /** Every selected flow passed. */
  OK: 0,
  /** At least one flow failed (or was skipped because an earlier one failed). */
  FAILED: 1,
  /** Configuration or usage error: nothing ran. */
  CONFIG: 2,
  /** Interrupted by SIGINT / SIGTERM (128 + signal number), destination unchanged. */
  SIGINT: 130,
  SIGTERM: 143,
} as const;
