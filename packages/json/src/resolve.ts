import { typeNameOf } from "@hygge/core";
import { Bool, type DataType, Decimal, Field, Float64, Int64, List, Struct, Type, Utf8 } from "apache-arrow";
import type { Kind } from "./infer.js";

/** A sampled kind that no exact type can carry: the message says why. */
export class UnfitError extends Error {}

/**
 * The Arrow field for a sampled key. Integers → int64, or decimal(38, 0) beyond it; numbers with a
 * fraction or exponent → float64 when every sampled literal is exactly a double's shortest text,
 * else decimal(38, scale); only-null keys and empty arrays → string (declare them to say otherwise).
 */
export function fieldOf(name: string, kind: Kind): Field {
  return new Field(name, typeOf(kind), true);
}

function typeOf(kind: Kind): DataType {
  switch (kind.k) {
    case "null":
    case "string":
      return new Utf8();
    case "bool":
      return new Bool();
    case "number": {
      if (kind.fraction && kind.floatExact) return new Float64();
      if (!kind.fraction && !kind.beyondInt64) return new Int64();
      const scale = kind.fraction ? kind.scale : 0;
      if (kind.intDigits + scale > 38)
        throw new UnfitError(
          `has numbers of ${kind.intDigits} integer digits and ${scale} decimals, more than decimal(38, …) holds exactly`,
        );
      return new Decimal(scale, 38, 128);
    }
    case "list":
      return new List(new Field("item", typeOf(kind.item), true));
    case "struct":
      return new Struct([...kind.fields].map(([k, v]) => fieldOf(k, v)));
  }
}

/** `a: int64, b: struct<c: list<string>>`: how the log shows a schema. */
export function describeField(field: Field): string {
  return `${field.name}: ${describeType(field)}`;
}

function describeType(field: Field): string {
  if (field.type.typeId === Type.Struct)
    return `struct<${(field.type as Struct).children.map(describeField).join(", ")}>`;
  if (field.type.typeId === Type.List) return `list<${describeType((field.type as List).children[0]!)}>`;
  return typeNameOf(field);
}
