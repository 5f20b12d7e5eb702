/**
 * A small multi-process fake OS for testing `sh` without the kernel: programs come from a table,
 * processes are async functions running concurrently on the JS event loop, pipes are unbounded
 * in-memory buffers (a read of an empty pipe waits for a writer or end of file), files live in a
 * map, and `charge` counts against a budget that throws `FakeBudgetExhausted` once spent.
 *
 * @example
 *   const r = await runFakeOs(sh, ['sh', '-c', 'echo hi | count']);
 *   // r.status === 0, r.stdout === '1\n'
 *
 * Test-only; no Node-only imports, so it runs in browsers too.
 */
import { FUEL, OsError } from '../types.js';
import type { OpenFlags, Proc, Program, Signal, SpawnOptions, Stat, Whence } from '../types.js';

export class FakeBudgetExhausted extends Error {
  override name = 'FakeBudgetExhausted';
  constructor(readonly budget: number) {
    super(`out of fuel (budget ${budget})`);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? encoder.encode(data) : data);

class Pipe {
  data: number[] = [];
  writers = 0;
  readers = 0;
  private waiters: (() => void)[] = [];
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

type Desc = { refs: number } & (
  | { kind: 'pipe-r'; pipe: Pipe }
  | { kind: 'pipe-w'; pipe: Pipe }
  | { kind: 'file'; path: string; pos: number; read: boolean; write: boolean; append: boolean }
  | { kind: 'sink'; out: string[] }
  | { kind: 'source'; data: Uint8Array; pos: number }
);

export function resolveFakePath(cwd: string, path: string): string {
  const out: string[] = [];
  for (const part of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

export interface SpawnRecord {
  argv: readonly string[];
  pgid: number | undefined;
  fds: Readonly<Record<number, number>> | undefined;
}

export interface FakeOsOptions {
  /** Added to (and overriding) `FAKE_PROGRAMS`. */
  programs?: Readonly<Record<string, Program>>;
  files?: Readonly<Record<string, string>>;
  /** Extra directories ('/' and every file's parents exist already). */
  dirs?: readonly string[];
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  stdin?: string;
  /** Fuel before `charge` throws. Default 10,000,000. */
  budget?: number;
}

export interface FakeOsResult {
  status: number;
  stdout: string;
  stderr: string;
  /** Path → contents, after the run. */
  files: Record<string, string>;
  fuel: number;
  spawns: SpawnRecord[];
  /** The root process's env after the run (sh mirrors `export` into it). */
  env: Map<string, string>;
  cwd: string;
}

export class FakeOs {
  readonly files = new Map<string, Uint8Array>();
  readonly dirs = new Set<string>(['/']);
  readonly programs: Record<string, Program>;
  readonly spawns: SpawnRecord[] = [];
  fuel = 0;
  private nextPid = 1;
  private nextIno = 1;
  readonly budget: number;

  constructor(options: FakeOsOptions = {}) {
    this.programs = { ...FAKE_PROGRAMS, ...options.programs };
    this.budget = options.budget ?? 10_000_000;
    for (const [path, text] of Object.entries(options.files ?? {})) {
      const abs = resolveFakePath('/', path);
      this.files.set(abs, bytes(text));
      this.addParents(abs);
    }
    for (const dir of options.dirs ?? []) {
      this.dirs.add(resolveFakePath('/', dir));
      this.addParents(resolveFakePath('/', dir));
    }
  }

  private addParents(path: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) this.dirs.add('/' + parts.slice(0, i).join('/'));
  }

  charge(fuel: number): void {
    this.fuel += fuel;
    if (this.fuel > this.budget) throw new FakeBudgetExhausted(this.budget);
  }

  allocPid(): number {
    return this.nextPid++;
  }

  ino(): number {
    return this.nextIno++;
  }
}

class FakeProc implements Proc {
  readonly pid: number;
  readonly fdTable = new Map<number, Desc>();
  readonly children = new Map<number, Promise<number>>();
  pgid: number;

  constructor(
    private readonly os: FakeOs,
    readonly ppid: number,
    readonly argv: readonly string[],
    readonly env: Map<string, string>,
    public cwd: string,
    pgid: number | undefined,
  ) {
    this.pid = os.allocPid();
    this.pgid = pgid === undefined || pgid === 0 ? this.pid : pgid;
  }

  private desc(fd: number): Desc {
    const d = this.fdTable.get(fd);
    if (!d) throw new OsError('EBADF', `bad file descriptor ${fd}`);
    return d;
  }

  install(fd: number, d: Desc): void {
    if (this.fdTable.has(fd)) this.close(fd);
    d.refs++;
    if (d.kind === 'pipe-r' && d.refs === 1) d.pipe.readers++;
    if (d.kind === 'pipe-w' && d.refs === 1) d.pipe.writers++;
    this.fdTable.set(fd, d);
  }

  private freeFd(): number {
    let fd = 3;
    while (this.fdTable.has(fd)) fd++;
    return fd;
  }

  async read(fd: number, max: number): Promise<Uint8Array | null> {
    this.os.charge(FUEL.syscall);
    const d = this.desc(fd);
    if (max === 0) return new Uint8Array(0);
    switch (d.kind) {
      case 'pipe-r': {
        while (d.pipe.data.length === 0 && d.pipe.writers > 0) await d.pipe.wait();
        if (d.pipe.data.length === 0) return null;
        const out = Uint8Array.from(d.pipe.data.splice(0, max));
        this.os.charge(out.length * FUEL.byte);
        d.pipe.wake();
        return out;
      }
      case 'file': {
        if (!d.read) throw new OsError('EBADF', 'not open for reading');
        const content = this.os.files.get(d.path) ?? new Uint8Array(0);
        if (d.pos >= content.length) return null;
        const out = content.slice(d.pos, d.pos + max);
        d.pos += out.length;
        return out;
      }
      case 'source': {
        if (d.pos >= d.data.length) return null;
        const out = d.data.slice(d.pos, d.pos + max);
        d.pos += out.length;
        return out;
      }
      default:
        throw new OsError('EBADF', 'not open for reading');
    }
  }

  async write(fd: number, data: Uint8Array | string): Promise<void> {
    this.os.charge(FUEL.syscall);
    const d = this.desc(fd);
    const b = bytes(data);
    this.os.charge(b.length * FUEL.byte);
    switch (d.kind) {
      case 'pipe-w':
        if (d.pipe.readers === 0) throw new OsError('EPIPE', 'broken pipe');
        for (const byte of b) d.pipe.data.push(byte);
        d.pipe.wake();
        return;
      case 'file': {
        if (!d.write) throw new OsError('EBADF', 'not open for writing');
        const content = this.os.files.get(d.path) ?? new Uint8Array(0);
        if (d.append) d.pos = content.length;
        const next = new Uint8Array(Math.max(content.length, d.pos + b.length));
        next.set(content);
        next.set(b, d.pos);
        d.pos += b.length;
        this.os.files.set(d.path, next);
        return;
      }
      case 'sink':
        d.out.push(decoder.decode(b));
        return;
      default:
        throw new OsError('EBADF', 'not open for writing');
    }
  }

  async open(path: string, flags: OpenFlags): Promise<number> {
    return this.openSync(path, flags);
  }

  openSync(path: string, flags: OpenFlags): number {
    this.os.charge(FUEL.syscall);
    const abs = resolveFakePath(this.cwd, path);
    if (this.os.dirs.has(abs)) throw new OsError('EISDIR', `${path}: is a directory`);
    const exists = this.os.files.has(abs);
    if (!exists && !flags.create) throw new OsError('ENOENT', `${path}: no such file`);
    const parent = abs.slice(0, abs.lastIndexOf('/')) || '/';
    if (!this.os.dirs.has(parent)) throw new OsError('ENOENT', `${path}: no such directory`);
    if (exists && flags.create && flags.exclusive) throw new OsError('EEXIST', `${path}: exists`);
    if (!exists || flags.truncate) this.os.files.set(abs, new Uint8Array(0));
    const fd = this.freeFd();
    this.install(fd, { refs: 0, kind: 'file', path: abs, pos: 0, read: !!flags.read, write: !!(flags.write || flags.append), append: !!flags.append });
    return fd;
  }

  readSync(fd: number, max: number, position?: number): Uint8Array | null {
    this.os.charge(FUEL.syscall);
    const d = this.desc(fd);
    if (d.kind === 'pipe-r' || d.kind === 'source') throw new OsError('EAGAIN', `fd ${fd} is a pipe`);
    if (d.kind !== 'file' || !d.read) throw new OsError('EBADF', 'not open for reading');
    if (max === 0) return new Uint8Array(0);
    const content = this.os.files.get(d.path) ?? new Uint8Array(0);
    const at = position ?? d.pos;
    if (at >= content.length) return null;
    const out = content.slice(at, at + max);
    if (position === undefined) d.pos += out.length;
    this.os.charge(out.length * FUEL.byte);
    return out;
  }

  writeSync(fd: number, data: Uint8Array | string, position?: number): void {
    this.os.charge(FUEL.syscall);
    const d = this.desc(fd);
    if (d.kind === 'pipe-w' || d.kind === 'sink') throw new OsError('EAGAIN', `fd ${fd} is a pipe`);
    if (d.kind !== 'file' || !d.write) throw new OsError('EBADF', 'not open for writing');
    const b = bytes(data);
    this.os.charge(b.length * FUEL.byte);
    if (b.length === 0) return;
    const content = this.os.files.get(d.path) ?? new Uint8Array(0);
    const at = d.append ? content.length : (position ?? d.pos);
    const next = new Uint8Array(Math.max(content.length, at + b.length));
    next.set(content);
    next.set(b, at);
    if (position === undefined) d.pos = at + b.length;
    this.os.files.set(d.path, next);
  }

  seek(fd: number, offset: number, whence: Whence): number {
    this.os.charge(FUEL.syscall);
    const d = this.desc(fd);
    if (d.kind !== 'file') throw new OsError('EINVAL', `fd ${fd} is not seekable`);
    const base = whence === 'set' ? 0 : whence === 'cur' ? d.pos : (this.os.files.get(d.path)?.length ?? 0);
    if (base + offset < 0) throw new OsError('EINVAL', `seek to ${base + offset}`);
    d.pos = base + offset;
    return d.pos;
  }

  fstat(fd: number): Stat {
    this.os.charge(FUEL.syscall);
    const d = this.desc(fd);
    if (d.kind !== 'file') return { kind: 'pipe', size: 0, mtimeNs: 0n, ino: 0 };
    return { kind: 'file', size: this.os.files.get(d.path)?.length ?? 0, mtimeNs: 0n, ino: 2 };
  }

  ftruncate(fd: number, size: number): void {
    this.os.charge(FUEL.syscall);
    const d = this.desc(fd);
    if (d.kind !== 'file') throw new OsError('EINVAL', `fd ${fd} is not a file`);
    if (!d.write) throw new OsError('EBADF', 'not open for writing');
    const content = this.os.files.get(d.path) ?? new Uint8Array(0);
    const next = new Uint8Array(size);
    next.set(content.subarray(0, Math.min(size, content.length)));
    this.os.files.set(d.path, next);
  }

  close(fd: number): void {
    const d = this.desc(fd);
    this.fdTable.delete(fd);
    d.refs--;
    if (d.refs > 0) return;
    if (d.kind === 'pipe-w') {
      d.pipe.writers--;
      d.pipe.wake();
    } else if (d.kind === 'pipe-r') {
      d.pipe.readers--;
      d.pipe.wake();
    }
  }

  closeAll(): void {
    for (const fd of [...this.fdTable.keys()]) this.close(fd);
  }

  dup2(from: number, to: number): void {
    const d = this.desc(from);
    if (from !== to) this.install(to, d);
  }

  pipe(): [number, number] {
    this.os.charge(FUEL.syscall);
    const pipe = new Pipe();
    const r = this.freeFd();
    this.install(r, { refs: 0, kind: 'pipe-r', pipe });
    const w = this.freeFd();
    this.install(w, { refs: 0, kind: 'pipe-w', pipe });
    return [r, w];
  }

  fdKind(fd: number): Stat['kind'] | null {
    const d = this.fdTable.get(fd);
    if (!d) return null;
    return d.kind === 'file' ? 'file' : 'pipe';
  }

  stat(path: string): Stat {
    const abs = resolveFakePath(this.cwd, path);
    if (this.os.dirs.has(abs)) return { kind: 'dir', size: 0, mtimeNs: 0n, ino: 1 };
    const f = this.os.files.get(abs);
    if (!f) throw new OsError('ENOENT', `${path}: no such file or directory`);
    return { kind: 'file', size: f.length, mtimeNs: 0n, ino: 2 };
  }

  readdir(path: string): string[] {
    const abs = resolveFakePath(this.cwd, path);
    if (!this.os.dirs.has(abs)) throw new OsError('ENOENT', `${path}: no such directory`);
    const prefix = abs === '/' ? '/' : abs + '/';
    const names = [...this.os.files.keys(), ...this.os.dirs].filter((p) => p.startsWith(prefix) && p !== abs && !p.slice(prefix.length).includes('/'));
    return names.map((p) => p.slice(prefix.length)).sort();
  }

  mkdir(path: string): void {
    this.os.dirs.add(resolveFakePath(this.cwd, path));
  }

  unlink(path: string): void {
    const abs = resolveFakePath(this.cwd, path);
    if (!this.os.files.delete(abs)) throw new OsError('ENOENT', `${path}: no such file`);
  }

  rmdir(path: string): void {
    this.os.dirs.delete(resolveFakePath(this.cwd, path));
  }

  rename(from: string, to: string): void {
    const a = resolveFakePath(this.cwd, from);
    const f = this.os.files.get(a);
    if (!f) throw new OsError('ENOENT', `${from}: no such file`);
    this.os.files.delete(a);
    this.os.files.set(resolveFakePath(this.cwd, to), f);
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.os.charge(FUEL.syscall);
    const abs = resolveFakePath(this.cwd, path);
    if (this.os.dirs.has(abs)) throw new OsError('EISDIR', `${path}: is a directory`);
    const f = this.os.files.get(abs);
    if (!f) throw new OsError('ENOENT', `${path}: no such file`);
    return f.slice();
  }

  async writeFile(path: string, data: Uint8Array | string, options?: { append?: boolean }): Promise<void> {
    const fd = await this.open(path, { write: true, create: true, truncate: !options?.append, append: !!options?.append });
    await this.write(fd, data);
    this.close(fd);
  }

  async spawn(argv: readonly string[], options: SpawnOptions = {}): Promise<number> {
    this.os.charge(FUEL.spawn);
    const name = argv[0] ?? '';
    const program = this.os.programs[name.slice(name.lastIndexOf('/') + 1)];
    if (!program) throw new OsError('ENOENT', `${name}: not found`);
    const env = options.env ? new Map(options.env instanceof Map ? options.env : Object.entries(options.env)) : new Map(this.env);
    this.os.spawns.push({ argv: [...argv], pgid: options.pgid, fds: options.fds });
    const child = new FakeProc(this.os, this.pid, [...argv], env as Map<string, string>, options.cwd ?? this.cwd, options.pgid ?? this.pgid);
    for (const [childFd, parentFd] of Object.entries(options.fds ?? { 0: 0, 1: 1, 2: 2 })) child.install(Number(childFd), this.desc(parentFd));
    const done = runChild(program, child);
    done.catch(() => undefined); // rethrown by wait()
    this.children.set(child.pid, done);
    return child.pid;
  }

  async wait(pid: number): Promise<number> {
    this.os.charge(FUEL.syscall);
    const done = this.children.get(pid);
    if (!done) throw new OsError('ECHILD', `${pid}: not a child`);
    this.children.delete(pid);
    return done;
  }

  kill(_pid: number, _signal: Signal): void {}
  ignoreSigpipe(): void {}
  charge(fuel: number): void {
    this.os.charge(fuel);
  }
  hostWork<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
  fuelLeft(): bigint {
    return BigInt(Math.max(0, this.os.budget - this.os.fuel));
  }
  async sleep(_ms: number): Promise<void> {}
  now(): bigint {
    return 0n;
  }
}

async function runChild(program: Program, child: FakeProc): Promise<number> {
  await Promise.resolve(); // the child starts after spawn returns, as with a real scheduler
  try {
    return (await program(child)) & 255;
  } catch (e) {
    if (!(e instanceof OsError)) throw e;
    try {
      await child.write(2, `${child.argv[0]}: ${e.message}\n`);
    } catch {
      // stderr itself is gone
    }
    return 1;
  } finally {
    child.closeAll();
  }
}

/** Runs `program` as the root process; resolves when it exits (its children are waited by it). */
export async function runFakeOs(program: Program, argv: readonly string[], options: FakeOsOptions = {}): Promise<FakeOsResult> {
  const os = new FakeOs(options);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const root = new FakeProc(os, 0, argv, new Map(Object.entries(options.env ?? {})), options.cwd ?? '/', undefined);
  root.install(0, { refs: 0, kind: 'source', data: bytes(options.stdin ?? ''), pos: 0 });
  root.install(1, { refs: 0, kind: 'sink', out: stdout });
  root.install(2, { refs: 0, kind: 'sink', out: stderr });
  const status = await runChild(program, root);
  return {
    status,
    stdout: stdout.join(''),
    stderr: stderr.join(''),
    files: Object.fromEntries([...os.files].map(([path, data]) => [path, decoder.decode(data)])),
    fuel: os.fuel,
    spawns: os.spawns,
    env: root.env,
    cwd: root.cwd,
  };
}

async function readAll(p: Proc, fd = 0): Promise<string> {
  let out = '';
  for (let chunk = await p.read(fd, 4096); chunk; chunk = await p.read(fd, 4096)) out += decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}

/** `test` / `[`, just enough for the shell's tests (the real one is a userland program). */
function evalTest(args: string[]): boolean {
  if (args[0] === '!') return !evalTest(args.slice(1));
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2) {
    if (args[0] === '-n') return args[1] !== '';
    if (args[0] === '-z') return args[1] === '';
    throw new OsError('EINVAL', `unknown operator ${args[0]}`);
  }
  const [a, op, b] = args as [string, string, string];
  const n = (s: string): number => {
    if (!/^-?[0-9]+$/.test(s.trim())) throw new OsError('EINVAL', `${s}: integer expected`);
    return Number(s);
  };
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '-eq':
      return n(a) === n(b);
    case '-ne':
      return n(a) !== n(b);
    case '-lt':
      return n(a) < n(b);
    case '-le':
      return n(a) <= n(b);
    case '-gt':
      return n(a) > n(b);
    case '-ge':
      return n(a) >= n(b);
  }
  throw new OsError('EINVAL', `unknown operator ${op}`);
}

const testProgram: Program = async (p) => {
  const args = p.argv.slice(1);
  if (p.argv[0] === '[') {
    if (args.pop() !== ']') {
      await p.write(2, "[: missing ']'\n");
      return 2;
    }
  }
  try {
    return evalTest(args) ? 0 : 1;
  } catch (e) {
    if (!(e instanceof OsError)) throw e;
    await p.write(2, `${p.argv[0]}: ${e.message}\n`);
    return 2;
  }
};

/** The programs every fake OS has. */
export const FAKE_PROGRAMS: Readonly<Record<string, Program>> = {
  echo: async (p) => {
    await p.write(1, p.argv.slice(1).join(' ') + '\n');
    return 0;
  },
  cat: async (p) => {
    const files = p.argv.slice(1);
    if (files.length === 0) {
      await p.write(1, await readAll(p));
      return 0;
    }
    for (const f of files) await p.write(1, await p.readFile(f));
    return 0;
  },
  true: async () => 0,
  false: async () => 1,
  /** Number of lines on stdin. */
  count: async (p) => {
    const text = await readAll(p);
    await p.write(1, `${text.split('\n').length - 1}\n`);
    return 0;
  },
  /** The first line of stdin, then exits without reading the rest. */
  head: async (p) => {
    let line = '';
    for (let c = await p.read(0, 1); c && c[0] !== 10; c = await p.read(0, 1)) line += decoder.decode(c);
    await p.write(1, line + '\n');
    return 0;
  },
  /** stdin upper-cased. */
  upper: async (p) => {
    await p.write(1, (await readAll(p)).toUpperCase());
    return 0;
  },
  /** Each argument as `[arg]` on its own line (shows field splitting). */
  args: async (p) => {
    await p.write(1, p.argv.slice(1).map((a) => `[${a}]\n`).join(''));
    return 0;
  },
  /** `status N`: exits N. */
  status: async (p) => Number(p.argv[1] ?? 0),
  /** `warn msg`: msg on stderr. */
  warn: async (p) => {
    await p.write(2, p.argv.slice(1).join(' ') + '\n');
    return 0;
  },
  /** The environment, sorted `NAME=value` lines. */
  env: async (p) => {
    await p.write(1, [...p.env].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  },
  pwd: async (p) => {
    await p.write(1, p.cwd + '\n');
    return 0;
  },
  test: testProgram,
  '[': testProgram,
};
