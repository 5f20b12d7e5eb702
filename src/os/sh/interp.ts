/**
 * The shell interpreter: walks the syntax tree using only the `Proc` system calls.
 *
 * The shell keeps its own descriptor table (`fds`: the shell's fd → the process's real fd), so a
 * redirection on a builtin or a compound command is a new table for its duration rather than a
 * dup2 dance, and a spawned child gets exactly that table (`SpawnOptions.fds`). Pipelines run
 * each stage as a subshell (a copy of the shell state over the same process) concurrently:
 * external stages are spawned into one process group, builtin and compound stages run
 * in-process. Work is charged to the fuel budget per command and per loop iteration, so
 * `while true; do :; done` ends when the budget is spent (`charge` throws; nothing catches it).
 */
import { FUEL, OsError, SIGNAL_NUMBERS } from '../types.js';
import type { Proc, SpawnOptions } from '../types.js';
import type { AndOr, CaseCommand, Command, ForCommand, FunctionDef, IfCommand, List, Pipeline, Redirect, Script, SimpleCommand, WhileCommand } from './ast.js';
import { BUILTINS } from './builtins.js';
import { ExpandError, expandPattern, expandString, expandWords } from './expand.js';
import { parse, ShSyntaxError } from './parser.js';
import { compilePattern } from './pattern.js';
import { applyRedirect, errnoText, RedirectError } from './redirect.js';
import type { RedirectHost } from './redirect.js';
import { ExitSignal, LoopSignal, ReturnSignal } from './signals.js';

/** Fuel the interpreter charges on top of the system calls it makes. */
export const SH_FUEL = {
  /** Per simple command executed (builtin, function call or spawn). */
  command: FUEL.syscall,
  /** Per loop iteration. */
  iteration: FUEL.syscall,
  /** Per byte of script parsed (`sh -c`, files, `eval`, `.`). */
  sourceByte: FUEL.byte,
} as const;

/** Deepest function recursion before the shell gives up (the JS stack and memory are finite). */
export const MAX_FUNCTION_DEPTH = 200;

export interface ShellOptions {
  /** `$0`. */
  arg0: string;
  /** `$1…`. */
  args: readonly string[];
  /** `set -e`. */
  errexit?: boolean;
  /** `set -x`. */
  xtrace?: boolean;
}

const decoder = new TextDecoder();

/** Shared by the stages of one pipeline: the first spawned child leads the process group. */
interface ProcessGroup {
  leader?: Promise<number | undefined>;
}

export class Shell implements RedirectHost {
  vars: Map<string, string>;
  exported: Set<string>;
  funcs: Map<string, FunctionDef>;
  args: string[];
  arg0: string;
  status = 0;
  cwd: string;
  fds: Map<number, number>;
  errexit: boolean;
  xtrace: boolean;
  /** Nesting of contexts where a failure must not trigger `set -e` (conditions, `!`, `&&`/`||` operands). */
  condDepth = 0;
  loopDepth = 0;
  /** Saved variables for `local`, one frame per active function call. */
  localFrames: Map<string, string | undefined>[] = [];
  /** Function calls under way, counting those of the shells this one was copied from. */
  private callDepth = 0;
  private group: ProcessGroup | undefined;
  /**
   * Set on a pipeline stage that is a simple command: `ready` is called once the command has
   * spawned (or is known to run in-process), and an external command is not waited for here —
   * its pid goes to `stagePid` for the pipeline to wait on.
   */
  private stage: { ready: () => void } | undefined;
  private stagePid: number | undefined;
  /** Status of the last command substitution in the command being expanded. */
  private substStatus: number | undefined;
  /** Background jobs (`&`) of this shell, by the id `$!` gives: a pid, or `%N` for one run in-process. */
  private readonly jobs = new Map<string, Promise<number>>();
  private jobCount = 0;
  private lastJob = '';

