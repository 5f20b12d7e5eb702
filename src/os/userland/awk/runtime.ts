/**
 * The awk runtime's state and its synchronous primitives: variables and arrays, the current
 * record and its fields, regexes, comparisons and arithmetic (POSIX awk "Expressions in awk",
 * "Variables and Special Variables"). The evaluators (eval.ts, interp.ts) build on it.
 */
import { FUEL } from '../../types.js';
import type { Proc } from '../../types.js';
import { REGEX_FUEL, RegexSyntaxError, compileRegex } from '../regex.js';
import type { ArrayRef, AwkProgram, Expr } from './ast.js';
import { formatPrintf } from './format.js';
import { unescape } from './lexer.js';
import { UNINIT, fromInput, isNumeric, toNum, toStr } from './value.js';
import type { Value } from './value.js';

/** Fuel per unit of awk work (regex tests cost REGEX_FUEL.test plus a byte per character examined). */
export const AWK_FUEL = { statement: 10, iteration: 10, call: 50, builtin: 5 } as const;

/** Deep enough for real recursion, shallow enough that no JS engine's stack overflows first. */
export const MAX_CALL_DEPTH = 1000;

export type AwkArray = Map<string, Value>;
export interface Cell {
  v: Value | AwkArray;
  /** An uninitialized variable passed to a function: if the callee makes it an array, so is the caller's. */
  link?: Cell;
}

export class AwkRuntimeError extends Error {
  override name = 'AwkRuntimeError';
}
export class NextSignal {}
export class NextFileSignal {}
export class ExitSignal {
  constructor(readonly code: number) {}
}

/** How a statement ended (next and exit unwind as exceptions: they can come from inside a function call). */
export const Completion = { Normal: 0, Break: 1, Continue: 2, Return: 3 } as const;
export type Completion = (typeof Completion)[keyof typeof Completion];

export interface AwkRunOptions {
  /** -v assignments, in order. */
  assignments: [string, string][];
  /** ARGV[1..]: files and var=value operands. */
  operands: string[];
}

export class Runtime {
  protected readonly globals = new Map<string, Cell>();
  protected frame: Cell[] = [];
  protected depth = 0;
  protected returnValue: Value = UNINIT;

  protected record = '';
  private fields: string[] = [];
  private nf = 0;
  private splitDone = true;
  /** FS when the current record was read: changing FS affects the next record only. */
  private recordFS = ' ';

  protected convfmt = '%.6g';
  protected ofmt = '%.6g';
  private subsep = '\x1c';
  private readonly regexCache = new Map<string, RegExp>();
  private seed = 0;
  private rngState = 0;

  constructor(
    protected readonly p: Proc,
    protected readonly program: AwkProgram,
    options: AwkRunOptions,
  ) {
    const g = (name: string, v: Value | AwkArray): void => {
      this.globals.set(name, { v });
    };
    g('FS', ' ');
    g('OFS', ' ');
    g('ORS', '\n');
    g('RS', '\n');
    g('NR', 0);
    g('FNR', 0);
    g('SUBSEP', '\x1c');
    g('CONVFMT', '%.6g');
    g('OFMT', '%.6g');
    g('RSTART', 0);
    g('RLENGTH', -1);
    g('FILENAME', '');
    const env = new Map<string, Value>();
    for (const [k, v] of p.env) env.set(k, fromInput(v));
    g('ENVIRON', env);
    const argv = new Map<string, Value>([['0', 'awk']]);
    options.operands.forEach((a, i) => argv.set(String(i + 1), fromInput(a)));
    g('ARGV', argv);
    g('ARGC', options.operands.length + 1);
    this.srand(0);
    for (const [name, value] of options.assignments) this.setGlobal(name, fromInput(unescape(value)));
  }

  // --- records and fields ---

  protected setRecord(rec: string): void {
    this.record = rec;
    this.splitDone = false;
    this.recordFS = this.getString('FS');
  }

  private ensureSplit(): void {
    if (this.splitDone) return;
    this.fields = this.splitText(this.record, this.recordFS, this.getString('RS') === '');
    this.nf = this.fields.length;
    this.splitDone = true;
  }

