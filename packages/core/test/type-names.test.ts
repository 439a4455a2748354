import { describe, expect, it } from "@jest/globals";
import { Field, Float16 } from "apache-arrow";
import { fieldFromTypeName, typeFromName, typeNameOf } from "../src/index.js";

describe("type names", () => {
  it.each([
    ["int64", "int64"],
    ["BOOLEAN", "bool"],
    ["decimal(18, 2)", "decimal(18, 2)"],
    ["decimal(60,10)", "decimal(60, 10)"],
    ["timestamp", "timestamp[us]"],
    ["timestamp[ms, UTC]", "timestamp[ms, UTC]"],
    ["timestamp[ns, Europe/Paris]", "timestamp[ns, Europe/Paris]"],
    ["time[ms]", "time[ms]"],
    ["date", "date"],
    ["list<int32>", "list<int32>"],
    ["uuid", "uuid"],
    ["json", "json"],
    ["float32", "float32"],
    ["float64", "float64"],
    ["uint16", "uint16"],
  ])("%s reads back as %s", (name, shown) => {
    expect(typeNameOf(fieldFromTypeName("c", name))).toBe(shown);
  });

  it("float16 is named as itself (not float64), and not accepted as a declared type", () => {
    expect(typeNameOf(new Field("h", new Float16()))).toBe("float16");
    expect(() => typeFromName("float16")).toThrow(/unknown type/);
  });

  it("decimals above 38 digits are 256-bit", () => {
    expect((typeFromName("decimal(40, 2)") as unknown as { bitWidth: number }).bitWidth).toBe(256);
  });

  it.each(["integer64", "decimal(80, 2)", "decimal(5, 6)", "timestamp[us, Mars/Base]", "list<>"])(
    "refuses %s",
    (name) => {
      expect(() => typeFromName(name)).toThrow(/type|precision|zone/);
    },
  );
});
