/**
 * A file hygge reads but refuses to carry: a value or construct it cannot move exactly
 * (as opposed to a corrupt file). `hint` says what the user can do.
 */
export class RefusedError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "RefusedError";
  }
}

export const ENCRYPTED_HINT =
  "hygge cannot decrypt Parquet modular encryption: decrypt the file with a tool that holds its keys (Spark, PyArrow) and load the decrypted copy";
export const VALUE_HINT =
  "hygge refuses values it cannot carry exactly rather than change them; fix the value at the source or leave the column out with `columns`";
export const TYPE_HINT =
  "hygge refuses Parquet types it cannot carry exactly; leave the column out with `columns`, or convert it at the source";
