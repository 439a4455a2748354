import { RecordBatch } from "apache-arrow";
import { RUN_TYPES } from "./contracts/common.js";
import type { HyggePlugin } from "./contracts/plugin.js";
import { HyggeError } from "./errors.js";

/**
 * Shape checks for what plugins hand to core: the plugin object (at registration), what a home's
 * or store's `create()` returns, and each value a home yields. Every failure is PLUGIN_INVALID
 * naming the plugin (and the type) and saying what is wrong and what to do.
 */

const KINDS = ["homes", "stores", "connections", "storages", "formats", "engines"] as const;

export const PLUGIN_SHAPE_HINT =
  "A plugin's default export is { name, homes?: { <type>: defineHome({ options, create }) }, " +
  "stores?: { <type>: defineStore({ options, create, runTypes }) }, storages?, formats?, " +
  "engines?: { <type>: { options, refuse, copy } } }, with `options` a zod schema (z.strictObject({…})).";

/** "a plain object", "an array", "undefined", "a function", "a Table"… for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array (${value.length} item${value.length === 1 ? "" : "s"})`;
  if (typeof value !== "object") return typeof value === "function" ? "a function" : `a ${typeof value}`;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctor !== "string" || ctor === "Object" || ctor === "") return "a plain object";
  return /^[AEIOU]/.test(ctor) ? `an ${ctor}` : `a ${ctor}`;
}

const isSchema = (v: unknown) => typeof (v as { safeParse?: unknown } | undefined)?.safeParse === "function";
const isFn = (v: unknown) => typeof v === "function";

/** What is wrong with `plugin` as a plugin object, one phrase per problem (empty when nothing). */
export function pluginShapeProblems(plugin: unknown): string[] {
  if (!plugin || typeof plugin !== "object" || Array.isArray(plugin))
    return [`it is ${describeValue(plugin)}, not a plugin object`];
  const p = plugin as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.name !== "string" || p.name === "")
    problems.push(
      `\`name\` must be a non-empty string (${p.name === undefined ? "it has none" : `not ${describeValue(p.name)}`}: the package's name, e.g. hygge-plugin-x)`,
    );
  for (const kind of KINDS) {
    const defs = p[kind];
    if (defs === undefined) continue;
    if (typeof defs !== "object" || defs === null || Array.isArray(defs)) {
      problems.push(`\`${kind}\` must be an object keyed by type name, not ${describeValue(defs)}`);
      continue;
    }
    for (const [type, def] of Object.entries(defs)) problems.push(...definitionProblems(kind, type, def));
  }
  return problems;
}

function definitionProblems(kind: (typeof KINDS)[number], type: string, def: unknown): string[] {
  const at = `${kind}.${type}`;
  if (!def || typeof def !== "object") return [`${at} is ${describeValue(def)}, not a definition object`];
  const d = def as Record<string, unknown>;
  const problems: string[] = [];
  if (kind === "formats") {
    for (const key of ["readOptions", "writeOptions"])
      if (!isSchema(d[key])) problems.push(`${at}.${key} must be a zod object schema`);
    for (const key of ["schema", "read", "createWriter", "extensionFor"])
      if (!isFn(d[key])) problems.push(`${at}.${key} must be a function`);
    if (!Array.isArray(d.extensions)) problems.push(`${at}.extensions must be an array`);
    return problems;
  }
  if (!isSchema(d.options))
    problems.push(
      `${at}.options must be a zod schema (${d.options === undefined ? "it has none" : `not ${describeValue(d.options)}`}: the schema of its block, e.g. z.strictObject({ … }))`,
    );
  if (kind === "engines") {
    for (const key of ["refuse", "copy"]) if (!isFn(d[key])) problems.push(`${at}.${key} must be a function`);
    return problems;
  }
  if (kind !== "connections" && !isFn(d.create))
    problems.push(
      `${at}.create must be a function (${d.create === undefined ? "it has none" : `not ${describeValue(d.create)}`}: it builds the ${kind.slice(0, -1)} from its options)`,
    );
  if (kind === "stores") {
    const runTypes = d.runTypes;
    if (!Array.isArray(runTypes) || runTypes.length === 0)
      problems.push(
        `${at}.runTypes must list the run types it supports, among ${RUN_TYPES.join(", ")} (${runTypes === undefined ? "it has none" : `not ${describeValue(runTypes)}`})`,
      );
    else {
      const unknown = runTypes.filter((r) => !(RUN_TYPES as readonly unknown[]).includes(r));
      if (unknown.length > 0)
        problems.push(
          `${at}.runTypes has unknown run type${unknown.length === 1 ? "" : "s"} ${unknown.map((r) => JSON.stringify(r)).join(", ")} (known: ${RUN_TYPES.join(", ")})`,
        );
    }
  }
  return problems;
}

