/**
 * The guest kernel: a VFS, a process table, pipes and a deterministic scheduler, all in one
 * JavaScript event loop (browser or Node, no SharedArrayBuffer). `run(argv)` starts argv[0] as
 * pid 1 with stdin from the caller and stdout/stderr captured, lets it spawn, pipe and wait, and
 * when pid 1 exits SIGKILLs whatever is left. The VFS survives between runs; every run has its
 * own fuel budget, shared by all its processes.
 *
 * @example
 *   const kernel = Kernel.create({ programs: { echo: async (p) => (await p.write(1, p.argv.slice(1).join(' ') + '\n'), 0) }, maxInstructions: 10_000_000n });
 *   const r = await kernel.run(['echo', 'hi']); // r.status 0, r.stdout 'hi\n'
 */
import type { ResultErrorKind } from '../../errors.js';
import { FUEL, OsError, SIGNAL_NUMBERS } from '../types.js';
import type { Program, Signal, SpawnOptions } from '../types.js';
import { osError } from './errno.js';
import { Capture } from './fd.js';
import type { Description } from './fd.js';
import { DEFAULT_PIPE_CAPACITY, Pipe } from './pipe.js';
import { Process } from './process.js';
import type { ProcessHost } from './process.js';
import { Killed, Scheduler, Stopped } from './scheduler.js';
import { DEFAULT_QUOTA_BYTES, Vfs } from './vfs.js';
import type { VfsImage } from './vfs.js';

/** The content of `/bin/<name>` for a built-in program: spawning the file runs `programs[name]`. */
export const PROGRAM_MAGIC = '#!outlayer-program ';

export interface KernelOptions {
  /** The root image's binaries by name: `/bin/<name>`, found through PATH (default '/bin'). */
  programs: Readonly<Record<string, Program>>;
  /** The fuel budget of each run, shared by all its processes. */
  maxInstructions: bigint;
  /** Processes alive or not yet waited for (default 64): spawn beyond fails with EAGAIN. */
  maxProcesses?: number;
  /** Disk quota: file bytes + 64 per entry (default 64 MiB). */
  quotaBytes?: number;
  /** Mounted at /: a VFS snapshot or `{ path: content }`. */
  image?: VfsImage;
  /** The virtual clock's start (ns since the epoch), e.g. the block timestamp. Default 0. */
  blockTimestampNs?: bigint;
  /** pid 1's environment, over the default { PATH: '/bin', HOME: '/' }. */
  env?: Readonly<Record<string, string>>;
  /** Cap on each captured stdout/stderr (default 1 MiB): more ends the run with output_limit. */
  maxOutputBytes?: number;
  /** Pipe buffer size (default 64 KiB). */
  pipeCapacity?: number;
}

export interface RunOptions {
  stdin?: Uint8Array | string;
  /** pid 1's working directory (default '/'). */
  cwd?: string;
}

/** The result kinds (docs/errors.md) a run can end with. */
export type KernelErrorKind = Extract<ResultErrorKind, 'out_of_fuel' | 'trap' | 'output_limit'>;

export interface RunResult {
  /** pid 1's exit status (0–255, 128 + signal when killed); 137 when the OS stopped first (error set). */
  status: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  fuelUsed: bigint;
  error: null | { kind: KernelErrorKind; message: string };
}

const OPTION_KEYS = new Set(['programs', 'maxInstructions', 'maxProcesses', 'quotaBytes', 'image', 'blockTimestampNs', 'env', 'maxOutputBytes', 'pipeCapacity']);
const STATUS_STOPPED = 128 + SIGNAL_NUMBERS.SIGKILL;
const encoder = new TextEncoder();

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

export class Kernel {
  readonly vfs: Vfs;
  private clockOffset = 0n;
  private active: Run | null = null;

