import type { HyggePlugin } from "@hygge/core";

const plugin = { name: "@hygge/sql" } satisfies HyggePlugin;
export default plugin;
