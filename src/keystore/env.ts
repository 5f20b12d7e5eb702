/**
 * The plaintext of sealed secrets: a map of environment variables the worker gives the guest.
 * Checked when sealing (so users learn early) and again after opening (so a blob sealed by
 * other software cannot smuggle a reserved variable into an execution).
 *
 * Rules: at most {@link MAX_ENV_ENTRIES} entries; names match `[A-Za-z_][A-Za-z0-9_]{0,127}`
 * and do not collide with the execution's own environment (`NEAR_*`, `TZ`, `LANG`, `LC_ALL`,
 * `PATH`, `HOME`); values are strings of at most {@link MAX_ENV_VALUE_BYTES} UTF-8 bytes
 * without NUL (a real process environment cannot carry NUL).
 *
 * Pure (no node: imports): the SDK/CLI seal with it too.
 *
 * @example
 * envProblem({ API_KEY: 'k' });  // null
 * envProblem({ NEAR_X: 'k' });   // "variable 'NEAR_X' is reserved ..."
 */

export const MAX_ENV_ENTRIES = 64;
export const MAX_ENV_VALUE_BYTES = 64 * 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const RESERVED = new Set(['TZ', 'LANG', 'LC_ALL', 'PATH', 'HOME']);
const RESERVED_PREFIX = 'NEAR_';

/** Whether `name` belongs to the execution environment OutLayer sets itself. */
export function isReservedEnvName(name: string): boolean {
  return RESERVED.has(name) || name.startsWith(RESERVED_PREFIX);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Why `env` is not a valid secrets map, or null when it is. Messages name variables, never
 * their values (values are secret).
 */
export function envProblem(env: unknown): string | null {
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return 'the secrets must be a JSON object of environment variables';
  const names = Object.keys(env);
  if (names.length > MAX_ENV_ENTRIES) return `${names.length} variables, at most ${MAX_ENV_ENTRIES} are allowed`;
  for (const name of names) {
    const shown = JSON.stringify(name.length > 140 ? `${name.slice(0, 140)}…` : name);
    if (!NAME.test(name)) return `variable name ${shown} must match [A-Za-z_][A-Za-z0-9_]{0,127}`;
    if (isReservedEnvName(name)) return `variable ${shown} is reserved for the execution environment (NEAR_*, TZ, LANG, LC_ALL, PATH, HOME)`;
    const value = (env as Record<string, unknown>)[name];
    if (typeof value !== 'string') return `the value of ${shown} must be a string`;
    if (value.includes('\0')) return `the value of ${shown} contains a NUL character`;
    const bytes = utf8Length(value);
    if (bytes > MAX_ENV_VALUE_BYTES) return `the value of ${shown} is ${bytes} bytes, at most ${MAX_ENV_VALUE_BYTES} are allowed`;
  }
  return null;
}
