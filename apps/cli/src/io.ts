import { redact } from "@hygge/core";
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

const secrets = new Set<string>();
let installed = false;

/** Values that must never be printed (passwords, env-substituted secrets). */
export function addSecrets(values: Iterable<string>): void {
  for (const value of values) if (value.length >= 3) secrets.add(value);
}

export function redactText(text: string): string {
  return redact(text, secrets);
}

/**
 * Every byte hygge prints goes through stdout or stderr: wrapping both once means no renderer,
 * plugin log line or library message can leak a secret, whoever wrote it.
 */
export function installRedaction(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === "string") return original(redactText(chunk), ...rest);
      if (chunk instanceof Uint8Array)
        return original(redactText(Buffer.from(chunk).toString("utf8")), ...rest);
      return original(chunk, ...rest);
    }) as typeof stream.write;
  }
}

/** Colours only on a terminal (and never with NO_COLOR); FORCE_COLOR forces them. */
export function colorsFor(stream: NodeJS.WriteStream): Colors {
  const env = process.env;
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0";
  const enabled = forced || (Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== "dumb");
  return pc.createColors(enabled);
}

export function isInteractive(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && process.env.TERM !== "dumb";
}

export const out = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};
export const err = (text: string): void => {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
};
