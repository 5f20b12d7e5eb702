/**
 * A conservative safety check for the regular expressions of `AccountPattern` access rules.
 *
 * The keystore (and anyone reading a rule) runs these patterns against account ids, so a
 * pattern must not be able to backtrack exponentially (ReDoS). Rather than deciding exactly
 * which patterns are dangerous, we allow a small, obviously-linear-enough subset of JS regex
 * syntax (no flags) and reject everything else with a message naming the construct:
 *
 * - at most {@link MAX_PATTERN_LENGTH} characters, and it must compile as `new RegExp(pattern)`;
 * - no backreferences (`\1`..`\9`, `\k<name>`) and no lookarounds (`(?=`, `(?!`, `(?<=`, `(?<!`);
 * - star height 1: no quantifier (`*`, `+`, `?`, `{n,m}`) may apply to a group that contains a
 *   quantifier or an alternation `|`, however deeply nested. This rejects `(a+)+`, `(a|aa)*`,
 *   `(.*)*` and also the harmless `(foo|bar)?` — conservative by design;
 * - counted repetitions up to `{0,64}` (no bound above {@link MAX_REPETITION}); a `{` or `}`
 *   that is not a quantifier must be escaped (`\{`), so every brace is accounted for;
 * - a bounded amount of polynomial backtracking. Star height 1 still allows `.*.*.*.*.*.*x`
 *   (≈ C(64+k, k) paths on a 64-character account id: k = 6 takes ~1 s in V8) and chains of
 *   alternations `(a|a)(a|a)…` (2^k paths). We estimate the paths as C(64+q, q) × 2^o × the
 *   product of every alternation's branch count, where q counts variable-length quantifiers
 *   (`*`, `+`, `{n,}`, `{n,m}` with m > n) and o counts `?`, and reject estimates above
 *   {@link MAX_BACKTRACK_ESTIMATE} (four `+`/`*` alone are fine, five are not).
 *
 * @example
 * checkSafePattern('^[a-z0-9_-]+\\.gov\\.near$'); // ok
 * checkSafePattern('(a+)+$');                      // throws ContractError
 */
import { ContractError, showValue } from './errors.js';

export const MAX_PATTERN_LENGTH = 256;
export const MAX_REPETITION = 64;
/** Upper bound on the estimated backtracking paths (about 5 ms of V8 time on 64 characters). */
export const MAX_BACKTRACK_ESTIMATE = 1_000_000;
/** Longest input the estimate assumes: the longest NEAR account id. */
const MAX_INPUT = 64;

interface Group {
  /** Whether a quantifier or an alternation occurs anywhere inside (nested groups included). */
  complex: boolean;
  /** How many alternatives the group has (its '|' count + 1). */
  branches: number;
}

/** C(n + k, k): the ways k variable-length quantifiers can share n characters. */
function splits(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n + i)) / i;
  return r;
}

function reject(pattern: string, why: string): never {
  throw new ContractError(`unsafe AccountPattern ${showValue(pattern)}: ${why}`);
}

