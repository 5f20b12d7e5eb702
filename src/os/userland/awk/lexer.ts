/** Tokens of the awk language (POSIX "Lexical Conventions"), with line numbers for errors. */

export type TokenType = 'number' | 'string' | 'ere' | 'name' | 'funcname' | 'builtin' | 'keyword' | 'newline' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /** The text: an operator, a name, a keyword; a string's value after escapes; an ERE's source. */
  value: string;
  num?: number;
  line: number;
}

export class AwkSyntaxError extends Error {
  override name = 'AwkSyntaxError';
}

export const KEYWORDS = new Set(['BEGIN', 'END', 'function', 'func', 'if', 'else', 'while', 'for', 'do', 'break', 'continue', 'next', 'nextfile', 'exit', 'return', 'delete', 'in', 'getline', 'print', 'printf']);
export const BUILTINS = new Set(['length', 'substr', 'index', 'split', 'sub', 'gsub', 'match', 'sprintf', 'sin', 'cos', 'atan2', 'exp', 'log', 'sqrt', 'int', 'rand', 'srand', 'tolower', 'toupper', 'close', 'system', 'fflush']);

const PUNCT = ['+=', '-=', '*=', '/=', '%=', '^=', '**=', '**', '==', '<=', '>=', '!=', '++', '--', '&&', '||', '>>', '!~', '{', '}', '(', ')', '[', ']', ';', ',', '+', '-', '*', '/', '%', '^', '!', '>', '<', '|', '?', ':', '~', '$', '='];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', '"': '"', '/': '/' };

/** Processes awk string escapes (\n, \t, \ooo …); an unknown `\c` stays `\c` so "\." still means a literal dot in a dynamic regex. */
export function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[++i]!;
    const oct = /^[0-7]{1,3}/.exec(s.slice(i));
    if (oct) {
      out += String.fromCharCode(parseInt(oct[0], 8));
      i += oct[0].length - 1;
    } else if (ESCAPES[e] !== undefined) out += ESCAPES[e];
    else out += `\\${e}`;
  }
  return out;
}

/** Whether a `/` after this token divides (after an operand) rather than starting an ERE. */
function endsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.type === 'number' || t.type === 'string' || t.type === 'ere' || t.type === 'name' || t.type === 'builtin') return true;
  if (t.type === 'keyword') return t.value === 'getline';
  return t.type === 'punct' && (t.value === ')' || t.value === ']' || t.value === '$' || t.value === '++' || t.value === '--');
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const push = (type: TokenType, value: string, num?: number): void => {
    tokens.push(num === undefined ? { type, value, line } : { type, value, num, line });
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      line++;
    } else if (c === '\\' && src[i + 1] === '\r' && src[i + 2] === '\n') {
      i += 3;
      line++;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '\n') {
      push('newline', '\n');
      line++;
      i++;
    } else if (/[0-9.]/.test(c) && /^(\d+\.?\d*|\.\d+)/.test(src.slice(i, i + 2))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      push('number', m[0], Number(m[0]));
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const word = m[0];
      i += word.length;
      if (KEYWORDS.has(word)) push('keyword', word === 'func' ? 'function' : word);
      else if (BUILTINS.has(word)) push('builtin', word);
      else push(src[i] === '(' ? 'funcname' : 'name', word);
    } else if (c === '"') {
      let j = i + 1;
      let raw = '';
      for (;;) {
        if (j >= src.length || src[j] === '\n') throw new AwkSyntaxError(`non-terminated string at source line ${line}`);
        if (src[j] === '"') break;
        if (src[j] === '\\' && j + 1 < src.length) {
          if (src[j + 1] === '\n') {
            j += 2;
            line++;
            continue;
          }
          raw += src[j]! + src[j + 1]!;
          j += 2;
        } else raw += src[j++];
      }
      push('string', unescape(raw));
      i = j + 1;
    } else if (c === '/' && !endsOperand(tokens[tokens.length - 1])) {
      let j = i + 1;
      let inBracket = false;
      let source = '';
      for (;;) {
        if (j >= src.length || src[j] === '\n') throw new AwkSyntaxError(`non-terminated regular expression at source line ${line}`);
        const d = src[j]!;
        if (d === '\\' && j + 1 < src.length) {
          source += d + src[j + 1]!;
          j += 2;
          continue;
        }
        if (!inBracket && d === '/') break;
        if (d === '[' && !inBracket) {
          inBracket = true;
          source += d;
          j++;
          if (src[j] === '^') source += src[j++];
          if (src[j] === ']') source += src[j++];
          continue;
        }
        if (d === '[' && inBracket && /[:=.]/.test(src[j + 1] ?? '')) {
          const close = src.indexOf(`${src[j + 1]}]`, j + 2);
          if (close > 0) {
            source += src.slice(j, close + 2);
            j = close + 2;
            continue;
          }
        }
        if (d === ']' && inBracket) inBracket = false;
        source += d;
        j++;
      }
      push('ere', source);
      i = j + 1;
    } else {
      const op = PUNCT.find((p) => src.startsWith(p, i));
      if (!op) throw new AwkSyntaxError(`syntax error at source line ${line}: unexpected character '${c}'`);
      push('punct', op === '**' ? '^' : op === '**=' ? '^=' : op);
      i += op.length;
    }
  }
  push('eof', '');
  return tokens;
}
