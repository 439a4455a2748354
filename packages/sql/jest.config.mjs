import { jestConfig } from "../../jest.config.base.mjs";
// One embedded PostgreSQL 18 for every test file (started once, stopped at the end).
export default jestConfig({
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
});
