/**
 * Every property of a JSON Schema that carries no `description`, as readable paths:
 * `project.options.retries`, `project.connections.<name>(postgres).ssl(anyOf[1]).ca`,
 * `flow.entities[](anyOf[1]).name`. A variant of a union that fixes `type` is named by it.
 */
export function undescribedProperties(schema: unknown, root: string): string[] {
  const found = new Set<string>();
  const defs = (schema as { $defs?: Record<string, unknown> } | null)?.$defs ?? {};
  const resolve = (node: Node): Node => {
    const ref = typeof node.$ref === "string" ? /^#\/\$defs\/(.+)$/.exec(node.$ref)?.[1] : undefined;
    return ref !== undefined && isNode(defs[ref]) ? (defs[ref] as Node) : node;
  };
  const seen = new Set<unknown>();
  const walk = (value: unknown, at: string): void => {
    if (!isNode(value) || seen.has(value)) return;
    seen.add(value);
    const node = value;
    for (const [key, child] of Object.entries(asRecord(node.properties))) {
      const path = `${at}.${key}`;
      if (!isNode(child) || !(hasDescription(child) || hasDescription(resolve(child)))) found.add(path);
      walk(child, path);
      if (isNode(child) && child !== resolve(child)) walk(resolve(child), path);
    }
    if (isNode(node.additionalProperties)) walk(node.additionalProperties, `${at}.<name>`);
    for (const [, child] of Object.entries(asRecord(node.patternProperties))) walk(child, `${at}.<name>`);
    const tuple = [
      ...(Array.isArray(node.prefixItems) ? node.prefixItems : []),
      ...(Array.isArray(node.items) ? node.items : []),
    ];
    for (const [i, item] of tuple.entries()) walk(item, `${at}[${i}]`);
    if (!Array.isArray(node.items)) walk(node.items, `${at}[]`);
    for (const key of ["anyOf", "oneOf", "allOf"] as const) {
      const variants = node[key];
      if (!Array.isArray(variants)) continue;
      variants.forEach((variant, i) => {
        const type = isNode(variant) ? asRecord(asRecord(variant.properties).type).const : undefined;
        walk(variant, typeof type === "string" ? `${at}(${type})` : `${at}(${key}[${i}])`);
      });
    }
    for (const key of ["not", "if", "then", "else"] as const) walk(node[key], at);
    for (const [name, def] of Object.entries(asRecord(node.$defs))) walk(def, `${root}#${name}`);
  };
  walk(schema, root);
  return [...found];
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const asRecord = (value: unknown): Node => (isNode(value) ? value : {});
const hasDescription = (node: Node) => typeof node.description === "string" && node.description.trim() !== "";
