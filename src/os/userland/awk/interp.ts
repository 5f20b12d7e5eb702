/**
 * The awk interpreter's asynchronous layer: the record loop, input (main input and getline),
 * output (print, printf, redirections), user function calls, and the evaluation of whatever can
 * suspend. Pure expressions and statements go to the synchronous evaluator (eval.ts). Every
 * statement, loop iteration, call, regex test and byte of string work is charged to the process's
 * fuel, so every program, even `BEGIN { while (1) {} }`, ends.
 */
import { FUEL, OsError } from '../../types.js';
import type { Proc } from '../../types.js';
import type { AwkProgram, Expr, LValue, Redirect, Rule, Stmt } from './ast.js';
import { Evaluator } from './eval.js';
import { RecordSource } from './input.js';
import { unescape } from './lexer.js';
import { Output } from './lines.js';
import { AWK_FUEL, AwkRuntimeError, Completion, ExitSignal, MAX_CALL_DEPTH, NextFileSignal, NextSignal } from './runtime.js';
import type { AwkRunOptions, Cell } from './runtime.js';
import { UNINIT, fromInput, numToStr, toBool, toNum, toStr } from './value.js';
import type { Value } from './value.js';

export { AWK_FUEL, AwkRuntimeError } from './runtime.js';
export type { AwkRunOptions } from './runtime.js';

const value = (v: Value): Expr => ({ type: 'value', value: v });

export class Interpreter extends Evaluator {
  private readonly stdout: Output;
  private readonly outputs = new Map<string, { out: Output; fd: number; pid?: number }>();
  /** Processes behind `print | "cmd"` and `"cmd" | getline`, by command. */
  private readonly children = new Map<string, number>();
  private readonly inputs = new Map<string, RecordSource>();
  private readonly rangeActive = new Map<Rule, boolean>();
  private main: RecordSource | null = null;
  private mainFd = -1;
  private argIndex = 1;
  private usedFileOperand = false;
  private stdinUsed = false;
  private status = 0;

  constructor(p: Proc, program: AwkProgram, options: AwkRunOptions) {
    super(p, program, options);
    this.stdout = new Output(p, 1);
  }

  protected override exitStatus(): number {
    return this.status;
  }

  // --- running ---

  async run(): Promise<number> {
    const begin = this.program.rules.filter((r) => r.pattern.type === 'BEGIN');
    const end = this.program.rules.filter((r) => r.pattern.type === 'END');
    const main = this.program.rules.filter((r) => r.pattern.type !== 'BEGIN' && r.pattern.type !== 'END');
    try {
      try {
        for (const rule of begin) await this.action(rule.action!);
        if (main.length > 0 || end.length > 0) {
          for (let rec = await this.nextMainRecord(); rec !== null; rec = await this.nextMainRecord()) {
            this.setRecord(rec);
            try {
              for (const rule of main) {
                if (!(await this.matches(rule))) continue;
                if (rule.action) await this.execBlock(rule.action);
                else await this.printOut(this.stdout, `${this.record}${this.getString('ORS')}`);
              }
            } catch (e) {
              if (e instanceof NextFileSignal) this.closeMain();
              else if (!(e instanceof NextSignal)) throw e;
            }
          }
        }
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
        this.status = e.code;
      }
      try {
        for (const rule of end) await this.action(rule.action!);
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
        this.status = e.code;
      }
    } finally {
      await this.flushAll();
    }
    await this.closeAll();
    return this.status;
  }

  /** A BEGIN or END action: `next` there has nothing to skip to. */
  private async action(body: Stmt[]): Promise<void> {
    try {
      await this.execBlock(body);
    } catch (e) {
      if (!(e instanceof NextSignal || e instanceof NextFileSignal)) throw e;
    }
  }