  private constructor(
    readonly p: Proc,
    /** The top-level shell mirrors exports into `p.env` and `cd` into `p.cwd`; subshells don't. */
    readonly isMain: boolean,
    from: Shell | ShellOptions,
  ) {
    if (from instanceof Shell) {
      this.vars = new Map(from.vars);
      this.exported = new Set(from.exported);
      this.funcs = new Map(from.funcs);
      this.args = [...from.args];
      this.arg0 = from.arg0;
      this.status = from.status;
      this.cwd = from.cwd;
      this.fds = new Map(from.fds);
      this.errexit = from.errexit;
      this.xtrace = from.xtrace;
      this.callDepth = from.callDepth;
    } else {
      this.vars = new Map(p.env);
      this.exported = new Set(p.env.keys());
      this.funcs = new Map();
      this.args = [...from.args];
      this.arg0 = from.arg0;
      this.cwd = p.cwd;
      this.fds = new Map([
        [0, 0],
        [1, 1],
        [2, 2],
      ]);
      this.errexit = from.errexit ?? false;
      this.xtrace = from.xtrace ?? false;
    }
  }

  /** The top-level shell of process `p`. */
  static create(p: Proc, options: ShellOptions): Shell {
    return new Shell(p, true, options);
  }

  /** A copy of this shell's state over the same process: `( … )`, pipeline stages, `$( … )`. */
  subshell(fds: Map<number, number> = this.fds): Shell {
    const sub = new Shell(this.p, false, this);
    sub.fds = new Map(fds);
    return sub;
  }

  // --- ExpandHost -----------------------------------------------------------------------------

