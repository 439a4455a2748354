// Shared jest setup: TypeScript through SWC, native ESM (run jest with --experimental-vm-modules).
export function jestConfig(overrides = {}) {
  return {
    testEnvironment: "node",
    extensionsToTreatAsEsm: [".ts"],
    moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
    transform: {
      "^.+\\.ts$": [
        "@swc/jest",
        { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "es6" } },
      ],
    },
    testMatch: ["<rootDir>/test/**/*.test.ts"],
    testTimeout: 60_000,
    passWithNoTests: true,
    ...overrides,
  };
}
