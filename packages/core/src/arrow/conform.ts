import {
  type Data,
  type DataType,
  makeBuilder,
  makeData,
  RecordBatch,
  type Schema,
  Struct,
} from "apache-arrow";
import { HyggeError } from "../errors.js";
import { CastOverflow, castData } from "./cast.js";
import { typeNameOf } from "./type-names.js";
import { sameFields, sameType } from "./unify.js";

/** Turns a file's batch into a batch of the schema the files are read as. */
export type Conform = (batch: RecordBatch) => RecordBatch;

/** Where a batch comes from, for messages. */
export interface ConformSource {
  url: string;
  plugin?: string;
}

type Step =
  | { kind: "keep"; from: number }
  | { kind: "cast"; from: number; to: DataType }
  | { kind: "null"; type: DataType; cache?: Data };

/**
 * How batches of `file` (one file's schema) become batches of `unified` (unifySchemas over the
 * entity's files): columns taken by name, missing ones null, widened ones cast exactly (castData).
 * Undefined when the file already has the unified schema: its batches pass through untouched.
 */
export function conformer(file: Schema, unified: Schema, source: ConformSource): Conform | undefined {
  if (file === unified || sameFields(file, unified)) return undefined;
  const index = new Map(file.fields.map((f, i) => [f.name, i]));
  const steps: Step[] = unified.fields.map((field) => {
    const from = index.get(field.name);
    if (from === undefined) return { kind: "null", type: field.type };
    return sameType(file.fields[from]!.type, field.type)
      ? { kind: "keep", from }
      : { kind: "cast", from, to: field.type };
  });
  const type = new Struct(unified.fields);
  return (batch) => {
    const length = batch.numRows;
    const columns = batch.data.children;
    const children = steps.map((step, c) => {
      if (step.kind === "keep") return columns[step.from]!;
      if (step.kind === "null") {
        if (step.cache?.length !== length) step.cache = nullData(step.type, length);
        return step.cache;
      }
      try {
        return castData(columns[step.from]!, step.to);
      } catch (error) {
        throw overflow(error, source, file.fields[step.from]!.name, file, unified, c);
      }
    });
    return new RecordBatch(unified, makeData({ type, length, nullCount: 0, children }));
  };
}

/** `length` nulls of `type` (any type, nested ones too), with every buffer a reader expects. */
export function nullData(type: DataType, length: number): Data {
  const builder = makeBuilder({ type, nullValues: [null] });
  for (let i = 0; i < length; i++) builder.append(null);
  return builder.finish().flush();
}

function overflow(
  error: unknown,
  source: ConformSource,
  name: string,
  file: Schema,
  unified: Schema,
  c: number,
): unknown {
  if (!(error instanceof CastOverflow)) return error;
  const from = typeNameOf(file.fields.find((f) => f.name === name)!);
  const to = typeNameOf(unified.fields[c]!);
  return new HyggeError(
    "HOME_READ_FAILED",
    `${source.url}: column "${name}" holds ${error.value} (${from}), which does not fit ${to}, the type the entity's files are read as (another file has ${name} as ${to})`,
    {
      plugin: source.plugin,
      subject: source.url,
      hint: `the value is out of range for ${to}; move the file elsewhere, or rewrite it or the other files with one type`,
    },
  );
}
