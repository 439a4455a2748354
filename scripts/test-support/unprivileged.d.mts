// Types of unprivileged.mjs (test support shared by the packages' suites).
export declare const isRoot: () => boolean;
export declare function userIds(user: string): { uid: number; gid: number } | undefined;
export declare function userCan(user: string, flag: "-r" | "-w" | "-x", file: string): boolean;
export declare function readableTempDir(prefix: string): string;
export declare function mkdirReadable(dir: string): void;
export declare function placeReadable(from: string, to: string, skip?: (name: string) => boolean): void;
export declare function readableWorkspaceCopy(options: {
  repoRoot: string;
  cliDir?: string;
  bin?: string;
  extra?: string[];
}): { dir: string; bin: string; ms: number };
export declare function nodeFor(user: string, dir: string): string;
export declare function removeReadable(dir: string): void;
