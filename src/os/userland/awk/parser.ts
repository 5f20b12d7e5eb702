/**
 * Recursive-descent parser for the POSIX awk grammar. Precedence, lowest first: ?:, ||, &&, in,
 * ~ !~, comparisons, concatenation, + -, * / %, unary + - !, ^, ++ --, $, grouping; assignment
 * is right-associative and binds loosest.
 */
import type { ArrayRef, AwkProgram, Expr, FunctionDef, LValue, Pattern, Redirect, Rule, Stmt } from './ast.js';
import { AwkSyntaxError, tokenize } from './lexer.js';
import type { Token } from './lexer.js';

interface ExprContext {
  /** Inside print's argument list: an unparenthesized `>` is a redirection. */
  noGt?: boolean;
  /** In a for(;;) init: `in` is not an operator (only matters for `for ((a) in b)`). */
  noIn?: boolean;
}

export class Parser {
  private pos = 0;
  private readonly tokens: Token[];
  /** Parameters of the function being parsed: name → frame index. */
  private locals: Map<string, number> | null = null;
  private loopDepth = 0;
  /** Recursion depth of the parser itself, bounded like the tree (MAX_NESTING). */
  private nesting = 0;
  private readonly calls: { name: string; line: number }[] = [];

  constructor(source: string) {
    this.tokens = tokenize(source);
  }

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }
  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }
  private is(value: string, type?: Token['type']): boolean {
    const t = this.tok;
    return t.value === value && (type ? t.type === type : t.type === 'punct' || t.type === 'keyword');
  }
  private fail(message?: string): never {
    const t = this.tok;
    const near = t.type === 'eof' ? 'end of program' : t.type === 'newline' ? 'end of line' : `'${t.value}'`;
    throw new AwkSyntaxError(`syntax error at source line ${t.line}: ${message ?? `unexpected ${near}`}`);
  }
  private expect(value: string): Token {
    if (!this.is(value)) this.fail(`expected '${value}' near ${this.tok.type === 'eof' ? 'end of program' : `'${this.tok.value.replace('\n', '\\n')}'`}`);
    return this.tokens[this.pos++]!;
  }
  private accept(value: string): boolean {
    if (!this.is(value)) return false;
    this.pos++;
    return true;
  }
  private skipNewlines(): void {
    while (this.tok.type === 'newline') this.pos++;
  }
  private skipTerminators(): void {
    while (this.tok.type === 'newline' || this.is(';')) this.pos++;
  }

  parse(): AwkProgram {
    const rules: Rule[] = [];
    const functions = new Map<string, FunctionDef>();
    this.skipTerminators();
    while (this.tok.type !== 'eof') {
      if (this.is('function')) {
        const f = this.functionDef();
        if (functions.has(f.name)) this.fail(`function ${f.name} defined twice`);
        functions.set(f.name, f);
      } else rules.push(this.rule());
      this.skipTerminators();
    }
    for (const call of this.calls) {
      if (!functions.has(call.name)) throw new AwkSyntaxError(`calling undefined function ${call.name} (source line ${call.line})`);
    }
    return { rules, functions };
  }

  private functionDef(): FunctionDef {
    this.pos++;
    const nameTok = this.tok;
    if (nameTok.type !== 'name' && nameTok.type !== 'funcname') this.fail('expected a function name');
    this.pos++;
    this.expect('(');
    const params: string[] = [];
    this.locals = new Map();
    while (!this.is(')')) {
      const t = this.tok;
      if (t.type !== 'name') this.fail('expected a parameter name');
      if (this.locals.has(t.value)) this.fail(`duplicate parameter ${t.value}`);
      this.locals.set(t.value, params.length);
      params.push(t.value);
      this.pos++;
      if (!this.is(')')) {
        this.expect(',');
        this.skipNewlines();
      }
    }
    this.pos++;
    this.skipNewlines();
    const body = this.block();
    this.locals = null;
    return { name: nameTok.value, params, body };
  }

  private rule(): Rule {
    let pattern: Pattern;
    if (this.accept('BEGIN')) pattern = { type: 'BEGIN' };
    else if (this.accept('END')) pattern = { type: 'END' };
    else if (this.is('{')) pattern = { type: 'all' };
    else {
      const from = this.expr();
      if (this.accept(',')) {
        this.skipNewlines();
        pattern = { type: 'range', from, to: this.expr() };
      } else pattern = { type: 'expr', expr: from };
    }
    if ((pattern.type === 'BEGIN' || pattern.type === 'END') && !this.is('{')) this.fail(`${pattern.type} needs an action`);
    const action = this.is('{') ? this.block() : null;
    return { pattern, action };
  }

  private block(): Stmt[] {
    this.expect('{');
    const body: Stmt[] = [];
    this.skipTerminators();
    while (!this.is('}')) {
      if (this.tok.type === 'eof') this.fail('missing }');
      body.push(this.statement());
      this.skipTerminators();
    }
    this.pos++;
    return body;
  }

  /** After a simple statement: `;`, a newline, or (unconsumed) `}` / end. */
  private endSimple(): void {
    if (this.is(';') || this.tok.type === 'newline') this.pos++;
    else if (!this.is('}') && this.tok.type !== 'eof') this.fail();
  }

  /** A statement body after `)`, `else` or `do`: newlines may come first; `;` alone is empty. */
  private body(): Stmt {
    this.skipNewlines();
    if (this.accept(';')) return { type: 'block', body: [] };
    return this.statement();
  }

  private loop(): Stmt {
    this.loopDepth++;
    try {
      return this.body();
    } finally {
      this.loopDepth--;
    }
  }

  private statement(): Stmt {
    return this.nested(() => this.statementInner());
  }

  private statementInner(): Stmt {
    const t = this.tok;
    if (this.is('{')) return { type: 'block', body: this.block() };
    if (t.type === 'keyword') {
      switch (t.value) {
        case 'if': {
          this.pos++;
          this.expect('(');
          const test = this.expr();
          this.expect(')');
          const then = this.body();
          const save = this.pos;
          this.skipTerminators();
          if (this.accept('else')) return { type: 'if', test, then, else: this.body() };
          this.pos = save;
          return { type: 'if', test, then, else: null };
        }
        case 'while': {
          this.pos++;
          this.expect('(');
          const test = this.expr();
          this.expect(')');
          if (this.is(';')) {
            this.pos++;
            return { type: 'while', test, body: { type: 'block', body: [] } };
          }
          return { type: 'while', test, body: this.loop() };
        }
        case 'do': {
          this.pos++;
          const body = this.loop();
          this.skipTerminators();
          this.expect('while');
          this.expect('(');
          const test = this.expr();
          this.expect(')');
          this.endSimple();
          return { type: 'do', body, test };
        }
        case 'for':
          return this.forStatement();
        case 'break':
        case 'continue':
          if (this.loopDepth === 0) this.fail(`${t.value} outside a loop`);
          this.pos++;
          this.endSimple();
          return { type: t.value };
        case 'next':
        case 'nextfile':
          this.pos++;
          this.endSimple();
          return { type: t.value };
        case 'exit': {
          this.pos++;
          const code = this.atSimpleEnd() ? null : this.expr();
          this.endSimple();
          return { type: 'exit', code };
        }
        case 'return': {
          if (!this.locals) this.fail('return outside a function');
          this.pos++;
          const value = this.atSimpleEnd() ? null : this.expr();
          this.endSimple();
          return { type: 'return', value };
        }
        case 'delete': {
          this.pos++;
          const name = this.tok;
          if (name.type !== 'name') this.fail('expected an array name after delete');
          this.pos++;
          const array = this.arrayRef(name.value);
          let subscripts: Expr[] | null = null;
          if (this.accept('[')) {
            subscripts = this.exprList(']');
            this.expect(']');
          }
          this.endSimple();
          return { type: 'delete', array, subscripts };
        }
        case 'print':
        case 'printf': {
          const s = this.printStatement(t.value);
          this.endSimple();
          return s;
        }
      }
    }
    const s = this.simpleStatement();
    this.endSimple();
    return s;
  }

  private atSimpleEnd(): boolean {
    return this.is(';') || this.is('}') || this.tok.type === 'newline' || this.tok.type === 'eof';
  }

  private simpleStatement(): Stmt {
    if (this.is('print') || this.is('printf')) return this.printStatement(this.tok.value);
    return { type: 'expr', expr: this.expr() };
  }

  private forStatement(): Stmt {
    this.pos++;
    this.expect('(');
    // for (k in a)
    const t0 = this.tok;
    if (t0.type === 'name' && this.peek().value === 'in' && this.peek(2).type === 'name' && this.peek(3).value === ')') {
      this.pos += 3;
      const array = this.arrayRef(this.tokens[this.pos - 1]!.value);
      this.pos++;
      return { type: 'forin', key: this.variable(t0.value), array, body: this.loop() };
    }
    const init = this.is(';') ? null : this.simpleStatement();
    this.expect(';');
    this.skipNewlines();
    const test = this.is(';') ? null : this.expr();
    this.expect(';');
    this.skipNewlines();
    const step = this.is(')') ? null : this.simpleStatement();
    this.expect(')');
    if (this.is(';')) {
      this.pos++;
      return { type: 'for', init, test, step, body: { type: 'block', body: [] } };
    }
    return { type: 'for', init, test, step, body: this.loop() };
  }

  private printStatement(kind: string): Stmt {
    this.pos++;
    let args: Expr[] = [];
    // print (a, b) > "f": a parenthesized list; otherwise `(` starts an ordinary expression.
    if (this.is('(')) {
      const save = this.pos;
      this.pos++;
      const list = this.exprList(')');
      if (this.accept(')') && (list.length > 1 || kind === 'printf') && (this.atSimpleEnd() || this.is('>') || this.is('>>') || this.is('|'))) args = list;
      else {
        this.pos = save;
        args = this.exprList(null, { noGt: true });
      }
    } else if (!this.atSimpleEnd() && !this.is('>') && !this.is('>>') && !this.is('|')) {
      args = this.exprList(null, { noGt: true });
    }
    let redirect: Redirect | null = null;
    if (this.is('>') || this.is('>>') || this.is('|')) {
      const mode = this.tok.value as '>' | '>>' | '|';
      this.pos++;
      redirect = { mode, target: this.concatExpr({ noGt: true }) };
    }
    if (kind === 'printf') {
      if (args.length === 0) this.fail('printf needs a format');
      return { type: 'printf', args, redirect };
    }
    return { type: 'print', args, redirect };
  }

  private exprList(close: string | null, ctx: ExprContext = {}): Expr[] {
    const list: Expr[] = [];
    if (close && this.is(close)) return list;
    for (;;) {
      list.push(this.expr(ctx));
      if (!this.accept(',')) return list;
      this.skipNewlines();
    }
  }

  private variable(name: string): Extract<Expr, { type: 'var' }> {
    return { type: 'var', name, local: this.locals?.get(name) ?? -1 };
  }
  private arrayRef(name: string): ArrayRef {
    return { name, local: this.locals?.get(name) ?? -1 };
  }

  // --- expressions ---

  expr(ctx: ExprContext = {}): Expr {
    return this.nested(() => this.ternary(ctx));
  }

  private nested<T>(parse: () => T): T {
    if (++this.nesting > MAX_NESTING) this.fail(`program nested too deeply (more than ${MAX_NESTING} levels)`);
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  private ternary(ctx: ExprContext): Expr {
    const test = this.or(ctx);
    if (this.is('?')) {
      this.pos++;
      this.skipNewlines();
      const then = this.ternary(ctx);
      this.skipNewlines();
      this.expect(':');
      this.skipNewlines();
      return { type: 'cond', test, then, else: this.ternary(ctx) };
    }
    if (this.tok.type === 'punct' && ['=', '+=', '-=', '*=', '/=', '%=', '^='].includes(this.tok.value)) {
      if (!isLValue(test)) {
        // `/=` right after an operand cannot start an ERE, so only a real lvalue may precede it.
        this.fail('assignment to a non-variable');
      }
      const op = this.tok.value;
      this.pos++;
      this.skipNewlines();
      return { type: 'assign', op, target: test, value: this.ternary(ctx) };
    }
    return test;
  }

  private or(ctx: ExprContext): Expr {
    let left = this.and(ctx);
    while (this.is('||')) {
      this.pos++;
      this.skipNewlines();
      left = { type: 'or', left, right: this.and(ctx) };
    }
    return left;
  }

  private and(ctx: ExprContext): Expr {
    let left = this.inExpr(ctx);
    while (this.is('&&')) {
      this.pos++;
      this.skipNewlines();
      left = { type: 'and', left, right: this.inExpr(ctx) };
    }
    return left;
  }

  private inExpr(ctx: ExprContext): Expr {
    let left = this.matchExpr(ctx);
    while (!ctx.noIn && this.is('in')) {
      this.pos++;
      const name = this.tok;
      if (name.type !== 'name') this.fail('expected an array name after in');
      this.pos++;
      left = { type: 'in', subscripts: [left], array: this.arrayRef(name.value) };
    }
    return left;
  }

  private matchExpr(ctx: ExprContext): Expr {
    let left = this.comparison(ctx);
    while (this.is('~') || this.is('!~')) {
      const negate = this.tok.value === '!~';
      this.pos++;
      left = { type: 'match', negate, left, right: this.comparison(ctx) };
    }
    return left;
  }

  private comparison(ctx: ExprContext): Expr {
    let left = this.concatExpr(ctx);
    // "command" | getline [var]: the command is a concatenation, and the result may be compared.
    while (this.is('|') && this.peek().value === 'getline') {
      this.pos++;
      const g = this.getline() as Extract<Expr, { type: 'getline' }>;
      if (g.file) this.fail('getline cannot read from both a command and a file');
      left = { ...g, command: left };
    }
    const t = this.tok;
    if (t.type === 'punct' && ['<', '<=', '==', '!=', '>', '>='].includes(t.value) && !(ctx.noGt && t.value === '>')) {
      this.pos++;
      return { type: 'compare', op: t.value as '<', left, right: this.concatExpr(ctx) };
    }
    return left;
  }

  private startsConcatOperand(): boolean {
    const t = this.tok;
    switch (t.type) {
      case 'number': case 'string': case 'ere': case 'name': case 'funcname': case 'builtin':
        return true;
      case 'punct':
        return t.value === '$' || t.value === '(' || t.value === '!' || t.value === '-' || t.value === '+' || t.value === '++' || t.value === '--';
      default:
        return false;
    }
  }

  concatExpr(ctx: ExprContext): Expr {
    let left = this.additive(ctx);
    // `a -1` is subtraction and `a !b` is not awk; only other operand starts concatenate.
    while (this.startsConcatOperand() && !this.is('-') && !this.is('+') && !this.is('!')) {
      left = { type: 'concat', left, right: this.additive(ctx) };
    }
    return left;
  }

  private additive(ctx: ExprContext): Expr {
    let left = this.multiplicative(ctx);
    while (this.is('+') || this.is('-')) {
      const op = this.tok.value as '+';
      this.pos++;
      left = { type: 'binary', op, left, right: this.multiplicative(ctx) };
    }
    return left;
  }

  private multiplicative(ctx: ExprContext): Expr {
    let left = this.unary(ctx);
    while (this.is('*') || this.is('/') || this.is('%')) {
      const op = this.tok.value as '*';
      this.pos++;
      left = { type: 'binary', op, left, right: this.unary(ctx) };
    }
    return left;
  }

  private unary(ctx: ExprContext): Expr {
    return this.nested(() => this.unaryInner(ctx));
  }

  private unaryInner(ctx: ExprContext): Expr {
    if (this.is('!')) {
      this.pos++;
      return { type: 'not', operand: this.unary(ctx) };
    }
    if (this.is('-')) {
      this.pos++;
      return { type: 'neg', operand: this.unary(ctx) };
    }
    if (this.is('+')) {
      this.pos++;
      return { type: 'plus', operand: this.unary(ctx) };
    }
    return this.power(ctx);
  }

  private power(ctx: ExprContext): Expr {
    const base = this.incdec(ctx);
    if (this.is('^')) {
      this.pos++;
      // Right-associative, and the exponent may carry a sign: 2^-1.
      const exponent = this.is('-') || this.is('+') || this.is('!') ? this.unary(ctx) : this.power(ctx);
      return { type: 'binary', op: '^', left: base, right: exponent };
    }
    return base;
  }

  private incdec(ctx: ExprContext): Expr {
    if (this.is('++') || this.is('--')) {
      const op = this.tok.value as '++';
      this.pos++;
      const target = this.incdec(ctx);
      if (!isLValue(target)) this.fail(`${op} needs a variable`);
      return { type: 'incr', op, prefix: true, target };
    }
    const e = this.primary(ctx);
    if (isLValue(e) && (this.is('++') || this.is('--'))) {
      const op = this.tok.value as '++';
      this.pos++;
      return { type: 'incr', op, prefix: false, target: e };
    }
    return e;
  }

  private primary(ctx: ExprContext): Expr {
    const t = this.tok;
    switch (t.type) {
      case 'number':
        this.pos++;
        return { type: 'num', value: t.num! };
      case 'string':
        this.pos++;
        return { type: 'str', value: t.value };
      case 'ere':
        this.pos++;
        return { type: 'regex', source: t.value };
      case 'funcname': {
        this.pos += 2;
        const args = this.exprList(')');
        this.expect(')');
        this.calls.push({ name: t.value, line: t.line });
        return { type: 'call', name: t.value, args };
      }
      case 'builtin': {
        this.pos++;
        if (!this.is('(')) {
          if (t.value === 'length') return { type: 'builtin', name: 'length', args: [] };
          this.fail(`${t.value} needs arguments`);
        }
        this.pos++;
        const args = this.exprList(')');
        this.expect(')');
        this.checkBuiltin(t.value, args);
        return { type: 'builtin', name: t.value, args };
      }
      case 'name': {
        this.pos++;
        if (this.accept('[')) {
          const subscripts = this.exprList(']');
          if (subscripts.length === 0) this.fail('empty subscript');
          this.expect(']');
          return { type: 'index', array: this.arrayRef(t.value), subscripts };
        }
        return this.variable(t.value);
      }
      case 'keyword':
        if (t.value === 'getline') return this.getline();
        break;
      case 'punct':
        if (t.value === '$') {
          this.pos++;
          if (this.is('++') || this.is('--')) {
            const op = this.tok.value as '++';
            this.pos++;
            const target = this.primary(ctx);
            if (!isLValue(target)) this.fail(`${op} needs a variable`);
            return { type: 'field', index: { type: 'incr', op, prefix: true, target } };
          }
          if (this.is('-')) {
            this.pos++;
            return { type: 'field', index: { type: 'neg', operand: this.primary(ctx) } };
          }
          return { type: 'field', index: this.primary(ctx) };
        }
        if (t.value === '(') {
          this.pos++;
          const list = this.exprList(')');
          this.expect(')');
          if (list.length === 0) this.fail();
          if (list.length > 1) {
            if (!this.is('in')) this.fail('a parenthesized list must be followed by in');
            this.pos++;
            const name = this.tok;
            if (name.type !== 'name') this.fail('expected an array name after in');
            this.pos++;
            return { type: 'in', subscripts: list, array: this.arrayRef(name.value) };
          }
          return { type: 'group', expr: list[0]! };
        }
        if (t.value === '-' || t.value === '+' || t.value === '!') return this.unary(ctx);
        break;
    }
    return this.fail();
  }

  private getline(): Expr {
    this.pos++;
    let target: LValue | null = null;
    if (this.tok.type === 'name' || this.is('$')) {
      const e = this.primary({});
      if (!isLValue(e)) this.fail('getline needs a variable');
      target = e;
    }
    let file: Expr | null = null;
    if (this.accept('<')) file = this.incdec({});
    return { type: 'getline', target, file, command: null };
  }

  private checkBuiltin(name: string, args: Expr[]): void {
    const arity: Record<string, [number, number]> = {
      length: [0, 1], substr: [2, 3], index: [2, 2], split: [2, 3], sub: [2, 3], gsub: [2, 3], match: [2, 2], sprintf: [1, Infinity],
      sin: [1, 1], cos: [1, 1], atan2: [2, 2], exp: [1, 1], log: [1, 1], sqrt: [1, 1], int: [1, 1], rand: [0, 0], srand: [0, 1],
      tolower: [1, 1], toupper: [1, 1], close: [1, 1], system: [1, 1], fflush: [0, 1],
    };
    const [lo, hi] = arity[name]!;
    if (args.length < lo || args.length > hi) this.fail(`${name}: wrong number of arguments`);
    if (name === 'split' && args[1]!.type !== 'var') this.fail('split: the second argument must be an array name');
    if ((name === 'sub' || name === 'gsub') && args[2] && !isLValue(args[2])) this.fail(`${name}: the third argument must be a variable`);
  }
}

