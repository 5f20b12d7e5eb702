/**
 * The synchronous evaluator: expressions and statements that cannot suspend (no getline, no user
 * function call, no print, no close/system/fflush) run here without a promise per node, which is
 * several times faster. interp.ts handles the rest and calls back into this for the pure parts.
 */
import { FUEL } from '../../types.js';
import { REGEX_FUEL } from '../regex.js';
import type { Expr, LValue, Stmt } from './ast.js';
import { AWK_FUEL, AwkRuntimeError, Completion, ExitSignal, NextFileSignal, NextSignal, Runtime } from './runtime.js';
import type { AwkArray } from './runtime.js';
import { UNINIT, fromInput, toBool, toNum, toStr } from './value.js';
import type { Value } from './value.js';

export type Place = { kind: 'var'; e: Extract<Expr, { type: 'var' }> } | { kind: 'field'; i: number } | { kind: 'elem'; a: AwkArray; key: string };

const ASYNC_BUILTINS = new Set(['close', 'system', 'fflush']);

/** The direct sub-expressions of an expression, in evaluation order. */
export function children(e: Expr): Expr[] {
  switch (e.type) {
    case 'num': case 'str': case 'regex': case 'var': case 'value': return [];
    case 'field': return [e.index];
    case 'index': return e.subscripts;
    case 'assign': return [e.target, e.value];
    case 'cond': return [e.test, e.then, e.else];
    case 'and': case 'or': case 'binary': case 'compare': case 'concat': case 'match': return [e.left, e.right];
    case 'not': case 'neg': case 'plus': return [e.operand];
    case 'in': return e.subscripts;
    case 'incr': return [e.target];
    case 'call': case 'builtin': return e.args;
    case 'getline': return [...(e.command ? [e.command] : []), ...(e.target ? [e.target] : []), ...(e.file ? [e.file] : [])];
    case 'group': return [e.expr];
  }
}

export class Evaluator extends Runtime {
  private readonly pureCache = new WeakMap<object, boolean>();

  protected pure(e: Expr): boolean {
    let r = this.pureCache.get(e);
    if (r === undefined) {
      r = e.type !== 'call' && e.type !== 'getline' && !(e.type === 'builtin' && ASYNC_BUILTINS.has(e.name)) && children(e).every((c) => this.pure(c));
      this.pureCache.set(e, r);
    }
    return r;
  }

  protected pureStmt(s: Stmt): boolean {
    let r = this.pureCache.get(s);
    if (r === undefined) {
      r = this.computePureStmt(s);
      this.pureCache.set(s, r);
    }
    return r;
  }

  private computePureStmt(s: Stmt): boolean {
    const e = (x: Expr | null): boolean => x === null || this.pure(x);
    const st = (x: Stmt | null): boolean => x === null || this.pureStmt(x);
    switch (s.type) {
      case 'print': case 'printf': return false;
      case 'expr': return e(s.expr);
      case 'block': return s.body.every((b) => this.pureStmt(b));
      case 'if': return e(s.test) && st(s.then) && st(s.else);
      case 'while': case 'do': return e(s.test) && st(s.body);
      case 'for': return st(s.init) && e(s.test) && st(s.step) && st(s.body);
      case 'forin': return e(s.key) && st(s.body);
      case 'exit': return e(s.code);
      case 'return': return e(s.value);
      case 'delete': return s.subscripts === null || s.subscripts.every((x) => this.pure(x));
      case 'break': case 'continue': case 'next': case 'nextfile': return true;
    }
  }

  protected subscriptSync(subs: Expr[]): string {
    if (subs.length === 1) return toStr(this.evalSync(subs[0]!), this.convfmt);
    return this.joinSubscripts(subs.map((s) => toStr(this.evalSync(s), this.convfmt)));
  }