  private async matches(rule: Rule): Promise<boolean> {
    const pat = rule.pattern;
    switch (pat.type) {
      case 'all':
        return true;
      case 'expr':
        return toBool(await this.eval(pat.expr));
      case 'range':
        if (!this.rangeActive.get(rule)) {
          if (!toBool(await this.eval(pat.from))) return false;
          this.rangeActive.set(rule, !toBool(await this.eval(pat.to)));
          return true;
        }
        if (toBool(await this.eval(pat.to))) this.rangeActive.set(rule, false);
        return true;
      default:
        return false;
    }
  }

  // --- input ---

  private closeMain(): void {
    if (this.mainFd > 0) this.p.close(this.mainFd);
    this.main = null;
    this.mainFd = -1;
  }

  private rsRegex(): RegExp | null {
    const rs = this.getString('RS');
    return rs.length > 1 ? this.regex(rs) : null;
  }

  /** The next ARGV operand: `var=value` operands are assigned on the way; no file operand at all means stdin. */
  private async openNextMain(): Promise<boolean> {
    for (;;) {
      if (this.argIndex >= toNum(this.getGlobalValue('ARGC'))) break;
      const argv = this.arrayOf(this.globals.get('ARGV')!, 'ARGV');
      const arg = argv.get(String(this.argIndex++));
      const s = arg === undefined ? '' : toStr(arg, this.convfmt);
      if (s === '') continue;
      const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(s);
      if (assign) {
        this.setGlobal(assign[1]!, fromInput(unescape(assign[2]!)));
        continue;
      }
      this.usedFileOperand = true;
      let fd = 0;
      if (s !== '-' && s !== '/dev/stdin') {
        try {
          if (this.p.stat(s).kind === 'dir') throw new OsError('EISDIR', `${s}: is a directory`);
          fd = await this.p.open(s, { read: true });
        } catch (e) {
          if (!(e instanceof OsError)) throw e;
          await this.stdout.flush();
          await this.p.write(2, `awk: can't open file ${s}: ${e.message}\n`);
          this.status = 2;
          continue;
        }
      }
      this.main = new RecordSource(this.p, fd);
      this.mainFd = fd;
      this.setGlobal('FILENAME', s);
      this.setGlobal('FNR', 0);
      return true;
    }
    if (this.usedFileOperand || this.stdinUsed) return false;
    this.stdinUsed = true;
    this.main = new RecordSource(this.p, 0);
    this.mainFd = 0;
    return true;
  }

  private async nextMainRecord(): Promise<string | null> {
    for (;;) {
      if (!this.main && !(await this.openNextMain())) return null;
      const rec = await this.main!.next(this.getString('RS'), this.rsRegex());
      if (rec !== null) {
        this.p.charge(rec.length * FUEL.byte);
        this.setGlobal('NR', toNum(this.getGlobalValue('NR')) + 1);
        this.setGlobal('FNR', toNum(this.getGlobalValue('FNR')) + 1);
        return rec;
      }
      this.closeMain();
    }
  }

  /** Runs `sh -c command` with one end of a new pipe as its stdin (`to`) or stdout; returns our end. */
  private async spawnPipe(command: string, direction: 'to' | 'from'): Promise<number> {
    await this.flushAll();
    const [r, w] = this.p.pipe();
    const fds = direction === 'to' ? { 0: r, 1: 1, 2: 2 } : { 0: 0, 1: w, 2: 2 };
    let pid: number;
    try {
      pid = await this.p.spawn(['sh', '-c', command], { fds });
    } catch (e) {
      this.p.close(r);
      this.p.close(w);
      if (e instanceof OsError) throw new AwkRuntimeError(`can't run ${command}: ${e.message}`);
      throw e;
    }
    this.children.set(command, pid);
    if (direction === 'to') {
      this.p.close(r);
      return w;
    }
    this.p.close(w);
    return r;
  }

