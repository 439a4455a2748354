import { defineStorage, type HyggePlugin } from "@hygge/core";
import { endpointOf, serviceClient } from "./client.js";
import { AZURE_SCHEMES, azureFromUrl } from "./location.js";
import { azureOptions } from "./options.js";
import { AzureStorage } from "./storage.js";

export { azureFromUrl } from "./location.js";
export type { AzureOptions } from "./options.js";
export { azureOptions } from "./options.js";
export { AzureStorage } from "./storage.js";

export const azureStorage = defineStorage({
  options: azureOptions,
  schemes: AZURE_SCHEMES,
  fromUrl: azureFromUrl,
  create: async (options) => {
    // Parsed again (idempotent): a connection's options may reach create() as written in hygge.yml.
    const parsed = azureOptions.parse(options);
    return new AzureStorage(await serviceClient(parsed), parsed);
  },
  describe: (options) => `az://${options.container} at ${endpointOf(options)}`,
});

const plugin = {
  name: "@hygge/azure",
  storages: { azure: azureStorage },
} satisfies HyggePlugin;

export default plugin;
