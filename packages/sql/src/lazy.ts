import { HyggeError } from "@hygge/core";

/**
 * Loads a driver package on first use, so a project that never uses one dialect needs neither
 * its package nor its start-up cost. A missing package becomes an error saying what to install.
 */
export async function lazyImport<T>(name: string, forType: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new HyggeError(
      "PLUGIN_NOT_FOUND",
      `type: ${forType} needs the "${name}" package, which could not be loaded`,
      {
        hint: `Install it next to @hygge/sql: npm install ${name}`,
        plugin: "@hygge/sql",
        cause: error,
      },
    );
  }
}