  private async getline(target: LValue | null, file: Expr | null, command: Expr | null): Promise<Value> {
    let rec: string | null;
    if (command) {
      const cmd = toStr(await this.eval(command), this.convfmt);
      let src = this.inputs.get(cmd);
      if (!src) {
        src = new RecordSource(this.p, await this.spawnPipe(cmd, 'from'));
        this.inputs.set(cmd, src);
      }
      rec = await src.next(this.getString('RS'), this.rsRegex());
      if (rec !== null) {
        this.p.charge(rec.length * FUEL.byte);
        this.setGlobal('NR', toNum(this.getGlobalValue('NR')) + 1);
      }
    } else if (!file) {
      rec = await this.nextMainRecord();
    } else {
      const name = toStr(await this.eval(file), this.convfmt);
      let src = this.inputs.get(name);
      if (!src) {
        let fd = 0;
        if (name !== '-' && name !== '/dev/stdin') {
          try {
            fd = await this.p.open(name, { read: true });
          } catch (e) {
            if (e instanceof OsError) return -1;
            throw e;
          }
        }
        src = new RecordSource(this.p, fd);
        this.inputs.set(name, src);
      }
      rec = await src.next(this.getString('RS'), this.rsRegex());
      if (rec !== null) this.p.charge(rec.length * FUEL.byte);
    }
    if (rec === null) return 0;
    if (target) this.store(this.place(await this.freezeLValue(target)), fromInput(rec));
    else this.setRecord(rec);
    return 1;
  }

  // --- output ---

  private async outputFor(redirect: Redirect | null): Promise<Output> {
    if (!redirect) return this.stdout;
    const name = toStr(await this.eval(redirect.target), this.convfmt);
    if (redirect.mode !== '|' && (name === '/dev/stdout' || name === '-')) return this.stdout;
    let o = this.outputs.get(name);
    if (!o) {
      if (redirect.mode === '|') {
        const fd = await this.spawnPipe(name, 'to');
        o = { out: new Output(this.p, fd), fd };
      } else if (name === '/dev/stderr') o = { out: new Output(this.p, 2), fd: 2 };
      else {
        let fd: number;
        try {
          fd = await this.p.open(name, { write: true, create: true, truncate: redirect.mode === '>', append: redirect.mode === '>>' });
        } catch (e) {
          if (e instanceof OsError) throw new AwkRuntimeError(`can't redirect to ${name}: ${e.message}`);
          throw e;
        }
        o = { out: new Output(this.p, fd), fd };
      }
      this.outputs.set(name, o);
    }
    return o.out;
  }

  private async printOut(out: Output, text: string): Promise<void> {
    this.p.charge(text.length * FUEL.byte);
    await out.write(text);
    if (this.outputs.get('/dev/stderr')?.out === out) await out.flush();
  }

  private async flushAll(): Promise<void> {
    await this.stdout.flush();
    for (const o of this.outputs.values()) await o.out.flush();
  }

  /** close(name): 0, or a command's exit status; -1 when nothing of that name is open. */
  private async close(name: string): Promise<number> {
    const o = this.outputs.get(name);
    const i = this.inputs.get(name);
    if (!o && !i) return -1;
    if (o) {
      await o.out.flush();
      if (o.fd > 2) this.p.close(o.fd);
      this.outputs.delete(name);
    }
    if (i) {
      if (i.fd > 0) this.p.close(i.fd);
      this.inputs.delete(name);
    }
    const pid = this.children.get(name);
    if (pid === undefined) return 0;
    this.children.delete(name);
    return this.p.wait(pid);
  }

  /** At exit, like gawk: close every pipe and wait for its command, so its output comes first. */
  private async closeAll(): Promise<void> {
    await this.flushAll();
    for (const name of [...this.children.keys()]) await this.close(name);
  }

  // --- statements that may suspend ---

  private async execBlock(body: Stmt[]): Promise<Completion> {
    for (const s of body) {
      const c = await this.exec(s);
      if (c !== Completion.Normal) return c;
    }
    return Completion.Normal;
  }