  lookup(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '#':
        return String(this.args.length);
      case '$':
        return String(this.p.pid);
      case '!':
        return this.lastJob;
      case '-':
        return (this.errexit ? 'e' : '') + (this.xtrace ? 'x' : '');
      case '@':
      case '*':
        return this.args.join(' ');
    }
    if (/^[0-9]+$/.test(name)) return name === '0' ? this.arg0 : this.args[Number(name) - 1];
    return this.vars.get(name);
  }

  readdir(path: string): string[] | null {
    try {
      return this.p.readdir(this.resolve(path));
    } catch (e) {
      if (e instanceof OsError) return null;
      throw e;
    }
  }

  exists(path: string): boolean {
    try {
      this.p.stat(this.resolve(path));
      return true;
    } catch (e) {
      if (e instanceof OsError) return false;
      throw e;
    }
  }

  positional(): readonly string[] {
    return this.args;
  }

  assign(name: string, value: string): void {
    this.vars.set(name, value);
    if (this.isMain && this.exported.has(name)) this.p.env.set(name, value);
  }

  export(name: string): void {
    this.exported.add(name);
    const value = this.vars.get(name);
    if (this.isMain && value !== undefined) this.p.env.set(name, value);
  }

  unset(name: string): void {
    this.vars.delete(name);
    this.exported.delete(name);
    if (this.isMain) this.p.env.delete(name);
  }

  setCwd(path: string): void {
    this.cwd = path;
    if (this.isMain) this.p.cwd = path;
  }

  async commandSubstitution(body: Script): Promise<string> {
    const [r, w] = this.p.pipe();
    const fds = new Map(this.fds);
    fds.set(1, w);
    const run = this.subshell(fds)
      .runScript(body)
      .finally(() => this.p.close(w));
    run.catch(() => undefined); // awaited below; a failure while reading must not leave it unhandled
    let out = '';
    try {
      for (let chunk = await this.p.read(r, 65536); chunk; chunk = await this.p.read(r, 65536)) out += decoder.decode(chunk, { stream: true });
    } finally {
      this.p.close(r);
    }
    this.substStatus = await run;
    return (out + decoder.decode()).replace(/\n+$/, '');
  }

  // --- I/O helpers ----------------------------------------------------------------------------

  /** Writes to the shell's descriptor `fd`. */
  async write(fd: number, text: string): Promise<void> {
    const real = this.fds.get(fd);
    if (real === undefined) throw new OsError('EBADF', `${fd}: bad file descriptor`);
    await this.p.write(real, text);
  }

  /** `sh: message` on standard error; a failure to report is not itself reported. */
  async error(message: string): Promise<void> {
    try {
      await this.write(2, `sh: ${message}\n`);
    } catch (e) {
      if (!(e instanceof OsError)) throw e;
    }
  }

  private async trace(words: string[]): Promise<void> {
    try {
      await this.write(2, `+ ${words.join(' ')}\n`);
    } catch (e) {
      if (!(e instanceof OsError)) throw e;
    }
  }

  resolve(path: string): string {
    const parts = (path.startsWith('/') ? path : `${this.cwd}/${path}`).split('/');
    const out: string[] = [];
    for (const part of parts) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return '/' + out.join('/');
  }

  charge(fuel: number): void {
    this.p.charge(fuel);
  }

  /** Parses source text, charging for it; a syntax error is reported and yields null. */
  async parseSource(source: string, what = 'sh'): Promise<Script | null> {
    this.charge(source.length * SH_FUEL.sourceByte);
    try {
      return parse(source);
    } catch (e) {
      if (!(e instanceof ShSyntaxError)) throw e;
      await this.error(what === 'sh' ? e.message : `${what}: ${e.message}`);
      return null;
    }
  }

  // --- Execution ------------------------------------------------------------------------------

  /** Runs a whole script (or subshell body): `exit` ends it here. */
  async runScript(script: Script): Promise<number> {
    let status: number;
    try {
      status = await this.runList(script);
    } catch (e) {
      if (e instanceof ExitSignal) status = this.status = e.status;
      else if (e instanceof ReturnSignal) status = this.status = e.status;
      else if (e instanceof LoopSignal) status = this.status;
      else throw e;
    }
    // Background jobs run in this process, so a shell waits for them before it ends.
    await this.waitJobs([]);
    return status;
  }

  async runList(list: List): Promise<number> {
    let status = 0;
    for (const item of list.items) status = item.background ? await this.startJob(item) : await this.runAndOr(item);
    this.status = status;
    return status;
  }

  /**
   * `list &`: runs the list concurrently in a subshell, its stdin /dev/null (POSIX, for a shell
   * without job control), and returns 0 at once. A job that is one external command is that
   * process (`$!` is its pid); any other runs in-process (`$!` is `%N`).
   */
  private async startJob(item: AndOr): Promise<number> {
    this.charge(SH_FUEL.command);
    const fds = new Map(this.fds);
    const devNull = await this.p.open('/dev/null', { read: true });
    fds.set(0, devNull);
    const sub = this.subshell(fds);
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const only = item.first.commands[0]!;
    if (item.rest.length === 0 && !item.first.bang && item.first.commands.length === 1 && only.type === 'simple') sub.stage = { ready };
    else ready();
    const done = sub.runScript({ type: 'list', items: [{ ...item, background: false }] }).finally(() => {
      this.p.close(devNull);
      ready();
    });
    await started;
    const pid = sub.stagePid;
    const id = pid !== undefined ? String(pid) : `%${++this.jobCount}`;
    const status = pid !== undefined ? done.then(() => this.p.wait(pid)) : done;
    status.catch(() => undefined); // awaited by `wait` or when the shell ends
    this.jobs.set(id, status);
    this.lastJob = id;
    return 0;
  }

  /**
   * The `wait` builtin: every job (status 0), or the given ones (the status of the last; 127
   * for an id that is not a job of this shell).
   */
  async waitJobs(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) {
      for (const [id, job] of [...this.jobs]) {
        this.jobs.delete(id);
        await job;
      }
      return 0;
    }
    let status = 0;
    for (const id of ids) {
      const job = this.jobs.get(id);
      if (!job) {
        await this.error(`wait: ${id}: not a job of this shell`);
        status = 127;
        continue;
      }
      this.jobs.delete(id);
      status = await job;
    }
    return status;
  }

  private async runAndOr(node: AndOr): Promise<number> {
    const last = node.rest.length;
    let status = await this.runPipeline(node.first, last > 0);
    let ranLast = last === 0;
    let negated = node.first.bang;
    for (const [i, { op, pipeline }] of node.rest.entries()) {
      if ((op === '&&') !== (status === 0)) continue;
      status = await this.runPipeline(pipeline, i < last - 1);
      ranLast = i === last - 1;
      negated = pipeline.bang;
    }
    if (status !== 0 && this.errexit && this.condDepth === 0 && ranLast && !negated) throw new ExitSignal(status);
    return status;
  }

  private async runPipeline(node: Pipeline, condition: boolean): Promise<number> {
    const cond = condition || node.bang;
    if (cond) this.condDepth++;
    let status: number;
    try {
      status = node.commands.length === 1 ? await this.runCommand(node.commands[0]!) : await this.runStages(node.commands);
    } finally {
      if (cond) this.condDepth--;
    }
    if (node.bang) status = status === 0 ? 1 : 0;
    this.status = status;
    return status;
  }

  /**
   * `a | b | c`: one pipe between each pair, every stage a subshell, the status of the last.
   * Stages start in order, each once the previous one has spawned its process (or began running
   * in-process), so pids and the process group follow the pipeline; external stages are then
   * waited for in order, one pending wait at a time.
   */
  private async runStages(commands: Command[]): Promise<number> {
    const pipes: [number, number][] = [];
    for (let i = 0; i < commands.length - 1; i++) pipes.push(this.p.pipe());
    const group: ProcessGroup = {};
    const results: Promise<number | { pid: number }>[] = [];
    for (const [i, command] of commands.entries()) {
      const fds = new Map(this.fds);
      const own: number[] = [];
      if (i > 0) {
        fds.set(0, pipes[i - 1]![0]);
        own.push(pipes[i - 1]![0]);
      }
      if (i < commands.length - 1) {
        fds.set(1, pipes[i]![1]);
        own.push(pipes[i]![1]);
      }
      const sub = this.subshell(fds);
      sub.group = group;
      let ready!: () => void;
      const started = new Promise<void>((resolve) => (ready = resolve));
      if (command.type === 'simple') sub.stage = { ready };
      else ready();
      const done = sub
        .runScript({ type: 'list', items: [{ type: 'andor', first: { type: 'pipeline', bang: false, commands: [command] }, rest: [] }] })
        .finally(() => {
          // The stage's ends close once it spawned or finished, so readers see end of file and writers EPIPE.
          for (const fd of own) this.p.close(fd);
          ready();
        });
      const result = done.then((status) => (sub.stagePid !== undefined ? { pid: sub.stagePid } : status));
      result.catch(() => undefined); // awaited in order below; one failure must not leave the rest unhandled
      results.push(result);
      await started;
    }
    let status = 0;
    for (const result of results) {
      const r = await result;
      status = typeof r === 'number' ? r : await this.p.wait(r.pid);
    }
    return status;
  }

  async runCommand(command: Command): Promise<number> {
    switch (command.type) {
      case 'simple':
        return this.runSimple(command);
      case 'if':
        return this.withRedirects(command.redirects, () => this.runIf(command));
      case 'while':
        return this.withRedirects(command.redirects, () => this.runWhile(command));
      case 'for':
        return this.withRedirects(command.redirects, () => this.runFor(command));
      case 'case':
        return this.withRedirects(command.redirects, () => this.runCase(command));
      case 'group':
        return this.withRedirects(command.redirects, () => this.runList(command.body));
      case 'subshell':
        return this.withRedirects(command.redirects, () => this.subshell().runScript(command.body));
      case 'function':
        this.funcs.set(command.name, command);
        return 0;
    }
  }

  private async condition(list: List): Promise<number> {
    this.condDepth++;
    try {
      return await this.runList(list);
    } finally {
      this.condDepth--;
    }
  }

  private async runIf(node: IfCommand): Promise<number> {
    for (const clause of node.clauses) if ((await this.condition(clause.cond)) === 0) return this.runList(clause.then);
    return node.else ? this.runList(node.else) : 0;
  }

  /** Runs one loop body; true when the loop must stop (`break`). */
  private async loopBody(body: List): Promise<{ stop: boolean; status: number }> {
    try {
      return { stop: false, status: await this.runList(body) };
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      if (e.levels > 1) throw new LoopSignal(e.kind, e.levels - 1);
      return { stop: e.kind === 'break', status: 0 };
    }
  }

  private async runWhile(node: WhileCommand): Promise<number> {
    let status = 0;
    this.loopDepth++;
    try {
      for (;;) {
        this.charge(SH_FUEL.iteration);
        const cond = await this.condition(node.cond);
        if ((cond === 0) === node.until) break;
        const r = await this.loopBody(node.body);
        status = r.status;
        if (r.stop) break;
      }
    } finally {
      this.loopDepth--;
    }
    return (this.status = status);
  }

  private async runFor(node: ForCommand): Promise<number> {
    const items = node.items ? await expandWords(this, node.items) : [...this.args];
    let status = 0;
    this.loopDepth++;
    try {
      for (const item of items) {
        this.charge(SH_FUEL.iteration);
        this.assign(node.name, item);
        const r = await this.loopBody(node.body);
        status = r.status;
        if (r.stop) break;
      }
    } finally {
      this.loopDepth--;
    }
    return (this.status = status);
  }

  private async runCase(node: CaseCommand): Promise<number> {
    const subject = await expandString(this, node.subject);
    for (const item of node.items) {
      for (const pattern of item.patterns) {
        if (compilePattern(await expandPattern(this, pattern)).test(subject)) return item.body ? this.runList(item.body) : 0;
      }
    }
    return 0;
  }

  private async runSimple(cmd: SimpleCommand): Promise<number> {
    const stage = this.stage;
    this.stage = undefined; // only the stage's own command, not what a function it calls runs
    if (!stage) return this.runSimpleCommand(cmd, undefined);
    try {
      return await this.runSimpleCommand(cmd, stage);
    } finally {
      stage.ready();
    }
  }

  private async runSimpleCommand(cmd: SimpleCommand, stage: { ready: () => void } | undefined): Promise<number> {
    this.charge(SH_FUEL.command);
    let argv: string[];
    const assigns: [string, string][] = [];
    this.substStatus = undefined; // `$(…)` sets it; an assignment-only command returns it.
    try {
      argv = await expandWords(this, cmd.words);
      for (const a of cmd.assigns) assigns.push([a.name, await expandString(this, a.value)]);
    } catch (e) {
      if (!(e instanceof ExpandError)) throw e;
      await this.error(e.message);
      return 1;
    }
    if (argv.length === 0) {
      const status = this.substStatus ?? 0;
      for (const [name, value] of assigns) this.assign(name, value);
      return this.withRedirects(cmd.redirects, async () => status);
    }
    if (this.xtrace) await this.trace([...assigns.map(([n, v]) => `${n}=${v}`), ...argv]);
    const name = argv[0]!;
    if (name === 'exec' && argv.length === 1) return this.execRedirects(cmd.redirects);

    const fn = this.funcs.get(name);
    const builtin = BUILTINS[name];
    if (fn || builtin) {
      stage?.ready();
      return this.withRedirects(cmd.redirects, () =>
        this.withTempVars(assigns, async () => {
          if (fn) return this.callFunction(fn, argv);
          try {
            return await builtin!(this, argv);
          } catch (e) {
            if (!(e instanceof OsError)) throw e;
            // A subshell writing into a pipe nobody reads ends as SIGPIPE would end a forked one.
            if (e.code === 'EPIPE') {
              if (!this.isMain) throw new ExitSignal(128 + SIGNAL_NUMBERS.SIGPIPE);
              return 1;
            }
            await this.error(`${name}: ${errnoText(e)}`);
            return 1;
          }
        }),
      );
    }
    return this.withRedirects(cmd.redirects, () => this.spawnAndWait(argv, assigns, stage));
  }

  /** `exec >file`: redirections that stay for the rest of the shell. */
  private async execRedirects(redirects: Redirect[]): Promise<number> {
    const fds = new Map(this.fds);
    try {
      for (const r of redirects) await applyRedirect(this, r, fds, [], []);
    } catch (e) {
      if (!(e instanceof RedirectError)) throw e;
      await this.error(e.message);
      return 1;
    }
    this.fds = fds;
    return 0;
  }

  private async withTempVars(assigns: [string, string][], run: () => Promise<number>): Promise<number> {
    if (assigns.length === 0) return run();
    const saved = assigns.map(([name]) => [name, this.vars.get(name)] as const);
    for (const [name, value] of assigns) this.assign(name, value);
    try {
      return await run();
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) this.vars.delete(name);
        else this.assign(name, value);
      }
    }
  }

  async callFunction(fn: FunctionDef, argv: string[]): Promise<number> {
    if (this.callDepth >= MAX_FUNCTION_DEPTH) {
      await this.error(`${fn.name}: function nesting deeper than ${MAX_FUNCTION_DEPTH}`);
      throw new ExitSignal(2);
    }
    const savedArgs = this.args;
    const frame = new Map<string, string | undefined>();
    this.args = argv.slice(1);
    this.localFrames.push(frame);
    this.callDepth++;
    try {
      return await this.runCommand(fn.body);
    } catch (e) {
      if (e instanceof ReturnSignal) return (this.status = e.status);
      throw e;
    } finally {
      this.args = savedArgs;
      this.localFrames.pop();
      this.callDepth--;
      for (const [name, value] of frame) {
        if (value === undefined) this.vars.delete(name);
        else this.vars.set(name, value);
      }
    }
  }

  /** The environment a child gets: exported variables plus the command's own assignments. */
  private childEnv(assigns: [string, string][]): Map<string, string> {
    const env = new Map<string, string>();
    for (const name of this.exported) {
      const value = this.vars.get(name);
      if (value !== undefined) env.set(name, value);
    }
    for (const [name, value] of assigns) env.set(name, value);
    return env;
  }

  /**
   * Spawns argv with the shell's descriptors and waits: its status (127: not found). As a pipeline
   * stage, it does not wait: the next stage may start at once, and the pid goes to `stagePid`.
   */
  async spawnAndWait(argv: string[], assigns: [string, string][] = [], stage?: { ready: () => void }): Promise<number> {
    const options: SpawnOptions = { fds: Object.fromEntries(this.fds), env: this.childEnv(assigns), cwd: this.cwd };
    let pid: number;
    try {
      pid = await this.spawn(argv, options);
    } catch (e) {
      if (!(e instanceof OsError)) throw e;
      stage?.ready();
      if (e.code === 'ENOENT') {
        await this.error(`${argv[0]}: not found`);
        return 127;
      }
      await this.error(`${argv[0]}: ${errnoText(e)}`);
      return 126;
    }
    if (stage) {
      this.stagePid = pid;
      stage.ready();
      return 0;
    }
    return this.p.wait(pid);
  }

  /** Spawns into the pipeline's process group: the first child leads it, the rest join. */
  private async spawn(argv: string[], options: SpawnOptions): Promise<number> {
    const group = this.group;
    if (!group) return this.p.spawn(argv, options);
    const lead = (): Promise<number> => {
      const pid = this.p.spawn(argv, { ...options, pgid: 0 });
      group.leader = pid.then(
        (n) => n,
        () => undefined,
      );
      return pid;
    };
    const leader = group.leader && (await group.leader);
    if (leader === undefined) return lead();
    try {
      return await this.p.spawn(argv, { ...options, pgid: leader });
    } catch (e) {
      // The group is gone once every member exited (setpgid's EPERM): start a new one.
      if (e instanceof OsError && e.code === 'EPERM') return lead();
      throw e;
    }
  }

  /** Runs `run` with the redirections applied to a copy of the descriptor table. */
  async withRedirects(redirects: Redirect[], run: () => Promise<number>): Promise<number> {
    if (redirects.length === 0) return run();
    const saved = this.fds;
    const fds = new Map(saved);
    const opened: number[] = [];
    const writers: Promise<void>[] = [];
    try {
      try {
        for (const r of redirects) await applyRedirect(this, r, fds, opened, writers);
      } catch (e) {
        if (!(e instanceof RedirectError)) throw e;
        await this.error(e.message);
        return (this.status = 1);
      }
      this.fds = fds;
      return await run();
    } finally {
      this.fds = saved;
      for (const fd of opened) this.p.close(fd);
      await Promise.all(writers);
    }
  }
}