  private constructor(
    readonly options: Readonly<Required<Omit<KernelOptions, 'image' | 'env'>>> & { env: Record<string, string> },
    image: VfsImage | undefined,
  ) {
    const clock = (): bigint => (this.active ? this.active.now() : options.blockTimestampNs + this.clockOffset);
    this.vfs = image ? Vfs.fromImage(image, { quotaBytes: options.quotaBytes, clock }) : new Vfs({ quotaBytes: options.quotaBytes, clock });
    this.vfs.mkdir('/bin', '/', { recursive: true });
    for (const name of Object.keys(options.programs).sort()) this.vfs.writeFile(`/bin/${name}`, `${PROGRAM_MAGIC}${name}\n`);
  }

  /** Validates `options` (unknown keys rejected) and mounts the image with /bin/<program> for each program. */
  static create(options: KernelOptions): Kernel {
    if (typeof options !== 'object' || options === null) throw new TypeError('Kernel.create needs options');
    for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw new TypeError(`unknown kernel option ${key}`);
    const programs = options.programs;
    if (typeof programs !== 'object' || programs === null) throw new TypeError('programs must be an object of functions');
    for (const [name, program] of Object.entries(programs)) {
      if (!/^[^/\0\s]{1,255}$/.test(name) || name === '.' || name === '..') throw new TypeError(`bad program name ${JSON.stringify(name)}`);
      if (typeof program !== 'function') throw new TypeError(`program ${name} is not a function`);
    }
    if (typeof options.maxInstructions !== 'bigint' || options.maxInstructions < 0n) throw new TypeError('maxInstructions must be a non-negative bigint');
    const ts = options.blockTimestampNs ?? 0n;
    if (typeof ts !== 'bigint' || ts < 0n) throw new TypeError('blockTimestampNs must be a non-negative bigint');
    const env = { PATH: '/bin', HOME: '/', ...(options.env ?? {}) };
    for (const [k, v] of Object.entries(env)) if (typeof v !== 'string' || k === '' || k.includes('=')) throw new TypeError(`bad environment variable ${k}`);
    const quotaBytes = options.quotaBytes ?? DEFAULT_QUOTA_BYTES;
    if (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0) throw new TypeError('quotaBytes must be a non-negative integer');
    return new Kernel(
      {
        programs,
        maxInstructions: options.maxInstructions,
        maxProcesses: positiveInt(options.maxProcesses, 'maxProcesses', 64),
        quotaBytes,
        blockTimestampNs: ts,
        env,
        maxOutputBytes: positiveInt(options.maxOutputBytes, 'maxOutputBytes', 1024 * 1024),
        pipeCapacity: positiveInt(options.pipeCapacity, 'pipeCapacity', DEFAULT_PIPE_CAPACITY),
      },
      options.image,
    );
  }

  /** Runs argv[0] as pid 1 until it exits (then SIGKILLs the rest); guest failures are results, never exceptions. */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (this.active) throw new Error('Kernel.run: a run is already in progress');
    for (const key of Object.keys(options)) if (key !== 'stdin' && key !== 'cwd') throw new TypeError(`unknown run option ${key}`);
    const run = new Run(this, this.options.blockTimestampNs + this.clockOffset);
    this.active = run;
    try {
      return await run.start(argv, options);
    } finally {
      this.clockOffset += BigInt(run.fuel);
      this.active = null;
    }
  }
}

/** One execution: its process table, fuel and captured output. */
class Run implements ProcessHost {
  readonly scheduler: Scheduler;
  readonly vfs: Vfs;
  readonly pipeCapacity: number;
  stopped = false;
  fuel = 0;
  private readonly limit: number;
  private clockBase: bigint;
  private readonly table = new Map<number, Process>();
  private nextPid = 1;
  private init: Process | null = null;
  private error: RunResult['error'] = null;
  private readonly stdout: Capture;
  private readonly stderr: Capture;
  private finished!: () => void;

