import { Message, type Schema } from "apache-arrow";

/**
 * Key-value metadata key under which Arrow writers (Arrow C++/pyarrow, arrow-rs) store the Arrow
 * schema of a Parquet file: base64 of an Arrow IPC schema message. It carries what Parquet's own
 * schema cannot: field metadata at every depth and the zone names of timestamps.
 */
export const ARROW_SCHEMA_KEY = "ARROW:schema";

const CONTINUATION = 0xffffffff;

/** The `ARROW:schema` value of `schema`: an encapsulated IPC message (continuation, length, flatbuffer). */
export function encodeArrowSchema(schema: Schema): string {
  const message = Message.encode(Message.from(schema));
  const padded = Math.ceil(message.length / 8) * 8;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, padded, true);
  out.set(message, 8);
  return Buffer.from(out).toString("base64");
}

/**
 * The Arrow schema stored in a file's `ARROW:schema` value, or undefined when it is absent or not
 * a schema message this Arrow version decodes (the file is then read from its Parquet schema alone).
 */
export function decodeArrowSchema(value: string | undefined): Schema | undefined {
  if (!value) return undefined;
  try {
    const bytes = Buffer.from(value, "base64");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Current writers prefix the 0xFFFFFFFF continuation marker; pre-0.15 writers only the length.
    let offset = 4;
    let length = view.getInt32(0, true);
    if (length === -1) {
      length = view.getInt32(4, true);
      offset = 8;
    }
    if (length <= 0 || offset + length > bytes.length) return undefined;
    const message = Message.decode(bytes.subarray(offset, offset + length));
    return message.isSchema() ? message.header() : undefined;
  } catch {
    return undefined;
  }
}
