import { type DataType, Field, makeVector, type Vector } from "apache-arrow";
import { _cell, _converter } from "./batch-from-rows.js";
import { buildData } from "./build-data.js";
import { parseField } from "./type-syntax.js";

/**
 * One exact column from JavaScript values, by the rules of `batchFromRows`: for sources that hand
 * over columns (a driver's column arrays) rather than rows. `type` is a type name (`"int64"`,
 * `"decimal(18, 2)"`, `"uuid"`), an Arrow type, or a Field (which keeps its extension metadata
 * and nullability); `name` names the column in errors. The vector carries no field metadata: put
 * it in a batch with its Field (or use `batchFromRows`) to keep a uuid or json extension.
 */
export function vectorFromValues(
  type: string | DataType | Field,
  values: readonly unknown[],
  name = type instanceof Field ? type.name : "value",
): Vector {
  const field =
    type instanceof Field
      ? type
      : typeof type === "string"
        ? parseField(name, type)
        : new Field(name, type, true);
  const convert = _converter(field);
  return makeVector(
    buildData(
      field.type,
      values.map((v, i) => _cell(convert, v, i, name)),
    ),
  );
}
