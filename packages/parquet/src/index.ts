import type { HyggePlugin } from "@hygge/core";

const plugin = { name: "@hygge/parquet" } satisfies HyggePlugin;
export default plugin;
