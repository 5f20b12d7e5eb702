/**
 * POSIX regular expressions (BRE and ERE, with the common GNU extensions) translated into
 * JavaScript RegExps, shared by grep, sed and awk.
 *
 * @example
 *   compileRegex('\\(ab\\)\\{2\\}', { syntax: 'basic' }).test('abab') // true
 *
 * What differs from POSIX: JavaScript picks the leftmost *first* alternative, not the leftmost
 * *longest* match (`ab|abcd` on "abcd" matches "ab"); equivalence classes `[=a=]` and collating
 * symbols `[.a.]` match only their one character; matching is by UTF-16 code unit.
 */

export type RegexSyntax = 'basic' | 'extended' | 'fixed' | 'awk';

export interface RegexOptions {
  /** basic: POSIX BRE (grep, sed); extended: ERE (grep -E, sed -E); fixed: a literal string; awk: ERE plus awk's string escapes (\n, \t, \/ …). */
  syntax: RegexSyntax;
  ignoreCase?: boolean;
  /** The JS 'g' flag, for global substitution. */
  global?: boolean;
}

/** Fuel the tools charge per compiled pattern and per match attempt (plus FUEL.byte per byte examined). */
export const REGEX_FUEL = { compile: 100, test: 10 } as const;

/** A pattern that is not a valid regular expression; the message is what the tool prints. */
export class RegexSyntaxError extends Error {
  override name = 'RegexSyntaxError';
}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
  word: '0-9a-zA-Z_',
};

const AWK_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '/': '/', '"': '"' };

/** Escapes a character so that a JS RegExp matches it literally. */
function lit(c: string): string {
  if (/[\\^$.|?*+()[\]{}/]/.test(c)) return `\\${c}`;
  if (c === '\n') return '\\n';
  return c;
}

export function escapeRegex(s: string): string {
  let out = '';
  for (const c of s) out += lit(c);
  return out;
}

/** Parses a bracket expression starting at `s[i] === '['`; returns the JS class and the index after it. */
function bracket(s: string, i: number, awk: boolean): [string, number] {
  let j = i + 1;
  let out = '[';
  if (s[j] === '^') {
    out += '^';
    j++;
  }
  let first = true;
  for (;;) {
    if (j >= s.length) throw new RegexSyntaxError('unterminated [ expression');
    const c = s[j]!;
    if (c === ']' && !first) return [`${out}]`, j + 1];
    first = false;
    if (c === '[' && (s[j + 1] === ':' || s[j + 1] === '=' || s[j + 1] === '.')) {
      const kind = s[j + 1]!;
      const end = s.indexOf(`${kind}]`, j + 2);
      if (end < 0) throw new RegexSyntaxError(`unterminated [${kind} in bracket expression`);
      const name = s.slice(j + 2, end);
      if (kind === ':') {
        const cls = CLASSES[name];
        if (cls === undefined) throw new RegexSyntaxError(`invalid character class [:${name}:]`);
        out += cls;
      } else out += escapeClassChar(name);
      j = end + 2;
      continue;
    }
    if (c === '\\' && awk && j + 1 < s.length) {
      const e = s[j + 1]!;
      out += escapeClassChar(AWK_ESCAPES[e] ?? e);
      j += 2;
      continue;
    }
    out += c === '-' ? '-' : escapeClassChar(c);
    j++;
  }
}

function escapeClassChar(c: string): string {
  if (c === '\n') return '\\n';
  return /[\\\]^[-]/.test(c) ? `\\${c}` : c;
}

const INTERVAL = /^(\d+)(,(\d*))?/;

/**
 * Translates a POSIX pattern into JavaScript RegExp source.
 * Throws RegexSyntaxError for unbalanced groups, bad intervals and unknown classes.
 */
