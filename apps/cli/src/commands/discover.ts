export interface DiscoverOptions {
  project?: string;
  columns?: boolean;
  format?: string;
  json?: boolean;
}

/** `hygge discover`: placeholder until the command lands (issue 13). */
export async function discover(
  _source: string,
  _patterns: string[],
  _options: DiscoverOptions,
): Promise<number> {
  throw new Error("hygge discover is not implemented yet");
}
