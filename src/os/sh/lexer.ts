/**
 * Tokens of the shell language (POSIX XCU 2.3 "Token Recognition"). Words come out already split
 * into parts (literal, quoted literal, parameter, command substitution, arithmetic), since quoting
 * decides later expansion. Reserved words are ordinary words here; the parser recognises them by
 * position (2.4). Here-document bodies are read at the newline after their operator (2.7.4) and
 * attached to the delimiter's token.
 */
import type { ParamOp, Script, Word, WordPart } from './ast.js';

/** A syntax error; the shell reports it and exits with status 2. */
export class ShSyntaxError extends Error {
  override name = 'ShSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`syntax error: ${message} (line ${line})`);
  }
}

export type Operator = '&&' | '||' | ';;' | '<<-' | '<<' | '>>' | '<&' | '>&' | '<>' | '>|' | '|' | '&' | ';' | '<' | '>' | '(' | ')';
const OPERATORS: readonly Operator[] = ['&&', '||', ';;', '<<-', '<<', '>>', '<&', '>&', '<>', '>|', '|', '&', ';', '<', '>', '(', ')'];

export type Token =
  | { type: 'word'; word: Word; line: number; heredoc?: Word }
  | { type: 'op'; op: Operator; line: number }
  /** IO_NUMBER: digits right before `<` or `>`. */
  | { type: 'io'; fd: number; line: number }
  | { type: 'newline'; line: number }
  | { type: 'eof'; line: number };

/** Parses the body of a command substitution; injected by the parser so the two stay acyclic. */
export type SubParser = (source: string, line: number) => Script;

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\r';
const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
const SPECIAL_PARAMS = '?#@*$!-0123456789';