  /** Resolves an lvalue (evaluating its field index or subscripts) without closures: this is the hot path. */
  protected place(target: LValue): Place {
    switch (target.type) {
      case 'var':
        return { kind: 'var', e: target };
      case 'field':
        return { kind: 'field', i: toNum(this.evalSync(target.index)) };
      case 'index':
        return { kind: 'elem', a: this.array(target.array), key: this.subscriptSync(target.subscripts) };
    }
  }

  protected load(pl: Place): Value {
    switch (pl.kind) {
      case 'var':
        return this.getVar(pl.e);
      case 'field':
        return this.getField(pl.i);
      case 'elem': {
        const v = pl.a.get(pl.key);
        // Referencing an element creates it (POSIX).
        if (v === undefined) pl.a.set(pl.key, UNINIT);
        return v ?? UNINIT;
      }
    }
  }

  protected store(pl: Place, v: Value): void {
    if (pl.kind === 'var') this.setVar(pl.e, v);
    else if (pl.kind === 'field') this.setField(pl.i, v);
    else pl.a.set(pl.key, v);
  }

  /** The regex an operand of ~, sub, split … denotes: an ERE literal, or any expression's string value. */
  private regexOperand(e: Expr): RegExp {
    if (e.type === 'regex') return this.regex(e.source);
    return this.regex(toStr(this.evalSync(e), this.convfmt));
  }

  protected evalSync(e: Expr): Value {
    switch (e.type) {
      case 'num': return e.value;
      case 'str': return e.value;
      case 'value': return e.value;
      case 'group': return this.evalSync(e.expr);
      case 'regex': return this.test(this.regex(e.source), this.record) ? 1 : 0;
      case 'var': return this.getVar(e);
      case 'field': return this.getField(toNum(this.evalSync(e.index)));
      case 'index': return this.load(this.place(e));
      case 'assign': {
        const pl = this.place(e.target);
        // The right side first, then the target's value: `x += x *= 2` with x = 5 is 20, as in gawk and mawk.
        const rhs = this.evalSync(e.value);
        const v = e.op === '=' ? rhs : this.arith(e.op[0] as '+', toNum(this.load(pl)), toNum(rhs));
        this.store(pl, v);
        return v;
      }
      case 'cond': return toBool(this.evalSync(e.test)) ? this.evalSync(e.then) : this.evalSync(e.else);
      case 'and': return toBool(this.evalSync(e.left)) && toBool(this.evalSync(e.right)) ? 1 : 0;
      case 'or': return toBool(this.evalSync(e.left)) || toBool(this.evalSync(e.right)) ? 1 : 0;
      case 'not': return toBool(this.evalSync(e.operand)) ? 0 : 1;
      case 'neg': return -toNum(this.evalSync(e.operand));
      case 'plus': return toNum(this.evalSync(e.operand));
      case 'binary': {
        const l = toNum(this.evalSync(e.left));
        return this.arith(e.op, l, toNum(this.evalSync(e.right)));
      }
      case 'compare': {
        const c = this.compare(this.evalSync(e.left), this.evalSync(e.right));
        const op = e.op;
        return (op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '==' ? c === 0 : c !== 0) ? 1 : 0;
      }
      case 'concat': {
        const l = toStr(this.evalSync(e.left), this.convfmt);
        const s = l + toStr(this.evalSync(e.right), this.convfmt);
        this.p.charge(s.length * FUEL.byte);
        return s;
      }
      case 'match': {
        const s = toStr(this.evalSync(e.left), this.convfmt);
        return this.test(this.regexOperand(e.right), s) !== e.negate ? 1 : 0;
      }
      case 'in': return this.array(e.array).has(this.subscriptSync(e.subscripts)) ? 1 : 0;
      case 'incr': {
        const pl = this.place(e.target);
        const old = toNum(this.load(pl));
        const next = e.op === '++' ? old + 1 : old - 1;
        this.store(pl, next);
        return e.prefix ? next : old;
      }
      case 'builtin':
        this.p.charge(AWK_FUEL.builtin);
        return this.builtinSync(e.name, e.args);
      case 'call': case 'getline':
        throw new AwkRuntimeError(`internal error: ${e.type} evaluated synchronously`);
    }
  }

