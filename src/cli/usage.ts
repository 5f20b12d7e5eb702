import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Command-line usage errors: printed with the command's help text, exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses an integer flag: plain digits or exact scientific notation such as 1e9. */
export function parseIntegerFlag(name: string, text: string, help: string): bigint {
  const m = /^([0-9]+)(?:e([0-9]+))?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--${name} expects a non-negative integer (such as 1000000 or 1e6), got ${JSON.stringify(text)}`, help);
  return BigInt(m[1]!) * 10n ** BigInt(m[2] ?? '0');
}

/**
 * Parses a command's flags (strict: unknown flags are usage errors) with `-h/--help` added; a
 * parse failure becomes a UsageError carrying the command's help.
 */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, help: string, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } }, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError((e as Error).message, help);
  }
}

/** A TCP port flag: 0 (any free port) to 65535. */
export function parsePortFlag(name: string, text: string, help: string): number {
  const n = Number(parseIntegerFlag(name, text, help));
  if (n > 65535) throw new UsageError(`--${name} must be at most 65535, got ${n}`, help);
  return n;
}