export function tokenize(src: string, parseSub: SubParser, firstLine = 1): Token[] {
  return new Lexer(src, parseSub, firstLine).run();
}

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];
  private pendingHeredocs: { token: Extract<Token, { type: 'word' }>; strip: boolean }[] = [];
  private readonly newlines: number[] = [];

  constructor(
    private readonly src: string,
    private readonly parseSub: SubParser,
    private readonly firstLine: number,
  ) {
    for (let i = 0; i < src.length; i++) if (src[i] === '\n') this.newlines.push(i);
  }

  private line(pos = this.pos): number {
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return this.firstLine + lo;
  }

  private error(message: string, pos = this.pos): never {
    throw new ShSyntaxError(message, this.line(pos));
  }

  run(): Token[] {
    const { src } = this;
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) break;
      if (isBlank(c)) {
        this.pos++;
      } else if (c === '\\' && src[this.pos + 1] === '\n') {
        this.pos += 2;
      } else if (c === '#') {
        while (this.pos < src.length && src[this.pos] !== '\n') this.pos++;
      } else if (c === '\n') {
        this.tokens.push({ type: 'newline', line: this.line() });
        this.pos++;
        this.readHeredocBodies();
      } else {
        const op = OPERATORS.find((o) => src.startsWith(o, this.pos));
        if (op) {
          this.tokens.push({ type: 'op', op, line: this.line() });
          this.pos += op.length;
          if (op === '<<' || op === '<<-') this.expectHeredocDelimiter(op === '<<-');
          continue;
        }
        const digits = /^[0-9]+(?=[<>])/.exec(src.slice(this.pos, this.pos + 12));
        if (digits) {
          this.tokens.push({ type: 'io', fd: Number(digits[0]), line: this.line() });
          this.pos += digits[0].length;
          continue;
        }
        const line = this.line();
        this.tokens.push({ type: 'word', word: this.readWord('top'), line });
      }
    }
    if (this.pendingHeredocs.length > 0) this.readHeredocBodies();
    this.tokens.push({ type: 'eof', line: this.line() });
    return this.tokens;
  }

  private expectHeredocDelimiter(strip: boolean): void {
    while (isBlank(this.src[this.pos] ?? '')) this.pos++;
    const c = this.src[this.pos];
    if (c === undefined || c === '\n' || '|&;<>()'.includes(c)) this.error('here-document needs a delimiter');
    const token = { type: 'word' as const, word: this.readWord('top'), line: this.line() };
    this.tokens.push(token);
    this.pendingHeredocs.push({ token, strip });
  }

  private readHeredocBodies(): void {
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const { token, strip } of pending) {
      const delimiter = token.word.parts.map((p) => (p.type === 'lit' ? p.value : '')).join('');
      const quoted = token.word.parts.some((p) => p.type === 'lit' && p.quoted);
      const start = this.pos;
      let body = '';
      for (;;) {
        if (this.pos >= this.src.length) this.error(`here-document delimited by '${delimiter}' is not closed`, start);
        let end = this.src.indexOf('\n', this.pos);
        if (end < 0) end = this.src.length;
        let text = this.src.slice(this.pos, end);
        this.pos = Math.min(end + 1, this.src.length);
        if (strip) text = text.replace(/^\t+/, '');
        if (text === delimiter) break;
        body += text + '\n';
      }
      token.heredoc = quoted
        ? { parts: [{ type: 'lit', value: body, quoted: true }], raw: body }
        : new Lexer(body, this.parseSub, this.line(start)).readHeredocText();
    }
  }

  /** The whole source as an unquoted here-document body: `$` and `\` work as inside double quotes. */
  readHeredocText(): Word {
    const parts: WordPart[] = [];
    this.readDoubleQuoted(parts, true);
    return { parts, raw: this.src };
  }

  /** A word, stopping at a metacharacter ('top') or at the `}` closing `${…}` ('brace'). */
  private readWord(mode: 'top' | 'brace'): Word {
    const { src } = this;
    const start = this.pos;
    const parts: WordPart[] = [];
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) {
        if (mode === 'brace') this.error("missing '}'", start);
        break;
      }
      if (mode === 'top' && (isBlank(c) || c === '\n' || '|&;<>()'.includes(c))) break;
      if (mode === 'brace' && c === '}') break;
      if (c === '\\') {
        const next = src[this.pos + 1];
        if (next === '\n') this.pos += 2;
        else if (next === undefined) {
          pushLit(parts, '\\', false);
          this.pos++;
        } else {
          pushLit(parts, next, true);
          this.pos += 2;
        }
      } else if (c === "'") {
        const end = src.indexOf("'", this.pos + 1);
        if (end < 0) this.error('unterminated single quote', this.pos);
        pushLit(parts, src.slice(this.pos + 1, end), true);
        this.pos = end + 1;
      } else if (c === '"') {
        const open = this.pos;
        const before = parts.length;
        this.pos++;
        this.readDoubleQuoted(parts, false);
        // `""` still makes a field; `"$@"` alone must not when there are no parameters.
        if (parts.length === before) pushLit(parts, '', true);
        if (src[this.pos] !== '"') this.error('unterminated double quote', open);
        this.pos++;
      } else if (c === '$') {
        this.readDollar(parts, false);
      } else if (c === '`') {
        this.readBackquote(parts, false);
      } else {
        pushLit(parts, c, false);
        this.pos++;
      }
    }
    return { parts, raw: src.slice(start, this.pos) };
  }

  /** Inside double quotes (or a here-document body when `heredoc`): up to the closing quote or the end. */
  private readDoubleQuoted(parts: WordPart[], heredoc: boolean): void {
    const { src } = this;
    for (;;) {
      const c = src[this.pos];
      if (c === undefined || (c === '"' && !heredoc)) return;
      if (c === '\\') {
        const next = src[this.pos + 1];
        if (next === '\n') {
          this.pos += 2;
        } else if (next !== undefined && (next === '$' || next === '`' || next === '\\' || (next === '"' && !heredoc))) {
          pushLit(parts, next, true);
          this.pos += 2;
        } else {
          pushLit(parts, '\\', true);
          this.pos++;
        }
      } else if (c === '$') {
        this.readDollar(parts, true);
      } else if (c === '`') {
        this.readBackquote(parts, true);
      } else {
        pushLit(parts, c, true);
        this.pos++;
      }
    }
  }

  private readDollar(parts: WordPart[], quoted: boolean): void {
    const { src } = this;
    const start = this.pos;
    const next = src[this.pos + 1];
    if (next === '{') {
      this.pos += 2;
      parts.push(this.readBraceParam(quoted, start));
    } else if (next === '(') {
      if (src[this.pos + 2] === '(') {
        const end = this.findArithEnd(this.pos + 3);
        if (end >= 0) {
          const expr = new Lexer(src.slice(this.pos + 3, end), this.parseSub, this.line()).readHeredocText();
          parts.push({ type: 'arith', expr, quoted });
          this.pos = end + 2;
          return;
        }
      }
      const end = this.findParenEnd(this.pos + 2);
      const body = this.parseSub(src.slice(this.pos + 2, end), this.line(this.pos));
      parts.push({ type: 'cmdsub', body, quoted });
      this.pos = end + 1;
    } else if (next !== undefined && SPECIAL_PARAMS.includes(next)) {
      parts.push({ type: 'param', name: next, quoted });
      this.pos += 2;
    } else if (isNameStart(next)) {
      let end = this.pos + 1;
      while (isNameChar(src[end])) end++;
      parts.push({ type: 'param', name: src.slice(this.pos + 1, end), quoted });
      this.pos = end;
    } else {
      pushLit(parts, '$', quoted);
      this.pos++;
    }
  }

  /** After `${`: `name}`, `#name}`, or `name` OP word `}`. */
  private readBraceParam(quoted: boolean, start: number): WordPart {
    const { src } = this;
    let length = false;
    if (src[this.pos] === '#' && src[this.pos + 1] !== '}' && (isNameStart(src[this.pos + 1]) || SPECIAL_PARAMS.includes(src[this.pos + 1] ?? '}'))) {
      length = true;
      this.pos++;
    }
    let name: string;
    if (isNameStart(src[this.pos])) {
      let end = this.pos;
      while (isNameChar(src[end])) end++;
      name = src.slice(this.pos, end);
      this.pos = end;
    } else if (/[0-9]/.test(src[this.pos] ?? '')) {
      let end = this.pos;
      while (/[0-9]/.test(src[end] ?? '')) end++;
      name = src.slice(this.pos, end);
      this.pos = end;
    } else if (src[this.pos] !== undefined && SPECIAL_PARAMS.includes(src[this.pos]!)) {
      name = src[this.pos]!;
      this.pos++;
    } else {
      this.error('bad substitution', start);
    }
    if (length) {
      if (src[this.pos] !== '}') this.error('bad substitution', start);
      this.pos++;
      return { type: 'param', name, quoted, op: 'length' };
    }
    if (src[this.pos] === '}') {
      this.pos++;
      return { type: 'param', name, quoted };
    }
    if (this.pos >= src.length) this.error("missing '}'", start);
    const op = (['##', '%%', ':-', ':=', ':+', ':?', '-', '=', '+', '?', '#', '%'] as const).find((o) => src.startsWith(o, this.pos));
    if (!op) this.error('bad substitution', start);
    this.pos += op.length;
    const arg = this.readWord('brace');
    this.pos++; // the '}' (readWord('brace') fails without one)
    if (quoted) for (const part of arg.parts) part.quoted = true;
    return { type: 'param', name, quoted, op: op as ParamOp, arg };
  }

  /** `$((…))`: the position of the closing `))`, or -1 when this is `$( (…) … )` instead. */
  private findArithEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth > 0) depth--;
        else return this.src[i + 1] === ')' ? i : -1;
      }
    }
    this.error('unterminated $((', from - 3);
  }

  /** The `)` that closes a `$(` whose body starts at `from`, skipping quoted text and nested substitutions. */
  private findParenEnd(from: number): number {
    const { src } = this;
    let depth = 0;
    for (let i = from; i < src.length; i++) {
      const c = src[i];
      if (c === '\\') i++;
      else if (c === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) break;
        i = end;
      } else if (c === '"') {
        i = this.skipDoubleQuoted(i + 1);
        if (i < 0) break;
      } else if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) return i;
        depth--;
      }
    }
    this.error("unterminated '$('", from - 2);
  }

  /** From inside a double-quoted string: the position of its closing quote, or -1. */
  private skipDoubleQuoted(from: number): number {
    const { src } = this;
    for (let i = from; i < src.length; i++) {
      const c = src[i];
      if (c === '"') return i;
      if (c === '\\') i++;
      else if (c === '$' && src[i + 1] === '(') i = this.findParenEnd(i + 2);
      else if (c === '`') {
        i = src.indexOf('`', i + 1);
        if (i < 0) return -1;
      }
    }
    return -1;
  }

  private readBackquote(parts: WordPart[], quoted: boolean): void {
    const { src } = this;
    const start = this.pos;
    let body = '';
    let i = this.pos + 1;
    for (; i < src.length && src[i] !== '`'; i++) {
      if (src[i] === '\\' && (src[i + 1] === '`' || src[i + 1] === '\\' || src[i + 1] === '$')) i++;
      body += src[i];
    }
    if (i >= src.length) this.error('unterminated backquote', start);
    parts.push({ type: 'cmdsub', body: this.parseSub(body, this.line(start)), quoted });
    this.pos = i + 1;
  }
}

function pushLit(parts: WordPart[], value: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last?.type === 'lit' && last.quoted === quoted) last.value += value;
  else parts.push({ type: 'lit', value, quoted });
}