  protected execBlockSync(body: Stmt[]): Completion {
    for (const s of body) {
      const c = this.execSync(s);
      if (c !== Completion.Normal) return c;
    }
    return Completion.Normal;
  }

  protected execSync(s: Stmt): Completion {
    this.p.charge(AWK_FUEL.statement);
    switch (s.type) {
      case 'expr':
        this.evalSync(s.expr);
        return Completion.Normal;
      case 'block':
        return this.execBlockSync(s.body);
      case 'if':
        if (toBool(this.evalSync(s.test))) return this.execSync(s.then);
        return s.else ? this.execSync(s.else) : Completion.Normal;
      case 'while':
        for (;;) {
          this.p.charge(AWK_FUEL.iteration);
          if (!toBool(this.evalSync(s.test))) return Completion.Normal;
          const c = this.execSync(s.body);
          if (c === Completion.Break) return Completion.Normal;
          if (c === Completion.Return) return c;
        }
      case 'do':
        for (;;) {
          this.p.charge(AWK_FUEL.iteration);
          const c = this.execSync(s.body);
          if (c === Completion.Break) return Completion.Normal;
          if (c === Completion.Return) return c;
          if (!toBool(this.evalSync(s.test))) return Completion.Normal;
        }
      case 'for':
        if (s.init) this.execSync(s.init);
        for (;;) {
          this.p.charge(AWK_FUEL.iteration);
          if (s.test && !toBool(this.evalSync(s.test))) return Completion.Normal;
          const c = this.execSync(s.body);
          if (c === Completion.Break) return Completion.Normal;
          if (c === Completion.Return) return c;
          if (s.step) this.execSync(s.step);
        }
      case 'forin': {
        const a = this.array(s.array);
        // A snapshot of the keys, in insertion order (POSIX leaves the order unspecified).
        for (const key of [...a.keys()]) {
          this.p.charge(AWK_FUEL.iteration);
          if (!a.has(key)) continue;
          this.store(this.place(s.key), fromInput(key));
          const c = this.execSync(s.body);
          if (c === Completion.Break) return Completion.Normal;
          if (c === Completion.Return) return c;
        }
        return Completion.Normal;
      }
      case 'break': return Completion.Break;
      case 'continue': return Completion.Continue;
      case 'next': throw new NextSignal();
      case 'nextfile': throw new NextFileSignal();
      case 'exit': throw new ExitSignal(s.code ? Math.trunc(toNum(this.evalSync(s.code))) & 255 : this.exitStatus());
      case 'return':
        this.returnValue = s.value ? this.evalSync(s.value) : UNINIT;
        return Completion.Return;
      case 'delete': {
        const a = this.array(s.array);
        if (s.subscripts) a.delete(this.subscriptSync(s.subscripts));
        else a.clear();
        return Completion.Normal;
      }
      case 'print': case 'printf':
        throw new AwkRuntimeError('internal error: print executed synchronously');
    }
  }

  /** The status `exit` without an expression keeps (overridden by the interpreter). */
  protected exitStatus(): number {
    return 0;
  }

