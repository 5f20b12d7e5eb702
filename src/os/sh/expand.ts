/**
 * Word expansion (POSIX XCU 2.6): tilde, parameters, command substitution and arithmetic, then
 * field splitting of the unquoted results on IFS, then quote removal (quotes are already gone:
 * the lexer records quoting as part flags), then pathname expansion of unquoted `*`, `?`, `[…]`.
 */
import { ArithError, evalArith } from './arith.js';
import type { Script, Word, WordPart } from './ast.js';
import { compilePattern } from './pattern.js';

/** What pathname expansion needs: directory listings (null when unreadable) relative to the cwd. */
export interface GlobHost {
  readdir(path: string): string[] | null;
  exists(path: string): boolean;
}

/** What expansion needs from the shell. */
export interface ExpandHost extends GlobHost {
  /** A variable or special parameter (`?`, `#`, `$`, `0`, `1`…); undefined when unset. `@`/`*` are handled here. */
  lookup(name: string): string | undefined;
  positional(): readonly string[];
  assign(name: string, value: string): void;
  /** Runs the body in a subshell; its standard output without trailing newlines. */
  commandSubstitution(body: Script): Promise<string>;
  /** Expansion work is metered: one unit of fuel per character produced. */
  charge(fuel: number): void;
}

/** A failed expansion (`${x?}`, bad arithmetic): the command is not run, status 1. */
export class ExpandError extends Error {
  override name = 'ExpandError';
}

const DEFAULT_IFS = ' \t\n';

/** Expands words into fields (argv). */
export async function expandWords(host: ExpandHost, words: readonly Word[]): Promise<string[]> {
  const out: string[] = [];
  for (const word of words) {
    for (const field of await expandFields(host, word)) {
      const matches = field.glob && isPattern(field.pattern) ? glob(host, field.pattern) : [];
      if (matches.length > 0) out.push(...matches);
      else out.push(field.text);
    }
  }
  return out;
}

/** Expands one word without field splitting (assignments, redirection targets, `case` words). */
export async function expandString(host: ExpandHost, word: Word): Promise<string> {
  let out = '';
  for (const [i, part] of word.parts.entries()) {
    if (part.type === 'lit') out += i === 0 ? tilde(host, part) : part.value;
    else if (part.type === 'param' && (part.name === '@' || part.name === '*') && !part.op) out += host.positional().join(part.name === '*' ? ifsJoiner(host) : ' ');
    else out += await partValue(host, part);
  }
  host.charge(out.length);
  return out;
}

/** Expands a pattern word (`case`, `${x#pat}`): quoted characters are escaped so they match literally. */
export async function expandPattern(host: ExpandHost, word: Word): Promise<string> {
  let out = '';
  for (const [i, part] of word.parts.entries()) {
    const text = part.type === 'lit' ? (i === 0 ? tilde(host, part) : part.value) : await partValue(host, part);
    out += part.quoted ? text.replace(/[*?[\]\\]/g, '\\$&') : text;
  }
  return out;
}

function tilde(host: ExpandHost, part: Extract<WordPart, { type: 'lit' }>): string {
  if (part.quoted || !part.value.startsWith('~') || (part.value.length > 1 && part.value[1] !== '/')) return part.value;
  return (host.lookup('HOME') ?? '~') + part.value.slice(1);
}

function ifsJoiner(host: ExpandHost): string {
  const ifs = host.lookup('IFS');
  return ifs === undefined ? ' ' : ifs.slice(0, 1);
}

/** A field during expansion: its text, the same as a pattern (quoted characters escaped), and whether it has unquoted pattern characters. */
interface Field {
  text: string;
  pattern: string;
  glob: boolean;
}

async function expandFields(host: ExpandHost, word: Word): Promise<Field[]> {
  const fields: Field[] = [];
  let cur: Field = { text: '', pattern: '', glob: false };
  let has = false;
  const add = (text: string, quoted: boolean): void => {
    host.charge(text.length);
    cur.text += text;
    cur.pattern += quoted ? text.replace(/[*?[\]\\]/g, '\\$&') : text;
    if (!quoted && /[*?[]/.test(text)) cur.glob = true;
  };
  const push = (): void => {
    fields.push(cur);
    cur = { text: '', pattern: '', glob: false };
    has = false;
  };
  const endField = (): void => {
    if (has) push();
    else cur = { text: '', pattern: '', glob: false };
  };
  const ifs = host.lookup('IFS') ?? DEFAULT_IFS;
  const split = (value: string): void => {
    if (ifs === '') {
      add(value, false);
      has ||= value !== '';
      return;
    }
    let i = 0;
    while (i < value.length) {
      const c = value[i]!;
      if (!ifs.includes(c)) {
        add(c, false);
        has = true;
        i++;
        continue;
      }
      // A delimiter: IFS white space around at most one other IFS character.
      let hard = false;
      while (i < value.length && ifs.includes(value[i]!)) {
        const d = value[i]!;
        if (!' \t\n'.includes(d)) {
          if (hard) break;
          hard = true;
        }
        i++;
      }
      if (hard) push();
      else endField();
    }
  };

  const expandPart = async (part: WordPart, first: boolean): Promise<void> => {
    if (part.type === 'lit') {
      add(first ? tilde(host, part) : part.value, part.quoted);
      has ||= part.quoted || part.value !== '';
      return;
    }
    // `${x:-word}` and `${x:+word}` expand to the word's own parts, so `${x:-"a b"}` stays one field.
    if (part.type === 'param' && part.arg && usesWord(host, part)) {
      for (const [i, argPart] of part.arg.parts.entries()) {
        // Unquoted text in the word is an expansion result here, so it is split too.
        if (argPart.type === 'lit' && !argPart.quoted) split(argPart.value);
        else await expandPart(argPart, first && i === 0);
      }
      return;
    }
    if (part.type === 'param' && (part.name === '@' || part.name === '*') && !part.op) {
      const params = host.positional();
      if (part.quoted && part.name === '@') {
        params.forEach((param, i) => {
          if (i > 0) push();
          add(param, true);
          has = true;
        });
      } else if (part.quoted) {
        add(params.join(ifsJoiner(host)), true);
        has = true;
      } else {
        params.forEach((param, i) => {
          if (i > 0) endField();
          split(param);
        });
      }
      return;
    }
    const value = await partValue(host, part);
    if (part.quoted) {
      add(value, true);
      has = true;
    } else split(value);
  };
  for (const [index, part] of word.parts.entries()) await expandPart(part, index === 0);
  endField();
  return fields;
}

/** Whether `${name OP word}` expands to its word (for `-`, `:-`, `+`, `:+`). */
function usesWord(host: ExpandHost, part: Extract<WordPart, { type: 'param' }>): boolean {
  const { op, name } = part;
  if (op !== '-' && op !== ':-' && op !== '+' && op !== ':+') return false;
  const value = name === '@' || name === '*' ? (host.positional().length > 0 ? host.positional().join(' ') : undefined) : host.lookup(name);
  const unsetOrNull = value === undefined || (op.startsWith(':') && value === '');
  return op.endsWith('-') ? unsetOrNull : !unsetOrNull;
}

/** Whether a pattern has an unescaped `*`, `?` or a bracket expression (a lone `[`, as in `[ x ]`, is not one). */
function isPattern(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) return true;
  }
  return false;
}