  constructor(
    private readonly kernel: Kernel,
    clockStart: bigint,
  ) {
    this.vfs = kernel.vfs;
    this.pipeCapacity = kernel.options.pipeCapacity;
    const max = kernel.options.maxInstructions;
    this.limit = max > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(max);
    this.clockBase = clockStart;
    this.stdout = new Capture(kernel.options.maxOutputBytes);
    this.stderr = new Capture(kernel.options.maxOutputBytes);
    this.scheduler = new Scheduler({
      advanceTo: (t) => {
        this.clockBase += t - this.now();
      },
      idle: () => this.finished(),
      deadlock: () => this.deadlock(),
    });
  }

  /** Virtual time: the start, plus sleeps skipped over, plus 1 ns per unit of fuel spent. */
  now(): bigint {
    return this.clockBase + BigInt(this.fuel);
  }

  async start(argv: readonly string[], options: RunOptions): Promise<RunResult> {
    const done = new Promise<void>((resolve) => {
      this.finished = resolve;
    });
    const input = typeof options.stdin === 'string' ? encoder.encode(options.stdin) : (options.stdin ?? new Uint8Array(0));
    const stdin = new Pipe(Math.max(1, input.length));
    stdin.put(input);
    stdin.readers = 1;
    const stdio: Description[] = [
      { kind: 'pipe-read', pipe: stdin, refs: 0 },
      { kind: 'capture', capture: this.stdout, refs: 0 },
      { kind: 'capture', capture: this.stderr, refs: 0 },
    ];
    try {
      const cwd = this.vfs.realpath(options.cwd ?? '/', '/');
      this.init = this.create(null, argv, new Map(Object.entries(this.kernel.options.env)), cwd, 0, stdio);
      this.scheduler.dispatch();
    } catch (e) {
      if (!(e instanceof OsError || e instanceof Stopped)) throw e;
      // pid 1 could not start: report it as the shell does, status 127 (not found) or 126.
      if (e instanceof OsError) this.stderr.chunks.push(encoder.encode(`${e.message}\n`));
      this.stderr.bytes = this.stderr.chunks.reduce((n, c) => n + c.length, 0);
      return this.result(e instanceof OsError && e.code === 'ENOENT' ? 127 : 126);
    }
    await done;
    return this.result(this.init.status ?? STATUS_STOPPED);
  }

  private result(status: number): RunResult {
    return { status: this.error ? STATUS_STOPPED : status, stdout: this.stdout.concat(), stderr: this.stderr.concat(), fuelUsed: BigInt(this.fuel), error: this.error };
  }

  charge(fuel: number): void {
    if (this.stopped) throw new Stopped();
    this.fuel += Math.ceil(fuel);
    if (this.fuel > this.limit) {
      this.fuel = this.limit;
      this.stop('out_of_fuel', `out of fuel: the budget of ${this.limit} was spent`);
      throw new Stopped('out of fuel');
    }
  }

  fuelLeft(): bigint {
    return BigInt(this.limit - this.fuel);
  }

  capture(c: Capture, bytes: Uint8Array): void {
    const room = c.limit - c.bytes;
    const part = bytes.length > room ? bytes.subarray(0, room) : bytes;
    c.chunks.push(part.slice());
    c.bytes += part.length;
    if (part.length < bytes.length) {
      this.stop('output_limit', `${c === this.stdout ? 'stdout' : 'stderr'} exceeded ${c.limit} bytes`);
      throw new Stopped('output limit');
    }
  }

  /** Ends the run with an error; the processes are abandoned where they are (their descriptors closed). */
  private stop(kind: NonNullable<RunResult['error']>['kind'], message: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.error = { kind, message };
    this.scheduler.stop();
    for (const p of this.table.values()) if (p.status === null) p.fds.closeAll();
    this.finished();
  }

  /**
   * Nothing can run. A killed process with no call pending (its program awaits something that is
   * not the kernel's) cannot unwind: it exits here and the others go on. Otherwise: deadlock.
   */
  private deadlock(): void {
    const stuck = [...this.table.values()].filter((p) => p.status === null && p.task.killedBy !== null && p.task.waiters.length === 0);
    if (stuck.length === 0) return this.stop('trap', 'deadlock: every process is blocked');
    for (const p of stuck) this.exit(p, 128 + SIGNAL_NUMBERS[p.task.killedBy!]);
    if (this.scheduler.current === null) this.scheduler.dispatch();
  }