  private substitute(args: Expr[], global: boolean): number {
    const re = this.regexOperand(args[0]!);
    const repl = toStr(this.evalSync(args[1]!), this.convfmt);
    const target: LValue = (args[2] as LValue | undefined) ?? { type: 'field', index: { type: 'num', value: 0 } };
    const pl = this.place(target);
    const text = toStr(this.load(pl), this.convfmt);
    this.p.charge(REGEX_FUEL.test + text.length * FUEL.byte);
    let out = '';
    let pos = 0;
    let count = 0;
    let prevEnd = -1;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const empty = m[0].length === 0;
      if (empty) re.lastIndex++;
      // An empty match right after the previous match is not a match: gsub(/x*/, "-") on "xab" is "-a-b-".
      if (empty && m.index === prevEnd) continue;
      prevEnd = m.index + m[0].length;
      count++;
      out += text.slice(pos, m.index);
      // In the replacement, & is the match, \& a literal &, \\ a backslash (POSIX sub).
      for (let i = 0; i < repl.length; i++) {
        const c = repl[i]!;
        if (c === '\\' && (repl[i + 1] === '&' || repl[i + 1] === '\\')) out += repl[++i];
        else if (c === '&') out += m[0];
        else out += c;
      }
      pos = m.index + m[0].length;
      if (!global || re.lastIndex > text.length) break;
    }
    if (count > 0) {
      out += text.slice(pos);
      this.p.charge(out.length * FUEL.byte);
      this.store(pl, out);
    }
    return count;
  }

  private builtinSync(name: string, args: Expr[]): Value {
    const num = (i: number): number => toNum(this.evalSync(args[i]!));
    const str = (i: number): string => toStr(this.evalSync(args[i]!), this.convfmt);
    switch (name) {
      case 'length': {
        const a = args[0];
        if (!a) return this.record.length;
        if (a.type === 'var' && !(a.local < 0 && a.name === 'NF')) {
          const c = this.cell(a.name, a.local);
          if (c.v instanceof Map) return c.v.size;
        }
        return str(0).length;
      }
      case 'substr': {
        const s = str(0);
        const m = num(1);
        const start = roundHalfEven(m);
        let end = args[2] ? roundHalfEven(m + num(2)) : Infinity;
        if (Number.isNaN(end)) end = start;
        const from = Math.max(start, 1);
        const to = Math.min(end, s.length + 1);
        return to > from ? s.slice(from - 1, to - 1) : '';
      }
      case 'index': {
        const s = str(0);
        const t = str(1);
        this.p.charge(s.length * FUEL.byte);
        return s.indexOf(t) + 1;
      }
      case 'split': {
        const s = str(0);
        const arrayArg = args[1] as Extract<Expr, { type: 'var' }>;
        let fs: string | RegExp;
        if (!args[2]) fs = this.getString('FS');
        else if (args[2].type === 'regex') fs = this.regex(args[2].source);
        else fs = str(2);
        const parts = this.splitText(s, fs);
        const a = this.array({ name: arrayArg.name, local: arrayArg.local });
        a.clear();
        parts.forEach((part, i) => a.set(String(i + 1), fromInput(part)));
        return parts.length;
      }
      case 'sub': return this.substitute(args, false);
      case 'gsub': return this.substitute(args, true);
      case 'match': {
        const s = str(0);
        const re = this.regexOperand(args[1]!);
        this.p.charge(REGEX_FUEL.test + s.length * FUEL.byte);
        re.lastIndex = 0;
        const m = re.exec(s);
        const start = m ? m.index + 1 : 0;
        this.setGlobal('RSTART', start);
        this.setGlobal('RLENGTH', m ? m[0].length : -1);
        return start;
      }
      case 'sprintf': return this.sprintf(args.map((a) => this.evalSync(a)));
      case 'sin': return Math.sin(num(0));
      case 'cos': return Math.cos(num(0));
      case 'atan2': {
        const y = num(0);
        return Math.atan2(y, num(1));
      }
      case 'exp': return Math.exp(num(0));
      case 'log': return Math.log(num(0));
      case 'sqrt': return Math.sqrt(num(0));
      case 'int': return Math.trunc(num(0));
      case 'rand': return this.rand();
      case 'srand': return this.srand(args[0] ? num(0) : Number(this.p.now() / 1_000_000_000n));
      case 'tolower': return str(0).toLowerCase();
      case 'toupper': return str(0).toUpperCase();
    }
    throw new AwkRuntimeError(`internal error: unknown function ${name}`);
  }
}

/** Rounds halves to the even neighbour (C's rint), as gawk does for substr positions. */
function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
