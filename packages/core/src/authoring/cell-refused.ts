/**
 * A value a column cannot carry exactly: `message` says what it is not, `hint` what to pass
 * instead, `path` where below the column (`[2]`, `.field`); batchFromRows turns it into a
 * HyggeError naming the row, column and value.
 */
export class CellRefused extends Error {
  constructor(
    message: string,
    readonly hint: string,
    public path = "",
  ) {
    super(message);
  }
  /** The innermost value refused (an item of a list, a field of a struct), once known. */
  value?: { refused: unknown };
}

/** A JavaScript value → the cell the builder stores (build-data.ts); throws CellRefused. */
export type ToCell = (value: unknown) => unknown;

export function refuse(expected: string, hint: string): never {
  throw new CellRefused(`is not ${expected}`, hint);
}
