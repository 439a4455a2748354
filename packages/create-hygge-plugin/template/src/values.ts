// JSON cannot hold every exact value: 64-bit integers, timestamps and bytes are tagged objects.
// `{"$bigint":"9007199254740993"}` and `{"$bytes":"AAEC/w=="}` (base64); everything else is plain JSON.

/** JSON.parse reviver turning the tagged objects back into bigint and Uint8Array. */
export function reviveValue(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const tagged = value as Record<string, unknown>;
    if (keys.length === 1 && typeof tagged.$bigint === "string") return BigInt(tagged.$bigint);
    if (keys.length === 1 && typeof tagged.$bytes === "string")
      return new Uint8Array(Buffer.from(tagged.$bytes, "base64"));
  }
  return value;
}

/** JSON.stringify replacer writing bigint and Uint8Array as the tagged objects. */
export function encodeValue(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  return value;
}
