import { defineStorage, type HyggePlugin } from "@hygge/core";
import { endpointOf, serviceClient } from "./client.js";
import { AZURE_SCHEMES, azureFromUrl } from "./location.js";
import { AZURE_SECRET_OPTIONS, azureOptions } from "./options.js";
import { AzureStorage } from "./storage.js";

export { azureFromUrl } from "./location.js";
export type { AzureOptions } from "./options.js";
export { azureOptions } from "./options.js";
export { AzureStorage } from "./storage.js";

export const azureStorage = defineStorage({
  options: azureOptions,
  schemes: AZURE_SCHEMES,
  fromUrl: azureFromUrl,
  create: async (options) => new AzureStorage(await serviceClient(options), options),
  describe: (options) => `az://${options.container} at ${endpointOf(options)}`,
  secretOptions: AZURE_SECRET_OPTIONS,
});

const plugin = {
  name: "@hygge/azure",
  storages: { azure: azureStorage },
} satisfies HyggePlugin;

export default plugin;
