import { type DataType, Field, FixedSizeBinary, Type, Utf8 } from "apache-arrow";

/**
 * Arrow canonical extension types, carried as field metadata (Arrow JS has no extension-type
 * registry): `ARROW:extension:name` on the field names the logical type of its storage type.
 * Every plugin reads and writes them through these helpers so that a uuid read from PostgreSQL
 * is a Parquet UUID, and a Parquet JSON column is `jsonb`-ready, end to end.
 */
export const EXTENSION_NAME_KEY = "ARROW:extension:name";
export const EXTENSION_METADATA_KEY = "ARROW:extension:metadata";

/** `arrow.uuid`: storage FixedSizeBinary(16), the 16 bytes in RFC 4122 (big-endian) order. */
export const UUID_EXTENSION = "arrow.uuid";
/** `arrow.json`: storage Utf8 (or LargeUtf8), each value one JSON text. */
export const JSON_EXTENSION = "arrow.json";

/** The extension name declared on a field, if any. */
export function extensionName(field: Field): string | undefined {
  return field.metadata.get(EXTENSION_NAME_KEY) ?? undefined;
}

/** A copy of `field` that declares the extension `name` (other metadata kept). */
export function withExtension<T extends DataType>(field: Field<T>, name: string): Field<T> {
  const metadata = new Map(field.metadata);
  metadata.set(EXTENSION_NAME_KEY, name);
  return new Field(field.name, field.type, field.nullable, metadata);
}

export function uuidField(name: string, nullable = true): Field<FixedSizeBinary> {
  return withExtension(new Field(name, new FixedSizeBinary(16), nullable), UUID_EXTENSION);
}

export function jsonField(name: string, nullable = true): Field<Utf8> {
  return withExtension(new Field(name, new Utf8(), nullable), JSON_EXTENSION);
}

/** True when `field` is a well-formed `arrow.uuid` column. */
export function isUuidField(field: Field): boolean {
  return (
    extensionName(field) === UUID_EXTENSION &&
    field.type.typeId === Type.FixedSizeBinary &&
    (field.type as FixedSizeBinary).byteWidth === 16
  );
}

/** True when `field` is a well-formed `arrow.json` column. */
export function isJsonField(field: Field): boolean {
  return (
    extensionName(field) === JSON_EXTENSION &&
    (field.type.typeId === Type.Utf8 || field.type.typeId === Type.LargeUtf8)
  );
}

/** The canonical text form of 16 uuid bytes (lower case, hyphenated). */
export function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of a uuid text (with or without hyphens or braces); throws on anything else. */
export function parseUuid(text: string): Uint8Array {
  const hex = text.replace(/^\{|\}$/g, "").replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`"${text}" is not a uuid`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}