function isLValue(e: Expr): e is LValue {
  return e.type === 'var' || e.type === 'field' || e.type === 'index';
}

/**
 * How deeply statements and expressions may nest. The synchronous evaluator recurses once per
 * level, so a limit far below any JS engine's stack keeps a 10,000-term concatenation from
 * overflowing the host's stack (it is a syntax error instead, the same everywhere).
 */
export const MAX_NESTING = 500;

function subtrees(node: Expr | Stmt): (Expr | Stmt | null)[] {
  switch (node.type) {
    case 'print': case 'printf': return [...node.args, node.redirect?.target ?? null];
    case 'block': return node.body;
    case 'if': return [node.test, node.then, node.else];
    case 'while': case 'do': return [node.test, node.body];
    case 'for': return [node.init, node.test, node.step, node.body];
    case 'forin': return [node.key, node.body];
    case 'exit': return [node.code];
    case 'return': return [node.value];
    case 'delete': return node.subscripts ?? [];
    case 'expr': return 'expr' in node ? [node.expr] : [];
    case 'break': case 'continue': case 'next': case 'nextfile': return [];
    default: return exprChildren(node);
  }
}

function exprChildren(e: Expr): Expr[] {
  switch (e.type) {
    case 'num': case 'str': case 'regex': case 'var': case 'value': return [];
    case 'field': return [e.index];
    case 'index': case 'in': return e.subscripts;
    case 'assign': return [e.target, e.value];
    case 'cond': return [e.test, e.then, e.else];
    case 'and': case 'or': case 'binary': case 'compare': case 'concat': case 'match': return [e.left, e.right];
    case 'not': case 'neg': case 'plus': return [e.operand];
    case 'incr': return [e.target];
    case 'call': case 'builtin': return e.args;
    case 'getline': return [...(e.command ? [e.command] : []), ...(e.target ? [e.target] : []), ...(e.file ? [e.file] : [])];
    case 'group': return [e.expr];
  }
}

function checkNesting(program: AwkProgram): void {
  const roots: (Expr | Stmt)[] = [];
  for (const r of program.rules) {
    if (r.pattern.type === 'expr') roots.push(r.pattern.expr);
    if (r.pattern.type === 'range') roots.push(r.pattern.from, r.pattern.to);
    roots.push(...(r.action ?? []));
  }
  for (const f of program.functions.values()) roots.push(...f.body);
  const stack: [Expr | Stmt, number][] = roots.map((n) => [n, 1]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_NESTING) throw new AwkSyntaxError(`program nested too deeply (more than ${MAX_NESTING} levels)`);
    for (const c of subtrees(node)) if (c) stack.push([c, depth + 1]);
  }
}

/** Parses an awk program; throws AwkSyntaxError with a line number. */
export function parseAwk(source: string): AwkProgram {
  const program = new Parser(source).parse();
  checkNesting(program);
  return program;
}
