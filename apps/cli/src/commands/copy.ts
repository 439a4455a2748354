export interface CopyOptions {
  format?: string;
  sourceFormat?: string;
  runType?: "full_drop" | "incremental" | "merge";
  watermark?: string;
  primaryKey?: string;
  state?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** `hygge copy`: placeholder until the command lands (issue 13). */
export async function copy(_from: string, _to: string, _options: CopyOptions): Promise<number> {
  throw new Error("hygge copy is not implemented yet");
}