/**
 * Pathname expansion (2.13.3): the sorted paths matching `pattern`, segment by segment; a
 * leading `.` must be matched explicitly. Empty when nothing matches (the word then stays).
 */
export function glob(host: GlobHost, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((seg) => seg !== '');
  let paths: string[] = [absolute ? '/' : ''];
  for (const [i, seg] of segments.entries()) {
    const last = i === segments.length - 1;
    const next: string[] = [];
    const literal = !isPattern(seg);
    for (const base of paths) {
      const join = (name: string): string => (base === '' ? name : base === '/' ? `/${name}` : `${base}/${name}`);
      if (literal) {
        next.push(join(seg.replace(/\\(.)/g, '$1')));
        continue;
      }
      const names = host.readdir(base === '' ? '.' : base);
      if (!names) continue;
      const re = compilePattern(seg);
      for (const name of names) {
        if (name.startsWith('.') && !seg.startsWith('.') && !seg.startsWith('\\.')) continue;
        if (re.test(name)) next.push(join(name));
      }
    }
    paths = next;
    if (!last && paths.length === 0) return [];
  }
  // Literal segments were not checked: keep only paths that exist.
  return paths.filter((path) => host.exists(path)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function partValue(host: ExpandHost, part: WordPart): Promise<string> {
  switch (part.type) {
    case 'lit':
      return part.value;
    case 'cmdsub':
      return host.commandSubstitution(part.body);
    case 'arith': {
      // Parameters and substitutions inside are expanded first, as if in double quotes (2.6.4).
      const source = await expandString(host, part.expr);
      try {
        return String(evalArith(source, { get: (n) => host.lookup(n), set: (n, v) => host.assign(n, v) }));
      } catch (e) {
        if (e instanceof ArithError) throw new ExpandError(`arithmetic: ${e.message}`);
        throw e;
      }
    }
    case 'param':
      return paramValue(host, part);
  }
}

async function paramValue(host: ExpandHost, part: Extract<WordPart, { type: 'param' }>): Promise<string> {
  const { name, op } = part;
  const value = name === '@' || name === '*' ? (host.positional().length > 0 ? host.positional().join(' ') : undefined) : host.lookup(name);
  if (!op) return value ?? '';
  const arg = async (): Promise<string> => (part.arg ? expandString(host, part.arg) : '');
  const unsetOrNull = value === undefined || (op.startsWith(':') && value === '');
  switch (op) {
    case 'length':
      return String((value ?? '').length);
    case '-':
    case ':-':
      return unsetOrNull ? arg() : value!;
    case '=':
    case ':=': {
      if (!unsetOrNull) return value!;
      if (!/^[A-Za-z_]/.test(name)) throw new ExpandError(`${name}: cannot assign in this way`);
      const v = await arg();
      host.assign(name, v);
      return v;
    }
    case '+':
    case ':+':
      return unsetOrNull ? '' : arg();
    case '?':
    case ':?': {
      if (!unsetOrNull) return value!;
      const message = await arg();
      throw new ExpandError(`${name}: ${message || (value === undefined ? 'parameter not set' : 'parameter null or not set')}`);
    }
    case '#':
    case '##':
    case '%':
    case '%%': {
      const v = value ?? '';
      const pattern = compilePattern(part.arg ? await expandPattern(host, part.arg) : '');
      // Every candidate is a match attempt over its characters: metered, as it can be O(n²).
      const matches = (candidate: string): boolean => {
        host.charge(candidate.length + 1);
        return pattern.test(candidate);
      };
      const n = v.length;
      if (op === '#') for (let i = 0; i <= n; i++) if (matches(v.slice(0, i))) return v.slice(i);
      if (op === '##') for (let i = n; i >= 0; i--) if (matches(v.slice(0, i))) return v.slice(i);
      if (op === '%') for (let i = n; i >= 0; i--) if (matches(v.slice(i))) return v.slice(0, i);
      if (op === '%%') for (let i = 0; i <= n; i++) if (matches(v.slice(i))) return v.slice(0, i);
      return v;
    }
  }
}