export function translateRegex(pattern: string, syntax: RegexSyntax): string {
  if (syntax === 'fixed') return escapeRegex(pattern);
  const ere = syntax !== 'basic';
  const awk = syntax === 'awk';
  let out = '';
  // Where the last atom starts in `out` (-1: none, so a quantifier here is literal), and whether
  // it already carries a quantifier (JS rejects `a**`, POSIX reads it as `(a*)*`).
  let atom = -1;
  let quantified = false;
  const groups: number[] = [];
  const atomAt = (start: number, src: string): void => {
    atom = start;
    quantified = false;
    out += src;
  };
  const quantify = (q: string): void => {
    if (atom < 0) {
      atomAt(out.length, lit(q[0]!) + q.slice(1).replace(/[{}]/g, (c) => `\\${c}`));
      return;
    }
    if (quantified) out = `${out.slice(0, atom)}(?:${out.slice(atom)})`;
    out += q;
    quantified = true;
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const start = out.length;
    // At the start of the pattern or of a group/alternative: `*` is literal, `^` is an anchor (BRE).
    const leading = atom < 0;
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw new RegexSyntaxError('trailing backslash (\\)');
      const e = pattern[i + 1]!;
      i += 2;
      if (!ere && e === '(') {
        groups.push(out.length);
        out += '(';
        atom = -1;
      } else if (!ere && e === ')') {
        const open = groups.pop();
        if (open === undefined) throw new RegexSyntaxError('unmatched \\)');
        out += ')';
        atom = open;
        quantified = false;
      } else if (!ere && e === '|') {
        out += '|';
        atom = -1;
      } else if (!ere && e === '{') {
        const m = INTERVAL.exec(pattern.slice(i));
        const close = m ? i + m[0].length : -1;
        if (!m || pattern.slice(close, close + 2) !== '\\}') throw new RegexSyntaxError('invalid content of \\{\\}');
        checkInterval(m);
        quantify(`{${m[0]}}`);
        i = close + 2;
      } else if (!ere && (e === '+' || e === '?')) {
        quantify(e);
      } else if (e >= '1' && e <= '9') {
        if (Number(e) > countGroups(out)) throw new RegexSyntaxError('invalid back reference');
        atomAt(start, `\\${e}`);
      } else if (e === '<') out += '\\b(?=\\w)';
      else if (e === '>') out += '\\b(?<=\\w)';
      else if (e === 'b' && !awk) out += '\\b';
      else if (e === 'B') out += '\\B';
      else if ('wWsS'.includes(e)) atomAt(start, `\\${e}`);
      else if (awk && AWK_ESCAPES[e] !== undefined) atomAt(start, lit(AWK_ESCAPES[e]));
      else if (e === 'n') atomAt(start, '\\n');
      else if (e === 't' && !ere) atomAt(start, '\\t');
      else atomAt(start, lit(e));
      continue;
    }
    i++;
    if (c === '[') {
      const [cls, next] = bracket(pattern, i - 1, awk);
      atomAt(start, cls);
      i = next;
    } else if (c === '.') atomAt(start, '.');
    else if (c === '*') {
      if (leading && !(ere && quantified)) atomAt(start, '\\*');
      else quantify('*');
    } else if (c === '^') {
      if (ere || leading) out += '^';
      else atomAt(start, '\\^');
    } else if (c === '$') {
      const rest = pattern.slice(i);
      if (ere || rest === '' || rest.startsWith('\\)') || rest.startsWith('\\|')) out += '$';
      else atomAt(start, '\\$');
    } else if (ere && (c === '+' || c === '?')) quantify(c);
    else if (ere && c === '{') {
      const m = INTERVAL.exec(pattern.slice(i));
      if (m && pattern[i + m[0].length] === '}' && atom >= 0) {
        checkInterval(m);
        quantify(`{${m[0]}}`);
        i += m[0].length + 1;
      } else atomAt(start, '\\{');
    } else if (ere && c === '(') {
      groups.push(out.length);
      out += '(';
      atom = -1;
    } else if (ere && c === ')') {
      const open = groups.pop();
      if (open === undefined) throw new RegexSyntaxError('unmatched )');
      out += ')';
      atom = open;
      quantified = false;
    } else if (ere && c === '|') {
      out += '|';
      atom = -1;
    } else atomAt(start, lit(c));
  }
  if (groups.length > 0) throw new RegexSyntaxError(ere ? 'unmatched (' : 'unmatched \\(');
  return out;
}

function checkInterval(m: RegExpExecArray): void {
  const lo = Number(m[1]);
  const hi = m[3] === undefined || m[3] === '' ? Infinity : Number(m[3]);
  if (lo > hi) throw new RegexSyntaxError('invalid content of {} (min > max)');
  if (lo > 32767) throw new RegexSyntaxError('regular expression too big');
}

function countGroups(src: string): number {
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '[') {
      // skip a class: `]` right after `[` or `[^` is literal only in POSIX, and we always escape it
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
    } else if (src[i] === '(' && src[i + 1] !== '?') n++;
  }
  return n;
}

/** Compiles a POSIX pattern. Throws RegexSyntaxError when it is invalid. */
export function compileRegex(pattern: string, options: RegexOptions): RegExp {
  const source = translateRegex(pattern, options.syntax);
  try {
    return new RegExp(source, `${options.global ? 'g' : ''}${options.ignoreCase ? 'i' : ''}s`);
  } catch (e) {
    throw new RegexSyntaxError(`invalid regular expression: ${pattern} (${(e as Error).message})`);
  }
}
