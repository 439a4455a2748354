import { type DataType, type Field, List, Struct, Timestamp, Type } from "apache-arrow";
import { elementField, fieldOf, mapType, type Shape } from "./types.js";

/**
 * A shape read from the Parquet schema, with what the file's stored Arrow schema (`ARROW:schema`)
 * adds: the field's metadata (at every depth: struct fields, list elements, map keys and values)
 * and the zone name of a UTC-adjusted timestamp. Types, names and nullability stay as Parquet
 * says; where the stored field does not have the shape's type (a foreign writer's LargeUtf8 or
 * dictionary, another column order), that node and what is under it keep the Parquet reading.
 */
export function restoreShape(shape: Shape, stored: Field | undefined): Shape {
  if (!stored || family(shape.type) !== family(stored.type)) return shape;
  const metadata = stored.metadata.size > 0 ? new Map(stored.metadata) : undefined;
  switch (shape.kind) {
    case "leaf": {
      const zone = (stored.type as Partial<Timestamp>).timezone;
      const type =
        shape.type instanceof Timestamp && shape.type.timezone === "UTC" && zone
          ? new Timestamp(shape.type.unit, zone)
          : shape.type;
      return { ...shape, type, metadata };
    }
    case "struct": {
      const fields = stored.type.children as Field[];
      const children = shape.children.map((c, i) =>
        fields[i]?.name === c.node.element.name ? restoreShape(c, fields[i]) : c,
      );
      return { ...shape, children, type: new Struct(children.map((c) => fieldOf(c))), metadata };
    }
    case "list": {
      const element = restoreShape(shape.element, stored.type.children[0]);
      return { ...shape, element, type: new List(elementField(element)), metadata };
    }
    case "map": {
      const [key, value] = (stored.type.children[0]?.type.children ?? []) as (Field | undefined)[];
      const k = restoreShape(shape.key, key);
      const v = restoreShape(shape.value, value);
      return { ...shape, key: k, value: v, type: mapType(k, v), metadata };
    }
  }
}

/** Arrow types the Parquet writer stores alike (the 32- and 64-bit offset variants). */
function family(type: DataType): Type {
  switch (type.typeId) {
    case Type.LargeUtf8:
      return Type.Utf8;
    case Type.LargeBinary:
      return Type.Binary;
    case Type.LargeList:
      return Type.List;
    default:
      return type.typeId;
  }
}
