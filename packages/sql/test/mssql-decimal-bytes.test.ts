import { createRequire } from "node:module";
import { isHyggeError } from "@hygge/core";
import { describe, expect, it } from "@jest/globals";
import { type DecimalParameter, exactDecimalType } from "../src/mssql/mssql-exact-decimal.js";
import {
  assertExactDecimalsSupported,
  loadTediousSurface,
  type TediousSurface,
  tediousIncompatibility,
} from "../src/mssql/mssql-tedious-guard.js";
import { CONNECTION_OPTIONS, type TediousType, tedious } from "./mssql-tds.js";

const fromMssql = createRequire(createRequire(import.meta.url).resolve("mssql"));
const Tracking = fromMssql("tedious/lib/tracking-buffer/writable-tracking-buffer") as new () => {
  data: Buffer;
};

/** TYPE_INFO + value bytes a decimal type writes into tedious' own buffer, as hex. */
function bytes(type: TediousType | typeof exactDecimalType, p: DecimalParameter): string {
  const buffer = new Tracking();
  type.writeTypeInfo(buffer as never, p as never, CONNECTION_OPTIONS);
  type.writeValue(buffer as never, p as never, CONNECTION_OPTIONS);
  return buffer.data.toString("hex");
}

const unscaled = (text: string, scale: number) => {
  const [whole, fraction = ""] = text.replace("-", "").split(".");
  const v = BigInt(whole! + fraction.padEnd(scale, "0"));
  return text.startsWith("-") ? -v : v;
};

describe("SQL Server exact decimal type: the DECIMALN bytes of MS-TDS 2.2.5.5.1.6", () => {
  // Values tedious' own (float-based) Decimal writes exactly: both types must agree byte for byte,
  // at every magnitude width (4/8/12/16 bytes), scale 0 and scale = precision.
  const cases: [number, number, string[]][] = [
    [1, 0, ["0", "9", "-9"]],
    [9, 0, ["999999999", "-1"]],
    [9, 2, ["-123.45", "0.01", "9999999.99"]],
    [9, 9, ["0.123456789", "-0.000000001"]],
    [10, 0, ["1", "-4294967296"]],
    [18, 4, ["12345678901.2345", "-0.0001"]],
    [19, 0, ["9007199254740991", "-9007199254740991"]],
    [20, 0, ["4294967297"]],
    [28, 10, ["-1.5", "123456.0000000001"]],
    [29, 0, ["1", "-9007199254740991"]],
    [38, 0, ["9007199254740991"]],
    [38, 10, ["-0.0000000001", "1234.5"]],
    [38, 38, ["0.00000000000000000000000000000000000001"]],
  ];
  for (const [precision, scale, values] of cases) {
    it(`writes decimal(${precision},${scale}) exactly as tedious' own Decimal does: ${values.join(", ")}`, () => {
      for (const text of values) {
        const ours = bytes(exactDecimalType, { precision, scale, value: unscaled(text, scale) });
        const own = bytes(tedious.TYPES.Decimal!, {
          precision,
          scale,
          value: tedious.TYPES.Decimal!.validate(text),
        });
        expect({ text, bytes: ours }).toEqual({ text, bytes: own });
      }
    });
  }

  it("writes zero (negative zero included) with the positive sign byte, as tedious does", () => {
    const own = bytes(tedious.TYPES.Decimal!, { precision: 18, scale: 4, value: -0 });
    expect(own).toBe("6a091204" + "0901" + "0000000000000000");
    expect(bytes(exactDecimalType, { precision: 18, scale: 4, value: 0n })).toBe(own);
  });

  it("writes the largest decimal(38,0) and decimal(38,38) magnitudes, which tedious' Decimal cannot", () => {
    // 10^38 - 1 = 0x4B3B4CA85A86C47A098A223FFFFFFFFF, little-endian over 16 bytes (from the spec).
    const magnitude = "ffffffff3f228a097ac4865aa84c3b4b";
    const max = 10n ** 38n - 1n;
    expect(bytes(exactDecimalType, { precision: 38, scale: 0, value: max })).toBe(
      `6a112600` + `1101${magnitude}`,
    );
    expect(bytes(exactDecimalType, { precision: 38, scale: 38, value: -max })).toBe(
      `6a112626` + `1100${magnitude}`,
    );
    // tedious' own Decimal rounds the same value through a float: not these bytes.
    const own = bytes(tedious.TYPES.Decimal!, { precision: 38, scale: 0, value: Number(max) });
    expect(own).not.toBe(`6a112600` + `1101${magnitude}`);
  });

  it("writes null as length 0 and refuses a magnitude beyond the precision", () => {
    expect(bytes(exactDecimalType, { precision: 9, scale: 2, value: null })).toBe("6a05090200");
    expect(() => bytes(exactDecimalType, { precision: 9, scale: 2, value: 10n ** 9n })).toThrow(RangeError);
  });
});

describe("SQL Server exact decimal type: guard against an incompatible tedious", () => {
  it("accepts the tedious mssql loads here", () => {
    const surface = loadTediousSurface();
    expect(surface.version).toMatch(/^20\./);
    expect(tediousIncompatibility(surface)).toBeUndefined();
  });

  it("stops the load, naming the tedious version and what to install, when tedious' DataType interface differs", () => {
    const real = loadTediousSurface();
    // tedious 19's Decimal: generateTypeInfo/generateParameterData instead of writeTypeInfo/writeValue.
    const tedious19: TediousSurface = {
      version: "19.2.2",
      decimal: { generateTypeInfo: () => Buffer.alloc(0), generateParameterData: function* () {} },
      Buffer: real.Buffer,
    };
    let error: unknown;
    try {
      assertExactDecimalsSupported(() => tedious19);
    } catch (e) {
      error = e;
    }
    expect(isHyggeError(error) && error.code).toBe("PLUGIN_INVALID");
    expect((error as Error).message).toContain("tedious 19.2.2 is not compatible");
    expect((error as { hint?: string }).hint).toContain("tedious@20");
  });

  it("stops the load when tedious' buffer lacks a method the exact type writes with, or bytes differ", () => {
    const real = loadTediousSurface();
    class NoBigInt {
      data = Buffer.alloc(0);
      writeUInt8(v: number) {
        this.data = Buffer.concat([this.data, Buffer.from([v])]);
      }
      writeUInt32LE(v: number) {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(v);
        this.data = Buffer.concat([this.data, b]);
      }
    }
    expect(tediousIncompatibility({ ...real, Buffer: NoBigInt })).toMatch(
      /writing a decimal into its buffer failed/,
    );
    expect(tediousIncompatibility({ ...real, Buffer: undefined })).toMatch(/WritableTrackingBuffer/);
    expect(tediousIncompatibility({ ...real, decimal: undefined })).toMatch(/could not be loaded/);
    const bigEndian = {
      writeTypeInfo: (real.decimal as TediousType).writeTypeInfo,
      writeValue(buffer: { writeUInt8(v: number): void }, p: { value: number }) {
        buffer.writeUInt8(p.value < 0 ? 1 : 0); // sign byte inverted
      },
    };
    expect(tediousIncompatibility({ ...real, decimal: bigEndian })).toMatch(/its own Decimal writes/);
  });
});