/** Throws a ContractError naming the reason when `pattern` is outside the safe subset above. */
export function checkSafePattern(pattern: string): void {
  if (typeof pattern !== 'string') throw new ContractError(`AccountPattern pattern must be a string, got ${showValue(pattern)}`);
  if (pattern.length === 0) reject(pattern, 'the pattern is empty');
  if (pattern.length > MAX_PATTERN_LENGTH) reject(pattern, `${pattern.length} characters, at most ${MAX_PATTERN_LENGTH} are allowed`);
  try {
    new RegExp(pattern);
  } catch (e) {
    reject(pattern, `not a valid regular expression (${e instanceof Error ? e.message : String(e)})`);
  }

  // The pattern compiles, so the scan below can rely on balanced groups and classes.
  const stack: Group[] = [{ complex: false, branches: 1 }];
  let variable = 0; // q above
  let optional = 0; // o above
  let alternatives = 1; // product of branch counts
  // What the next quantifier would apply to: nothing, a single-character atom, or a closed group.
  let last: 'none' | 'atom' | 'group' = 'none';
  let lastGroupComplex = false;
  let i = 0;

  const quantify = (text: string, at: number, kind: 'fixed' | 'optional' | 'variable'): void => {
    if (last === 'none') reject(pattern, `quantifier '${text}' at index ${at} has nothing to repeat`);
    if (last === 'group' && lastGroupComplex) {
      reject(pattern, `quantifier '${text}' at index ${at} repeats a group that contains a quantifier or '|' (nested repetition can backtrack exponentially)`);
    }
    stack[stack.length - 1]!.complex = true;
    if (kind === 'variable') variable++;
    else if (kind === 'optional') optional++;
    last = 'none';
    if (pattern[i] === '?') i++; // lazy modifier
  };

  while (i < pattern.length) {
    const c = pattern[i]!;
    const at = i;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next >= '1' && next <= '9') reject(pattern, `backreference '\\${next}' at index ${at} is not allowed`);
      if (next === 'k') reject(pattern, `named backreference '\\k' at index ${at} is not allowed`);
      i += 2;
      last = 'atom';
    } else if (c === '[') {
      i++;
      while (i < pattern.length && pattern[i] !== ']') {
        if (pattern[i] === '\\') {
          const next = pattern[i + 1] ?? '';
          if (next >= '1' && next <= '9') reject(pattern, `escape '\\${next}' at index ${i} is not allowed`);
          i += 2;
        } else i++;
      }
      i++; // the closing ']'
      last = 'atom';
    } else if (c === '(') {
      if (pattern.startsWith('(?=', i) || pattern.startsWith('(?!', i) || pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) {
        reject(pattern, `lookaround '${pattern.slice(i, pattern[i + 2] === '<' ? i + 4 : i + 3)}' at index ${at} is not allowed`);
      }
      if (pattern.startsWith('(?:', i)) i += 3;
      else if (pattern.startsWith('(?<', i)) i = pattern.indexOf('>', i) + 1;
      else if (pattern[i + 1] === '?') reject(pattern, `group syntax '${pattern.slice(i, i + 3)}' at index ${at} is not allowed`);
      else i++;
      stack.push({ complex: false, branches: 1 });
      last = 'none';
    } else if (c === ')') {
      const group = stack.pop()!;
      alternatives *= group.branches;
      lastGroupComplex = group.complex;
      if (group.complex) stack[stack.length - 1]!.complex = true;
      last = 'group';
      i++;
    } else if (c === '|') {
      stack[stack.length - 1]!.complex = true;
      stack[stack.length - 1]!.branches++;
      last = 'none';
      i++;
    } else if (c === '*' || c === '+' || c === '?') {
      i++;
      quantify(c, at, c === '?' ? 'optional' : 'variable');
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) reject(pattern, `'{' at index ${at} is not a counted repetition; write '\\{' for a literal brace`);
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]); // {n} {n,} {n,m}
      if (min > MAX_REPETITION || (max !== Infinity && max > MAX_REPETITION)) {
        reject(pattern, `counted repetition '${m[0]}' at index ${at} exceeds {0,${MAX_REPETITION}}`);
      }
      i += m[0].length;
      quantify(m[0], at, max === min ? 'fixed' : min === 0 && max === 1 ? 'optional' : 'variable');
    } else if (c === '}') {
      reject(pattern, `'}' at index ${at} is not part of a counted repetition; write '\\}' for a literal brace`);
    } else {
      i++;
      last = c === '^' || c === '$' ? 'none' : 'atom';
    }
  }
  alternatives *= stack[0]!.branches;
  const estimate = splits(MAX_INPUT, variable) * 2 ** optional * alternatives;
  if (estimate > MAX_BACKTRACK_ESTIMATE) {
    reject(pattern, `too much possible backtracking (${variable} variable-length quantifiers, ${optional} '?', alternatives multiplying to ${alternatives}: about ${estimate.toExponential(1)} paths on a 64-character account, at most ${MAX_BACKTRACK_ESTIMATE.toExponential(0)} are allowed)`);
  }
}
