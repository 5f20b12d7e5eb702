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
