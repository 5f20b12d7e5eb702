/**
 * Recursive-descent parser for the shell grammar (POSIX XCU 2.10, a subset): lists with `;` and
 * newlines, `&&`/`||`, pipelines with `!`, simple commands with assignments and redirections,
 * `if`, `while`/`until`, `for`, `case`, `{ …; }`, `( … )` and `name() compound`.
 * Background jobs (`&`) are refused: the OS runs one foreground job.
 *
 * @example
 *   parse('a | b && c') // → an AndOr of a two-stage Pipeline and `c`
 */
import type { AndOr, Assignment, CaseCommand, Command, ForCommand, IfCommand, List, Pipeline, Redirect, RedirOp, Script, SimpleCommand, Word } from './ast.js';
import { ShSyntaxError, tokenize } from './lexer.js';
import type { Operator, Token } from './lexer.js';

export { ShSyntaxError } from './lexer.js';

/** Parses a whole script. Throws `ShSyntaxError` (the shell exits 2). */
export function parse(source: string, firstLine = 1): Script {
  return new Parser(tokenize(source, (sub, line) => parse(sub, line), firstLine)).script();
}

const REDIR_OPS: ReadonlySet<string> = new Set(['<', '>', '>>', '>|', '<>', '<&', '>&', '<<', '<<-']);
/** Words that end a list: the parser stops there and the enclosing construct checks which it is. */
const LIST_TERMINATORS: ReadonlySet<string> = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
const RESERVED: ReadonlySet<string> = new Set([...LIST_TERMINATORS, 'if', 'while', 'until', 'for', 'case', 'in', '{', '!']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A word's text when it is a plain unquoted literal (how reserved words must appear). */
function plain(token: Token): string | undefined {
  if (token.type !== 'word') return undefined;
  const parts = token.word.parts;
  return parts.length === 1 && parts[0]!.type === 'lit' && !parts[0]!.quoted ? parts[0]!.value : undefined;
}

function describe(token: Token): string {
  switch (token.type) {
    case 'word':
      return `'${token.word.raw}'`;
    case 'op':
      return `'${token.op}'`;
    case 'io':
      return `'${token.fd}'`;
    case 'newline':
      return 'newline';
    case 'eof':
      return 'end of file';
  }
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private get tok(): Token {
    return this.tokens[this.i]!;
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }
  private isOp(op: Operator, token = this.tok): boolean {
    return token.type === 'op' && token.op === op;
  }
  private isWord(word: string, token = this.tok): boolean {
    return plain(token) === word;
  }
  private fail(message: string, token = this.tok): never {
    throw new ShSyntaxError(message, token.line);
  }
  private unexpected(): never {
    this.fail(`unexpected ${describe(this.tok)}`);
  }
  private expectWord(word: string, construct: string): void {
    if (!this.isWord(word)) this.fail(`expected '${word}' ${construct}, found ${describe(this.tok)}`);
    this.i++;
  }
  private skipNewlines(): void {
    while (this.tok.type === 'newline') this.i++;
  }

  script(): Script {
    const list = this.list();
    if (this.tok.type !== 'eof') this.unexpected();
    return list;
  }

  /** AndOrs separated by `;`/newlines, up to a terminator word, `)`, `;;` or the end. */
  private list(): List {
    const items: AndOr[] = [];
    this.skipNewlines();
    for (;;) {
      const t = this.tok;
      if (t.type === 'eof' || this.isOp(')') || this.isOp(';;')) break;
      const word = plain(t);
      if (word !== undefined && LIST_TERMINATORS.has(word)) break;
      const item = this.andOr();
      items.push(item);
      if (this.isOp('&')) {
        item.background = true;
        this.i++;
        this.skipNewlines();
        continue;
      }
      if (this.isOp(';') || this.tok.type === 'newline') {
        this.i++;
        this.skipNewlines();
      } else break;
    }
    return { type: 'list', items };
  }

  /** A list that must not be empty (POSIX compound_list). */
  private compoundList(construct: string): List {
    const list = this.list();
    if (list.items.length === 0) this.fail(`empty ${construct}: expected a command, found ${describe(this.tok)}`);
    return list;
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.tok as { op: '&&' | '||' }).op;
      this.i++;
      this.skipNewlines();
      rest.push({ op, pipeline: this.pipeline() });
    }
    return { type: 'andor', first, rest };
  }

  private pipeline(): Pipeline {
    let bang = false;
    if (this.isWord('!')) {
      bang = true;
      this.i++;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.i++;
      this.skipNewlines();
      commands.push(this.command());
    }
    return { type: 'pipeline', bang, commands };
  }

  private command(): Command {
    const t = this.tok;
    const word = plain(t);
    if (this.isOp('(')) {
      this.i++;
      const body = this.compoundList('subshell');
      if (!this.isOp(')')) this.fail(`expected ')' to close the subshell, found ${describe(this.tok)}`);
      this.i++;
      return { type: 'subshell', body, redirects: this.redirects() };
    }
    switch (word) {
      case 'if':
        return this.ifCommand();
      case 'while':
      case 'until': {
        this.i++;
        const cond = this.compoundList(`${word} condition`);
        this.expectWord('do', `after the ${word} condition`);
        const body = this.compoundList(`${word} body`);
        this.expectWord('done', `to close the ${word} loop`);
        return { type: 'while', until: word === 'until', cond, body, redirects: this.redirects() };
      }
      case 'for':
        return this.forCommand();
      case 'case':
        return this.caseCommand();
      case '{': {
        this.i++;
        const body = this.compoundList('group');
        this.expectWord('}', 'to close the group');
        return { type: 'group', body, redirects: this.redirects() };
      }
    }
    if (word !== undefined && RESERVED.has(word)) this.unexpected();
    if (t.type === 'word' && this.isOp('(', this.peek()) && this.isOp(')', this.peek(2))) {
      if (!NAME.test(t.word.raw)) this.fail(`bad function name '${t.word.raw}'`);
      this.i += 3;
      this.skipNewlines();
      const body = this.command();
      if (body.type === 'simple' || body.type === 'function') this.fail(`the body of function '${t.word.raw}' must be a compound command`, t);
      return { type: 'function', name: t.word.raw, body };
    }
    return this.simple();
  }

  private ifCommand(): IfCommand {
    this.i++;
    const clauses: IfCommand['clauses'] = [];
    let elseList: List | undefined;
    for (;;) {
      const cond = this.compoundList('if condition');
      this.expectWord('then', 'after the if condition');
      clauses.push({ cond, then: this.compoundList('then branch') });
      if (this.isWord('elif')) {
        this.i++;
        continue;
      }
      if (this.isWord('else')) {
        this.i++;
        elseList = this.compoundList('else branch');
      }
      this.expectWord('fi', 'to close the if');
      break;
    }
    const node: IfCommand = { type: 'if', clauses, redirects: this.redirects() };
    if (elseList) node.else = elseList;
    return node;
  }

  private forCommand(): ForCommand {
    this.i++;
    const name = plain(this.tok);
    if (name === undefined || !NAME.test(name)) this.fail(`bad for loop variable ${describe(this.tok)}`);
    this.i++;
    let items: Word[] | null = null;
    this.skipNewlines();
    if (this.isWord('in')) {
      this.i++;
      items = [];
      while (this.tok.type === 'word') {
        items.push(this.tok.word);
        this.i++;
      }
      if (!this.isOp(';') && this.tok.type !== 'newline') this.fail(`expected ';' or newline after the for list, found ${describe(this.tok)}`);
      this.i++;
    } else if (this.isOp(';')) this.i++;
    this.skipNewlines();
    this.expectWord('do', 'in the for loop');
    const body = this.compoundList('for body');
    this.expectWord('done', 'to close the for loop');
    return { type: 'for', name, items, body, redirects: this.redirects() };
  }

  private caseCommand(): CaseCommand {
    this.i++;
    const t = this.tok;
    if (t.type !== 'word') this.fail(`expected a word after 'case', found ${describe(t)}`);
    const subject = t.word;
    this.i++;
    this.skipNewlines();
    this.expectWord('in', "after the case word");
    this.skipNewlines();
    const items: CaseCommand['items'] = [];
    while (!this.isWord('esac')) {
      if (this.isOp('(')) this.i++;
      const patterns: Word[] = [];
      for (;;) {
        const p = this.tok;
        if (p.type !== 'word') this.fail(`expected a case pattern, found ${describe(p)}`);
        patterns.push(p.word);
        this.i++;
        if (!this.isOp('|')) break;
        this.i++;
      }
      if (!this.isOp(')')) this.fail(`expected ')' after the case pattern, found ${describe(this.tok)}`);
      this.i++;
      const list = this.list();
      items.push({ patterns, body: list.items.length > 0 ? list : null });
      if (this.isOp(';;')) {
        this.i++;
        this.skipNewlines();
      } else if (!this.isWord('esac')) this.fail(`expected ';;' or 'esac', found ${describe(this.tok)}`);
    }
    this.i++;
    return { type: 'case', subject, items, redirects: this.redirects() };
  }

  private simple(): SimpleCommand {
    const cmd: SimpleCommand = { type: 'simple', assigns: [], words: [], redirects: [] };
    for (;;) {
      const t = this.tok;
      if (t.type === 'io' || (t.type === 'op' && REDIR_OPS.has(t.op))) {
        cmd.redirects.push(this.redirect());
      } else if (t.type === 'word') {
        const assign = cmd.words.length === 0 ? asAssignment(t.word) : undefined;
        if (assign) cmd.assigns.push(assign);
        else cmd.words.push(t.word);
        this.i++;
      } else break;
    }
    if (cmd.assigns.length === 0 && cmd.words.length === 0 && cmd.redirects.length === 0) this.unexpected();
    return cmd;
  }

  private redirects(): Redirect[] {
    const list: Redirect[] = [];
    while (this.tok.type === 'io' || (this.tok.type === 'op' && REDIR_OPS.has(this.tok.op))) list.push(this.redirect());
    return list;
  }

  private redirect(): Redirect {
    let fd: number | undefined;
    if (this.tok.type === 'io') {
      fd = this.tok.fd;
      this.i++;
    }
    const opTok = this.tok;
    if (opTok.type !== 'op' || !REDIR_OPS.has(opTok.op)) this.fail(`expected a redirection operator after '${fd}', found ${describe(opTok)}`);
    const op = opTok.op as RedirOp;
    this.i++;
    const target = this.tok;
    if (target.type !== 'word') this.fail(`expected a file name after '${op}', found ${describe(target)}`);
    this.i++;
    const redirect: Redirect = { fd: fd ?? (op[0] === '<' ? 0 : 1), op, target: target.word };
    if (op === '<<' || op === '<<-') redirect.body = target.heredoc ?? { parts: [], raw: '' };
    return redirect;
  }
}

function asAssignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (first?.type !== 'lit' || first.quoted) return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.value);
  if (!m) return undefined;
  const rest = first.value.slice(m[0].length);
  const parts = [...(rest ? [{ ...first, value: rest }] : []), ...word.parts.slice(1)];
  return { name: m[1]!, value: { parts, raw: word.raw.slice(m[0].length) } };
}
