import { createRequire } from "node:module";
import { HyggeError } from "@hygge/core";
import { type DecimalParameter, exactDecimalType } from "./mssql-exact-decimal.js";

/**
 * exactDecimalType plugs into tedious below its public surface: tedious' `DataType` interface
 * (`writeTypeInfo`/`writeValue` since tedious 20; tedious 19, which mssql 12 also accepts, had
 * `generateTypeInfo`/`generateParameterData`) and its internal WritableTrackingBuffer. Before the
 * first exact decimal is sent, the tedious that mssql loads is checked: its own Decimal type must
 * have that interface and write, into its own buffer, the very bytes exactDecimalType writes for
 * values it carries exactly. Otherwise the load stops with an error saying which tedious to use.
 */

/** What the guard needs of tedious: its public TYPES and its WritableTrackingBuffer class. */
export interface TediousSurface {
  version: string;
  decimal: unknown;
  Buffer: unknown;
}

/** (precision, scale, unscaled value): values tedious' float-based Decimal writes exactly too. */
const SAMPLES: readonly [number, number, bigint][] = [
  [9, 2, -12345n],
  [19, 4, 123456789n],
  [28, 0, 9007199254740991n],
  [38, 10, -15000000000n],
  [38, 38, 1n],
];

interface TrackingBuffer {
  data: Buffer;
}
interface WritingType {
  writeTypeInfo(buffer: TrackingBuffer, parameter: DecimalParameter, options: object): void;
  writeValue(buffer: TrackingBuffer, parameter: DecimalParameter, options: object): void;
}

function written(
  type: WritingType | typeof exactDecimalType,
  Tracking: new () => TrackingBuffer,
  p: DecimalParameter,
): string {
  const buffer = new Tracking();
  const writer = type as WritingType;
  writer.writeTypeInfo(buffer, p, {});
  writer.writeValue(buffer, p, {});
  return buffer.data.toString("hex");
}

/** Why exactDecimalType cannot work with this tedious, or undefined when it can. */
export function tediousIncompatibility(tedious: TediousSurface): string | undefined {
  const theirs = tedious.decimal as Partial<WritingType> | undefined;
  if (theirs === undefined) return "tedious (or its TYPES.Decimal) could not be loaded";
  if (typeof theirs?.writeTypeInfo !== "function" || typeof theirs.writeValue !== "function") {
    return "its data types have no writeTypeInfo/writeValue (the interface hygge's exact decimal type implements)";
  }
  if (typeof tedious.Buffer !== "function") return "its WritableTrackingBuffer could not be loaded";
  const Tracking = tedious.Buffer as new () => TrackingBuffer;
  try {
    for (const [precision, scale, unscaled] of SAMPLES) {
      const number = Number(unscaled) / 10 ** scale;
      const ours = written(exactDecimalType, Tracking, { precision, scale, value: unscaled });
      const own = written(theirs as WritingType, Tracking, { precision, scale, value: number });
      if (ours !== own) {
        return `its own Decimal writes ${own} for decimal(${precision},${scale}) ${number}, hygge's exact decimal type ${ours}`;
      }
    }
  } catch (error) {
    return `writing a decimal into its buffer failed (${error instanceof Error ? error.message : String(error)})`;
  }
  return undefined;
}

/** The tedious that mssql itself loads (mssql 12 accepts tedious 19 or 20). */
export function loadTediousSurface(): TediousSurface {
  const fromHere = createRequire(import.meta.url);
  let fromMssql = fromHere;
  try {
    fromMssql = createRequire(fromHere.resolve("mssql"));
  } catch {
    // mssql not resolvable from here (bundled?): tedious as this package sees it.
  }
  const load = (path: string) => {
    try {
      return fromMssql(path);
    } catch {
      return undefined;
    }
  };
  return {
    version: (load("tedious/package.json") as { version?: string } | undefined)?.version ?? "unknown",
    decimal: (load("tedious") as { TYPES?: { Decimal?: unknown } } | undefined)?.TYPES?.Decimal,
    Buffer: load("tedious/lib/tracking-buffer/writable-tracking-buffer"),
  };
}

let checked: string | undefined;

/** Throws when the installed tedious cannot carry hygge's exact decimals (checked once). */
export function assertExactDecimalsSupported(load: () => TediousSurface = loadTediousSurface): void {
  if (checked !== undefined && load === loadTediousSurface) return;
  const tedious = load();
  const problem = tediousIncompatibility(tedious);
  if (problem) {
    throw new HyggeError(
      "PLUGIN_INVALID",
      `hygge writes SQL Server decimals exactly through its own tedious data type, but the installed tedious ${tedious.version} is not compatible: ${problem}`,
      {
        plugin: "@hygge/sql",
        hint: 'Install tedious 20 next to mssql (npm install tedious@20, or a pnpm/npm "overrides" entry for tedious), then run again.',
      },
    );
  }
  if (load === loadTediousSurface) checked = tedious.version;
}
