#!/usr/bin/env node
// `npm create hygge-plugin <folder>` (npm runs this package's bin): scaffolds a plugin package.
import { nextSteps, ScaffoldError, scaffold } from "./index.js";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h") || args.length !== 1 || args[0]!.startsWith("-")) {
  const usage =
    "usage: npm create hygge-plugin@latest <folder>\n  e.g. npm create hygge-plugin@latest my-api";
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  console.error(`create-hygge-plugin: give exactly one folder name\n${usage}`);
  process.exit(2);
}
try {
  console.log(nextSteps(scaffold(args[0]!)));
} catch (error) {
  if (error instanceof ScaffoldError) {
    console.error(`create-hygge-plugin: ${error.message}\n  hint: ${error.hint}`);
    process.exit(1);
  }
  throw error;
}