  private async exec(s: Stmt): Promise<Completion> {
    if (this.pureStmt(s)) return this.execSync(s);
    this.p.charge(AWK_FUEL.statement);
    switch (s.type) {
      case 'expr':
        await this.eval(s.expr);
        return Completion.Normal;
      case 'print': {
        let text: string;
        if (s.args.length === 0) text = this.record;
        else {
          const parts: string[] = [];
          for (const a of s.args) {
            const v = await this.eval(a);
            parts.push(typeof v === 'number' ? numToStr(v, this.ofmt) : toStr(v, this.convfmt));
          }
          text = parts.join(this.getString('OFS'));
        }
        await this.printOut(await this.outputFor(s.redirect), text + this.getString('ORS'));
        return Completion.Normal;
      }
      case 'printf': {
        const values: Value[] = [];
        for (const a of s.args) values.push(await this.eval(a));
        await this.printOut(await this.outputFor(s.redirect), this.sprintf(values));
        return Completion.Normal;
      }
      case 'block':
        return this.execBlock(s.body);
      case 'if':
        if (toBool(await this.eval(s.test))) return this.exec(s.then);
        return s.else ? this.exec(s.else) : Completion.Normal;
      case 'while':
        for (;;) {
          this.p.charge(AWK_FUEL.iteration);
          if (!toBool(await this.eval(s.test))) return Completion.Normal;
          const c = await this.exec(s.body);
          if (c === Completion.Break) return Completion.Normal;
          if (c === Completion.Return) return c;
        }
      case 'do':
        for (;;) {
          this.p.charge(AWK_FUEL.iteration);
          const c = await this.exec(s.body);
          if (c === Completion.Break) return Completion.Normal;
          if (c === Completion.Return) return c;
          if (!toBool(await this.eval(s.test))) return Completion.Normal;
        }
      case 'for':
        if (s.init) await this.exec(s.init);
        for (;;) {
          this.p.charge(AWK_FUEL.iteration);
          if (s.test && !toBool(await this.eval(s.test))) return Completion.Normal;
          const c = await this.exec(s.body);
          if (c === Completion.Break) return Completion.Normal;
          if (c === Completion.Return) return c;
          if (s.step) await this.exec(s.step);
        }
      case 'forin': {
        const a = this.array(s.array);
        for (const key of [...a.keys()]) {
          this.p.charge(AWK_FUEL.iteration);
          if (!a.has(key)) continue;
          this.store(this.place(await this.freezeLValue(s.key)), fromInput(key));
          const c = await this.exec(s.body);
          if (c === Completion.Break) return Completion.Normal;
          if (c === Completion.Return) return c;
        }
        return Completion.Normal;
      }
      case 'exit':
        throw new ExitSignal(s.code ? Math.trunc(toNum(await this.eval(s.code))) & 255 : this.status);
      case 'return':
        this.returnValue = s.value ? await this.eval(s.value) : UNINIT;
        return Completion.Return;
      case 'delete': {
        const subs: Expr[] = [];
        for (const x of s.subscripts ?? []) subs.push(value(await this.eval(x)));
        return this.execSync({ type: 'delete', array: s.array, subscripts: s.subscripts && subs });
      }
      default:
        return this.execSync(s);
    }
  }

  // --- expressions that may suspend ---

  /** An lvalue whose subscripts/field index are already evaluated, so place() resolves it synchronously. */
  private async freezeLValue(t: LValue): Promise<LValue> {
    if (this.pure(t)) return t;
    if (t.type === 'field') return { type: 'field', index: value(await this.eval(t.index)) };
    if (t.type === 'index') {
      const subscripts: Expr[] = [];
      for (const x of t.subscripts) subscripts.push(value(await this.eval(x)));
      return { type: 'index', array: t.array, subscripts };
    }
    return t;
  }

  /** Evaluates operands left to right, then the operator synchronously on the results. */
  private async operand(e: Expr): Promise<Expr> {
    return e.type === 'regex' ? e : value(await this.eval(e));
  }

