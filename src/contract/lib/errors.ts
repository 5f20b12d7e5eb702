/**
 * The contract's one error type. NEAR shows `message` to users as the panic message, so every
 * message names the rule that failed and quotes the offending value (via {@link showValue}).
 */

/** A rejected call: thrown by validators, turned into a panic by the contract entry points. */
export class ContractError extends Error {
  override name = 'ContractError';
}

/** How many characters of an offending value a message quotes. */
export const SHOWN_VALUE_MAX = 100;

/** Cuts `s` to {@link SHOWN_VALUE_MAX} code units (never inside a surrogate pair), marking the cut with '…'. */
export function truncate(s: string, max: number = SHOWN_VALUE_MAX): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // keep the pair whole
  return `${s.slice(0, end)}…`;
}

// Control characters would garble a panic message in explorers and logs, so they are escaped.
function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A short, printable rendering of any value for an error message: strings in single quotes,
 * numbers/bigints/booleans/null as written, objects and arrays as (truncated) JSON.
 *
 * @example showValue('gitlab.com') // "'gitlab.com'"
 */
export function showValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `'${escapeControls(truncate(value))}'`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}`;
    case 'undefined':
      return 'undefined';
    case 'object': {
      if (value === null) return 'null';
      let text: string | undefined;
      try {
        text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
      } catch {
        text = undefined; // cycles and throwing toJSON: fall back to the type
      }
      return text === undefined ? (Array.isArray(value) ? 'an array' : 'an object') : escapeControls(truncate(text));
    }
    default:
      return `a ${typeof value}`;
  }
}

/** "a string", "a number", "null", "an array", "an object": the JSON-ish type of `value`, for messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  return t === 'object' || t === 'undefined' ? `an ${t}` : `a ${t}`;
}
