import type { Field, Schema } from "apache-arrow";
import { fieldFromTypeName, typeNameOf } from "../arrow/type-names.js";

/**
 * A column as a store records it in its committed state (JSON): hygge's type name (`int64`,
 * `decimal(18, 2)`, `timestamp[us, UTC]`, see TYPE_NAME_HINT), and `nullable: false` when the
 * column may not hold nulls.
 */
export interface RecordedColumn {
  name: string;
  type: string;
  nullable?: false;
}

export function recordSchema(schema: Schema): RecordedColumn[] {
  return schema.fields.map((f) => ({
    name: f.name,
    type: typeNameOf(f),
    ...(f.nullable ? {} : { nullable: false as const }),
  }));
}

/** The Arrow field of a recorded column; undefined for a type name hygge cannot parse back. */
export function fieldOfRecord(column: RecordedColumn): Field | undefined {
  try {
    return fieldFromTypeName(column.name, column.type, column.nullable !== false);
  } catch {
    return undefined;
  }
}
