import { isAbsolute, resolve } from "node:path";
import type { CreateContext } from "../contracts/plugin.js";
import type { Storage, StorageRef } from "../contracts/storage.js";
import { HyggeError } from "../errors.js";
import type { Registry } from "../registry.js";
import { localStorage } from "./local-storage.js";

/** `s3://…`, `az://…`, `abfss://…`: a URL scheme of two or more letters (not a Windows drive). */
const SCHEME = /^([a-z][a-z0-9+.-]+):\/\//i;

export interface LocationRef {
  connection?: string;
  path: string;
}

/**
 * Resolves a block's `connection:` and `path:` to a storage and a key inside it:
 * - `path: s3://bucket/prefix`: the storage serving that scheme; credentials from `connection:`
 *   (when given) or from the SDK's own environment and credential chain;
 * - `connection: lake`: the storage of that connection's type; `path` is a key inside it;
 * - neither: the local disk; a relative `path` is relative to the project folder.
 * One storage is created per connection (or URL root) and run, and closed when the run ends.
 */
export async function resolveStorage(
  registry: Registry,
  ctx: Pick<CreateContext, "connections" | "resources" | "projectDir" | "logger">,
  ref: LocationRef,
): Promise<StorageRef> {
  const scheme = SCHEME.exec(ref.path)?.[1]?.toLowerCase();
  const connection = ref.connection === undefined ? undefined : ctx.connections[ref.connection];
  if (ref.connection !== undefined && !connection) {
    throw new HyggeError("CONFIG_INVALID", `unknown connection "${ref.connection}"`, {
      hint: `connections declared in hygge.yml: ${Object.keys(ctx.connections).join(", ") || "none"}`,
    });
  }
  if (scheme === "file") return local(new URL(ref.path).pathname, ctx.projectDir);
  if (scheme) {
    const found = registry.storageForScheme(scheme);
    if (!found) {
      const known = registry
        .entries("storage")
        .flatMap(([, e]) => e.definition.schemes ?? [])
        .map((s) => `${s}://`);
      throw new HyggeError("CONFIG_INVALID", `no loaded plugin reads or writes ${scheme}:// paths`, {
        hint: `add the storage plugin for ${scheme}:// (@hygge/s3 for s3://, @hygge/azure for az:// and abfss://) to \`plugins:\` in hygge.yml${known.length > 0 ? `; loaded: ${known.join(", ")}` : ""}`,
      });
    }
    const [type, entry] = found;
    if (connection && connection.type !== type) {
      throw new HyggeError(
        "CONFIG_INVALID",
        `connection "${connection.name}" is of type ${connection.type}, but the path is a ${scheme}:// URL`,
        {
          hint: `use a connection of type ${type} with ${scheme}:// paths, or give a path inside the connection`,
        },
      );
    }
    const fromUrl = entry.definition.fromUrl;
    if (!fromUrl)
      throw new HyggeError("PLUGIN_INVALID", `storage ${type} declares ${scheme}:// but has no fromUrl`);
    const location = fromUrl(new URL(ref.path));
    const options = { ...(connection?.options ?? {}), ...location.options };
    const parsed = entry.definition.options.safeParse(options);
    if (!parsed.success) {
      throw new HyggeError(
        "CONFIG_INVALID",
        `${scheme}:// path ${ref.path}: ${parsed.error.issues[0]?.message}`,
        {
          hint: `check the URL, or the options of connection "${connection?.name ?? "(none)"}"`,
        },
      );
    }
    const key = `storage:${type}:${JSON.stringify(parsed.data)}`;
    const storage = await shared(ctx, key, () => entry.definition.create(parsed.data, ctx));
    return { storage, path: cleanKey(location.path) };
  }
  if (connection) {
    const entry = registry.storage(connection.type);
    const storage = await shared(ctx, `storage-connection:${connection.type}:${connection.name}`, () =>
      entry.definition.create(connection.options, ctx),
    );
    return { storage, path: cleanKey(ref.path) };
  }
  return local(ref.path, ctx.projectDir);
}

function local(path: string, projectDir: string): StorageRef {
  const absolute = isAbsolute(path) ? resolve(path) : resolve(projectDir, path);
  return { storage: localStorage, path: absolute.slice(1) };
}

function shared(
  ctx: Pick<CreateContext, "resources">,
  key: string,
  create: () => Storage | Promise<Storage>,
): Promise<Storage> {
  return ctx.resources.get(key, create, (s) => s.close?.());
}

/** A key inside a storage: '/'-separated, no leading '/', no '.' or '..' segments. */
export function cleanKey(path: string): string {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) {
    throw new HyggeError("CONFIG_INVALID", `path "${path}" has '..' in it`, {
      hint: "give a path inside the bucket or container, without '..'",
    });
  }
  return parts.join("/");
}
