// The plugin object and its typed options, as hygge validates a project's `home:` and `store:`.
import { describe, expect, it } from "@jest/globals";
import plugin from "../src/index.js";

describe("hygge-plugin-my-plugin", () => {
  it("is named after its package and adds the my-plugin home and store", () => {
    expect(plugin.name).toBe("hygge-plugin-my-plugin");
    expect(Object.keys(plugin.homes)).toEqual(["my-plugin"]);
    expect(Object.keys(plugin.stores)).toEqual(["my-plugin"]);
    expect(plugin.stores["my-plugin"].runTypes).toEqual(["full_drop", "incremental"]);
  });

  it("fills the home's defaults and refuses unknown or wrong options", () => {
    const options = plugin.homes["my-plugin"].options;
    expect(options.parse({ path: "in.jsonl", columns: "id int64" })).toEqual({
      path: "in.jsonl",
      columns: "id int64",
      batch_size: 10_000,
    });
    expect(options.safeParse({ path: "in.jsonl", columns: "id int64", batch_sise: 5 }).success).toBe(false);
    expect(options.safeParse({ path: "in.jsonl", columns: "id int64", batch_size: 0 }).success).toBe(false);
    expect(options.safeParse({ columns: "id int64" }).success).toBe(false);
  });

  it("requires the store's folder", () => {
    const options = plugin.stores["my-plugin"].options;
    expect(options.parse({ folder: "out" })).toEqual({ folder: "out" });
    expect(options.safeParse({}).success).toBe(false);
  });
});