/** Throws PLUGIN_INVALID listing every problem of `plugin`, naming it (its `name`, or `source`). */
export function assertPluginShape(plugin: unknown, source?: string): asserts plugin is HyggePlugin {
  const problems = pluginShapeProblems(plugin);
  if (problems.length === 0) return;
  const name = (plugin as { name?: unknown } | null | undefined)?.name;
  const named = typeof name === "string" && name !== "" ? name : undefined;
  const who = named ?? source;
  throw new HyggeError(
    "PLUGIN_INVALID",
    `${who ? `plugin "${who}" is invalid` : "invalid plugin"}: ${problems.join("; ")}`,
    { plugin: named ?? source, hint: `Fix the plugin named above. ${PLUGIN_SHAPE_HINT}` },
  );
}

/** "home type \"counter\" of plugin hygge-plugin-counter", or as much of it as is known. */
function who(role: "home" | "store", plugin: string | undefined, type: string | undefined): string {
  const what = type ? `${role} type "${type}"` : `the ${role}`;
  return plugin ? `${what} of plugin ${plugin}` : what;
}

/** What `create()` returned is a home: it has a `read(ctx)` function. */
export function assertHome(value: unknown, plugin: string | undefined, type?: string): void {
  const read = (value as { read?: unknown } | null | undefined)?.read;
  if (value && typeof value === "object" && isFn(read)) return;
  const described = describeValue(value);
  const got =
    value && typeof value === "object" && !Array.isArray(value)
      ? `${described === "a plain object" ? "an object" : described} without a read() function`
      : described;
  throw new HyggeError(
    "PLUGIN_INVALID",
    `${who("home", plugin, type)}: create() returned ${got}, not a home`,
    {
      plugin,
      step: "create",
      hint: "A home's create() must return (or resolve to) an object with read(ctx), an async iterable of Arrow RecordBatches, and optionally estimateRows, schema, check and close.",
    },
  );
}

const STORE_METHODS = ["open", "write", "commit", "abort"] as const;

/** What `create()` returned is a store: open, write, commit and abort, and `supports.runTypes`. */
export function assertStore(value: unknown, plugin: string | undefined, type?: string): void {
  let got: string | undefined;
  if (!value || typeof value !== "object") got = describeValue(value);
  else {
    const s = value as Record<string, unknown>;
    const missing = STORE_METHODS.filter((m) => !isFn(s[m]));
    const runTypes = (s.supports as { runTypes?: unknown } | undefined)?.runTypes;
    const problems = [
      ...(missing.length > 0 ? [`no ${missing.map((m) => `${m}()`).join(", ")}`] : []),
      ...(Array.isArray(runTypes) ? [] : ["no supports.runTypes array"]),
    ];
    if (problems.length > 0) got = `an object with ${problems.join(" and ")}`;
  }
  if (got === undefined) return;
  throw new HyggeError(
    "PLUGIN_INVALID",
    `${who("store", plugin, type)}: create() returned ${got}, not a store`,
    {
      plugin,
      step: "create",
      hint: "A store's create() must return (or resolve to) an object with supports: { runTypes }, open(ctx), write(batch), commit(state) and abort(error), and optionally committedState, evolve, publishedSchema, check and close.",
    },
  );
}

/**
 * True for an Arrow RecordBatch, also one built by another copy of apache-arrow (its
 * `Symbol.for` brand, or the shape of an older copy's). Cheap: called once per batch.
 */
export function isRecordBatch(value: unknown): value is RecordBatch {
  if (RecordBatch.isRecordBatch(value)) return true;
  // An older copy without the brand: a batch has one Data (a Table has an array of them).
  const v = value as {
    numRows?: unknown;
    schema?: { fields?: unknown };
    getChildAt?: unknown;
    data?: unknown;
  };
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.numRows === "number" &&
    Array.isArray(v.schema?.fields) &&
    typeof v.getChildAt === "function" &&
    typeof v.data === "object" &&
    v.data !== null &&
    !Array.isArray(v.data)
  );
}

/** A home yielded `value`, which is not a RecordBatch (the `index`-th value it yielded, from 0). */
export function notABatch(value: unknown, plugin: string | undefined, index: number): HyggeError {
  const hint =
    describeValue(value) === "a Table"
      ? "Yield the table's batches (`yield* table.batches`), not the table."
      : "A home's read() must yield Arrow RecordBatches (apache-arrow): build one from rows with a declared schema, or from vectors (new RecordBatch({ col: vector })). Rows as plain objects or arrays are not batches.";
  return new HyggeError(
    "PLUGIN_INVALID",
    `${who("home", plugin, undefined)} yielded ${describeValue(value)} as its ${ordinal(index + 1)} value, not an Arrow RecordBatch`,
    { plugin, step: "read", hint },
  );
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
