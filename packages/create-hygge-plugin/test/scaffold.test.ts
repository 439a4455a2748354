// The scaffolder: copies the template renamed for the plugin, refuses a non-empty folder, and the
// template's dependencies follow the versions the repository builds and tests with.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "@hygge/core/testing";
import { describe, expect, it } from "@jest/globals";
import { pluginName, scaffold, TEMPLATE_DIR } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const json = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const root = tempDir("create-hygge-plugin");

describe("scaffold", () => {
  it("copies every template file, renamed for the plugin", () => {
    const out = scaffold(path.join(root, "acme-api"));
    expect(out.name).toBe("acme-api");
    expect(out.packageName).toBe("hygge-plugin-acme-api");
    expect(out.files).toEqual(
      expect.arrayContaining([
        ".gitignore",
        "LICENSE",
        "README.md",
        "jest.config.mjs",
        "package.json",
        "src/index.ts",
        "src/home.ts",
        "src/store.ts",
        "test/home.test.ts",
        "test/store.test.ts",
        "test/plugin.test.ts",
        "tsconfig.json",
      ]),
    );
    expect(out.files).not.toContain("gitignore");
    expect(out.files).not.toContain("_package.json");
    const pkg = json(path.join(out.dir, "package.json"));
    expect(pkg.name).toBe("hygge-plugin-acme-api");
    const index = readFileSync(path.join(out.dir, "src/index.ts"), "utf8");
    expect(index).toContain('name: "hygge-plugin-acme-api"');
    expect(index).toContain('homes: { "acme-api": home }');
    expect(index).toContain('stores: { "acme-api": store }');
    for (const file of out.files) {
      const text = readFileSync(path.join(out.dir, file), "utf8");
      expect({ file, leftover: text.includes("my-plugin") }).toEqual({ file, leftover: false });
    }
  });

  it("takes the name from a hygge-plugin-<name> folder without doubling the prefix", () => {
    const out = scaffold(path.join(root, "hygge-plugin-orders"));
    expect(out.name).toBe("orders");
    expect(json(path.join(out.dir, "package.json")).name).toBe("hygge-plugin-orders");
  });

  it("refuses a folder that is not empty, and writes nothing into it", () => {
    const dir = path.join(root, "taken");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "notes.txt"), "mine");
    expect(() => scaffold(dir)).toThrow(`${dir} is not empty`);
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
  });

  it("refuses a name that cannot be a package and type name", () => {
    expect(() => pluginName("My Plugin")).toThrow('"My Plugin" cannot be a plugin name');
    expect(() => pluginName("-x")).toThrow("cannot be a plugin name");
    expect(pluginName("/a/b/web-shop2")).toBe("web-shop2");
  });
});

describe("the template's package.json", () => {
  const template = json(path.join(TEMPLATE_DIR, "_package.json"));
  const rootPkg = json(path.join(repo, "package.json"));
  const core = json(path.join(repo, "packages/core/package.json"));

  it("has @hygge/core as a peer at the current core's range, and core's apache-arrow", () => {
    expect(template.peerDependencies).toEqual({ "@hygge/core": `^${core.version}` });
    expect(template.dependencies).toEqual({ "apache-arrow": core.dependencies["apache-arrow"] });
  });

  it("develops with the versions the repository tests with", () => {
    const dev = { ...template.devDependencies };
    expect(dev["@hygge/core"]).toBe(`^${core.version}`);
    delete dev["@hygge/core"];
    for (const [name, version] of Object.entries(dev))
      expect({ name, version }).toEqual({ name, version: rootPkg.devDependencies[name] });
  });
});

describe("the create-hygge-plugin command", () => {
  const bin = path.join(here, "../dist/bin.js");
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8" });

  it("scaffolds and prints the next commands", () => {
    if (!existsSync(bin))
      throw new Error(`${bin} is missing: run tsc -b in packages/create-hygge-plugin first`);
    const r = cli(["shop-api"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Created hygge-plugin-shop-api in shop-api");
    expect(r.stdout).toContain("  cd shop-api\n  npm install\n  npm run build\n  npm test");
    expect(existsSync(path.join(root, "shop-api/src/index.ts"))).toBe(true);
  });

  it("refuses a non-empty folder with a hint, exit 1", () => {
    mkdirSync(path.join(root, "full"));
    writeFileSync(path.join(root, "full/keep.txt"), "mine");
    const r = cli(["full"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path.join(root, "full")} is not empty`);
    expect(r.stderr).toContain("hint: choose a new folder name");
  });

  it("prints its usage without a folder, exit 2", () => {
    const r = cli([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("usage: npm create hygge-plugin@latest <folder>");
  });
});