  // ---- processes ----

  private create(parent: Process | null, argv: readonly string[], env: Map<string, string>, cwd: string, pgid: number, fds: Description[] | Map<number, Description>): Process {
    if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) throw osError('EINVAL', 'argv must be a non-empty list of strings');
    const resolved = this.resolve(argv, env.get('PATH') ?? '/bin', cwd);
    if (this.table.size >= this.kernel.options.maxProcesses) throw new OsError('EAGAIN', `spawn ${argv[0]}: process limit (${this.kernel.options.maxProcesses}) reached`);
    const pid = this.nextPid++;
    const p = new Process(this, pid, parent?.pid ?? 0, pgid === 0 ? pid : pgid, resolved.argv, env, cwd, resolved.program);
    const entries = fds instanceof Map ? [...fds] : fds.map((d, i) => [i, d] as const);
    for (const [fd, d] of entries) p.fds.set(fd, d);
    p.task = this.scheduler.newTask(pid, () => void this.runTask(p));
    this.table.set(pid, p);
    return p;
  }

  /** argv[0] → a program: through PATH without '/', else the path; `#!interpreter` scripts run the interpreter (one level). */
  private resolve(argv: readonly string[], path: string, cwd: string, depth = 0): { program: Program; argv: readonly string[] } {
    const name = argv[0]!;
    const candidates = name.includes('/') ? [name] : name === '' ? [] : path.split(':').map((dir) => `${dir === '' ? '.' : dir}/${name}`);
    let denied = false;
    for (const candidate of candidates) {
      let node;
      try {
        node = this.vfs.lookup(candidate, cwd);
      } catch (e) {
        if (e instanceof OsError && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) continue;
        throw e;
      }
      if (node.kind !== 'file') {
        denied = true;
        continue;
      }
      const head = new TextDecoder().decode(node.bytes().subarray(0, 512)).split('\n')[0]!;
      if (head.startsWith(PROGRAM_MAGIC)) {
        const program = this.kernel.options.programs[head.slice(PROGRAM_MAGIC.length).trim()];
        if (typeof program === 'function' && Object.hasOwn(this.kernel.options.programs, head.slice(PROGRAM_MAGIC.length).trim())) return { program, argv };
      } else if (head.startsWith('#!') && depth === 0) {
        const interpreter = head.slice(2).trim().split(/\s+/)[0] ?? '';
        if (interpreter !== '') return this.resolve([interpreter, candidate, ...argv.slice(1)], path, cwd, 1);
      }
      denied = true;
    }
    throw osError(denied ? 'EACCES' : 'ENOENT', name);
  }

  spawn(parent: Process, argv: readonly string[], options: SpawnOptions): number {
    this.charge(FUEL.spawn);
    const cwd = options.cwd === undefined ? parent.cwd : this.vfs.realpath(options.cwd, parent.cwd);
    let env: Map<string, string>;
    if (options.env === undefined) env = new Map(parent.env);
    else {
      env = new Map(options.env instanceof Map ? options.env : Object.entries(options.env));
      for (const [k, v] of env) if (typeof k !== 'string' || typeof v !== 'string') throw osError('EINVAL', 'environment');
    }
    const fds = new Map<number, Description>();
    for (const [child, from] of Object.entries(options.fds ?? { 0: 0, 1: 1, 2: 2 })) {
      const fd = Number(child);
      if (!Number.isInteger(fd) || fd < 0 || fd >= 256) throw osError('EBADF', `fd ${child}`);
      if (options.fds === undefined && !parent.fds.has(from)) continue;
      fds.set(fd, parent.fds.get(from));
    }
    const pgid = options.pgid ?? parent.pgid;
    if (!Number.isSafeInteger(pgid) || pgid < 0) throw osError('EINVAL', `pgid ${pgid}`);
    // Joining a group needs a live member (setpgid's EPERM); 0 starts a new one led by the child.
    if (pgid !== 0 && pgid !== parent.pgid && ![...this.table.values()].some((p) => p.status === null && p.pgid === pgid)) throw osError('EPERM', `process group ${pgid}`);
    return this.create(parent, argv, env, cwd, pgid, fds).pid;
  }

  async wait(parent: Process, pid: number): Promise<number> {
    const child = this.table.get(pid);
    if (!child || child.ppid !== parent.pid || child.orphan) throw osError('ECHILD', `pid ${pid}`);
    await this.scheduler.block(parent.task, () => child.status !== null);
    // Another wait of the same parent cannot have reaped it: a process makes one call at a time.
    this.table.delete(pid);
    return child.status!;
  }

  kill(sender: Process, pid: number, signal: Signal): void {
    if (!Object.hasOwn(SIGNAL_NUMBERS, signal)) throw osError('EINVAL', `signal ${String(signal)}`);
    if (!Number.isSafeInteger(pid)) throw osError('EINVAL', `pid ${pid}`);
    let targets: Process[];
    if (pid > 0) {
      const p = this.table.get(pid);
      if (!p) throw osError('ESRCH', `pid ${pid}`);
      targets = [p];
    } else {
      const group = pid === 0 ? sender.pgid : -pid;
      targets = [...this.table.values()].filter((p) => p.pgid === group && p.status === null);
      if (targets.length === 0) throw osError('ESRCH', `process group ${group}`);
    }
    for (const p of targets) this.signal(p, signal);
    if (sender.task.killedBy) sender.check(); // it signalled itself: throws Killed
  }

  /** Delivers a signal: every signal's action is to terminate (SIGPIPE may be ignored). */
  private signal(p: Process, signal: Signal): void {
    if (p.status !== null || p.task.killedBy) return;
    if (signal === 'SIGPIPE' && p.sigpipeIgnored) return;
    p.task.killedBy = signal;
    if (p.task.state === 'new') this.exit(p, 128 + SIGNAL_NUMBERS[signal]);
  }

  abandon(p: Process): void {
    if (p.status !== null || !p.task.killedBy) return;
    this.exit(p, 128 + SIGNAL_NUMBERS[p.task.killedBy]);
  }

  private async runTask(p: Process): Promise<void> {
    let status: number;
    try {
      const r: unknown = await p.program(p);
      status = typeof r === 'number' && Number.isInteger(r) ? r & 255 : 1;
    } catch (e) {
      if (this.stopped) return;
      status = 1;
      if (!(e instanceof Killed) && !p.task.killedBy) {
        const message = e instanceof Error ? e.message : String(e);
        try {
          if (p.fds.has(2)) await p.write(2, `${p.argv[0]}: ${message}\n`);
        } catch {
          // stderr is gone (a closed pipe, the OS stopping): the status says enough.
        }
      }
    }
    if (this.stopped || p.status !== null) return;
    if (p.task.killedBy) status = 128 + SIGNAL_NUMBERS[p.task.killedBy];
    this.exit(p, status);
  }

  /**
   * The process is done: its descriptors close (pipe ends with them), its children are orphaned,
   * pid 1 takes everyone with it; then, if it held the turn, the turn passes on.
   */
  private exit(p: Process, status: number): void {
    p.status = status;
    p.fds.closeAll();
    for (const child of this.table.values()) {
      if (child.ppid !== p.pid) continue;
      if (child.status !== null) this.table.delete(child.pid);
      else child.orphan = true;
    }
    if (p.orphan) this.table.delete(p.pid);
    if (p === this.init) for (const other of this.table.values()) if (other !== p) this.signal(other, 'SIGKILL');
    this.scheduler.remove(p.task);
  }
}