  async eval(e: Expr): Promise<Value> {
    if (this.pure(e)) return this.evalSync(e);
    switch (e.type) {
      case 'call':
        return this.call(e.name, e.args);
      case 'getline':
        return this.getline(e.target, e.file, e.command);
      case 'group':
        return this.eval(e.expr);
      case 'and':
        return toBool(await this.eval(e.left)) && toBool(await this.eval(e.right)) ? 1 : 0;
      case 'or':
        return toBool(await this.eval(e.left)) || toBool(await this.eval(e.right)) ? 1 : 0;
      case 'cond':
        return toBool(await this.eval(e.test)) ? this.eval(e.then) : this.eval(e.else);
      case 'assign': {
        const target = await this.freezeLValue(e.target);
        return this.evalSync({ ...e, target, value: value(await this.eval(e.value)) });
      }
      case 'incr':
        return this.evalSync({ ...e, target: await this.freezeLValue(e.target) });
      case 'field':
        return this.evalSync({ type: 'field', index: value(await this.eval(e.index)) });
      case 'index':
        return this.evalSync(await this.freezeLValue(e));
      case 'in': {
        const subscripts: Expr[] = [];
        for (const x of e.subscripts) subscripts.push(value(await this.eval(x)));
        return this.evalSync({ ...e, subscripts });
      }
      case 'not': case 'neg': case 'plus':
        return this.evalSync({ ...e, operand: value(await this.eval(e.operand)) });
      case 'binary': case 'compare': case 'concat': case 'match': {
        const left = value(await this.eval(e.left));
        return this.evalSync({ ...e, left, right: await this.operand(e.right) } as Expr);
      }
      case 'builtin':
        return this.builtin(e.name, e.args);
      default:
        return this.evalSync(e);
    }
  }

  private async builtin(name: string, args: Expr[]): Promise<Value> {
    if (name === 'close' || name === 'fflush' || name === 'system') this.p.charge(AWK_FUEL.builtin);
    switch (name) {
      case 'close':
        return this.close(toStr(await this.eval(args[0]!), this.convfmt));
      case 'fflush':
        await this.flushAll();
        return 0;
      case 'system': {
        const cmd = toStr(await this.eval(args[0]!), this.convfmt);
        await this.flushAll();
        try {
          const pid = await this.p.spawn(['sh', '-c', cmd]);
          return await this.p.wait(pid);
        } catch (e) {
          if (!(e instanceof OsError)) throw e;
          await this.p.write(2, `awk: system: ${e.message}\n`);
          return 127;
        }
      }
    }
    // Other builtins: evaluate the operands here, keep array names, regex literals and sub's target as they are.
    const frozen: Expr[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const lvaluePosition = (name === 'sub' || name === 'gsub') && i === 2;
      const arrayPosition = (name === 'split' && i === 1) || (name === 'length' && a.type === 'var');
      if (arrayPosition) frozen.push(a);
      else if (lvaluePosition) frozen.push(await this.freezeLValue(a as LValue));
      else frozen.push(await this.operand(a));
    }
    return this.evalSync({ type: 'builtin', name, args: frozen });
  }

  private async call(name: string, args: Expr[]): Promise<Value> {
    this.p.charge(AWK_FUEL.call);
    const f = this.program.functions.get(name)!;
    if (args.length > f.params.length) throw new AwkRuntimeError(`function ${name} called with ${args.length} args, accepts only ${f.params.length}`);
    if (this.depth >= MAX_CALL_DEPTH) throw new AwkRuntimeError(`function call nesting too deep (more than ${MAX_CALL_DEPTH})`);
    const frame: Cell[] = [];
    for (const a of args) {
      if (a.type === 'var' && !(a.local < 0 && a.name === 'NF')) {
        // Arrays are passed by reference, scalars by value.
        const c = this.cell(a.name, a.local);
        if (c.v instanceof Map) frame.push({ v: c.v });
        else if (c.v === UNINIT) frame.push({ v: UNINIT, link: c });
        else frame.push({ v: c.v });
      } else frame.push({ v: await this.eval(a) });
    }
    while (frame.length < f.params.length) frame.push({ v: UNINIT });
    const saved = this.frame;
    this.frame = frame;
    this.depth++;
    this.returnValue = UNINIT;
    try {
      const c = await this.execBlock(f.body);
      const v = c === Completion.Return ? this.returnValue : UNINIT;
      this.returnValue = UNINIT;
      return v;
    } finally {
      this.frame = saved;
      this.depth--;
    }
  }
}
