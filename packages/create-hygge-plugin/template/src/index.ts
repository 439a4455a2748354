// The plugin object: what `plugins: [my-plugin]` loads. Home and store type: `my-plugin`.
import type { HyggePlugin } from "@hygge/core";
import { home } from "./home.js";
import { store } from "./store.js";

export { homeOptions, jsonLinesHome } from "./home.js";
export { arrowFileStore, publishedFile, STATE_KEY, storeOptions } from "./store.js";
export { encodeValue, reviveValue } from "./values.js";

const plugin = {
  name: "hygge-plugin-my-plugin",
  homes: { "my-plugin": home },
  stores: { "my-plugin": store },
} satisfies HyggePlugin;

export default plugin;