  /** Field splitting (POSIX FS): " " splits on blanks, one other character literally, longer FS as an ERE. */
  protected splitText(s: string, fs: string | RegExp, paragraph = false): string[] {
    this.p.charge(s.length * FUEL.byte);
    if (paragraph && fs !== ' ') return s.split('\n').flatMap((line) => this.splitText(line, fs));
    if (fs === ' ') {
      const t = s.replace(/^[ \t\n]+|[ \t\n]+$/g, '');
      return t === '' ? [] : t.split(/[ \t\n]+/);
    }
    if (s === '') return [];
    if (typeof fs === 'string' && fs.length === 1 && fs !== '\\') return s.split(fs);
    if (fs === '') return [...s];
    const re = typeof fs === 'string' ? this.regex(fs) : fs;
    const out: string[] = [];
    let pos = 0;
    re.lastIndex = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      out.push(s.slice(pos, m.index));
      pos = m.index + m[0].length;
    }
    out.push(s.slice(pos));
    return out;
  }

  protected getField(i: number): Value {
    if (i < 0 || Number.isNaN(i)) throw new AwkRuntimeError(`trying to access out of range field ${i}`);
    const n = Math.trunc(i);
    if (n === 0) return fromInput(this.record);
    this.ensureSplit();
    return n <= this.nf ? fromInput(this.fields[n - 1]!) : UNINIT;
  }

  protected setField(i: number, v: Value): void {
    if (i < 0 || Number.isNaN(i)) throw new AwkRuntimeError(`trying to access out of range field ${i}`);
    const n = Math.trunc(i);
    const s = toStr(v, this.convfmt);
    if (n === 0) {
      this.setRecord(s);
      return;
    }
    if (n > 100_000) throw new AwkRuntimeError(`field index ${n} too large`);
    this.ensureSplit();
    while (this.fields.length < n) this.fields.push('');
    this.fields[n - 1] = s;
    this.nf = this.fields.length;
    this.rebuild();
  }

  private setNF(v: number): void {
    const n = Math.trunc(v);
    if (n < 0 || n > 100_000) throw new AwkRuntimeError(`NF set to an invalid value ${v}`);
    this.ensureSplit();
    this.fields.length = Math.min(this.fields.length, n);
    while (this.fields.length < n) this.fields.push('');
    this.nf = n;
    this.rebuild();
  }

  private rebuild(): void {
    this.record = this.fields.join(this.getString('OFS'));
    this.p.charge(this.record.length * FUEL.byte);
  }

  // --- variables ---

  protected cell(name: string, local: number): Cell {
    if (local >= 0) return this.frame[local]!;
    let c = this.globals.get(name);
    if (!c) {
      c = { v: UNINIT };
      this.globals.set(name, c);
    }
    return c;
  }

  protected getGlobalValue(name: string): Value {
    const v = this.globals.get(name)?.v ?? UNINIT;
    if (v instanceof Map) throw new AwkRuntimeError(`attempt to use array ${name} in a scalar context`);
    return v;
  }

  protected getString(name: string): string {
    return toStr(this.getGlobalValue(name), this.convfmt);
  }

  protected setGlobal(name: string, v: Value): void {
    if (name === 'NF') {
      this.setNF(toNum(v));
      return;
    }
    const c = this.cell(name, -1);
    if (c.v instanceof Map) throw new AwkRuntimeError(`attempt to use array ${name} in a scalar context`);
    c.v = v;
    if (name === 'CONVFMT') this.convfmt = toStr(v, '%.6g');
    else if (name === 'OFMT') this.ofmt = toStr(v, '%.6g');
    else if (name === 'SUBSEP') this.subsep = toStr(v, this.convfmt);
  }

  protected getVar(e: Extract<Expr, { type: 'var' }>): Value {
    if (e.local < 0 && e.name === 'NF') {
      this.ensureSplit();
      return this.nf;
    }
    const v = this.cell(e.name, e.local).v;
    if (v instanceof Map) throw new AwkRuntimeError(`attempt to use array ${e.name} in a scalar context`);
    return v;
  }

  protected setVar(e: Extract<Expr, { type: 'var' }>, v: Value): void {
    if (e.local < 0) {
      this.setGlobal(e.name, v);
      return;
    }
    const c = this.frame[e.local]!;
    if (c.v instanceof Map) throw new AwkRuntimeError(`attempt to use array ${e.name} in a scalar context`);
    c.v = v;
  }

  protected arrayOf(c: Cell, name: string): AwkArray {
    if (c.v instanceof Map) return c.v;
    if (c.v !== UNINIT) throw new AwkRuntimeError(`attempt to use scalar ${name} as an array`);
    const a: AwkArray = new Map();
    c.v = a;
    if (c.link && c.link.v === UNINIT) c.link.v = a;
    return a;
  }

  protected array(ref: ArrayRef): AwkArray {
    return this.arrayOf(this.cell(ref.name, ref.local), ref.name);
  }

  protected joinSubscripts(parts: string[]): string {
    return parts.join(this.subsep);
  }

  // --- operators ---

  protected regex(source: string): RegExp {
    let re = this.regexCache.get(source);
    if (!re) {
      this.p.charge(REGEX_FUEL.compile);
      try {
        re = compileRegex(source, { syntax: 'awk', global: true });
      } catch (e) {
        if (e instanceof RegexSyntaxError) throw new AwkRuntimeError(`regular expression /${source}/: ${e.message}`);
        throw e;
      }
      if (this.regexCache.size > 1000) this.regexCache.clear();
      this.regexCache.set(source, re);
    }
    return re;
  }

  protected test(re: RegExp, s: string): boolean {
    this.p.charge(REGEX_FUEL.test + s.length * FUEL.byte);
    re.lastIndex = 0;
    return re.test(s);
  }

  /** Numeric when both are numbers or numeric strings, else by string (POSIX "Expressions in awk", table). */
  protected compare(a: Value, b: Value): number {
    if (isNumeric(a) && isNumeric(b)) {
      const x = toNum(a);
      const y = toNum(b);
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
    }
    const x = toStr(a, this.convfmt);
    const y = toStr(b, this.convfmt);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  protected arith(op: '+' | '-' | '*' | '/' | '%' | '^', l: number, r: number): number {
    switch (op) {
      case '+': return l + r;
      case '-': return l - r;
      case '*': return l * r;
      case '/':
        if (r === 0) throw new AwkRuntimeError('division by zero');
        return l / r;
      case '%':
        if (r === 0) throw new AwkRuntimeError('division by zero in %');
        return l % r;
      case '^': return l ** r;
    }
  }

  protected sprintf(values: Value[]): string {
    const [fmt, ...args] = values;
    const s = formatPrintf(toStr(fmt ?? '', this.convfmt), args, toNum, (v) => toStr(v, this.convfmt));
    this.p.charge(s.length * FUEL.byte);
    return s;
  }

  protected srand(seed: number): number {
    const prev = this.seed;
    this.seed = seed;
    this.rngState = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    return prev;
  }

  /** mulberry32: small, fast and the same everywhere. */
  protected rand(): number {
    this.rngState = (this.rngState + 0x6d2b79f5) >>> 0;
    let t = this.rngState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
