/**
 * A fake `Proc` for testing programs without a kernel: stdin is a given string, stdout and stderr
 * are captured, files live in an in-memory map, and `charge` counts against a budget that throws
 * `FuelExhausted` once spent (as the kernel stops the OS when the execution's fuel runs out).
 *
 * @example
 *   const r = await runProgram(awk, { argv: ['awk', '{s+=$1} END {print s}'], stdin: '1\n2\n' });
 *   // r.status === 0, r.stdout === '3\n'
 *
 * Only test code should import this; it has no Node-only imports so it runs in browsers too.
 */
import { FUEL, OsError } from '../types.js';
import type { OpenFlags, Proc, Program, Stat } from '../types.js';

/** Thrown by `charge` when the budget is spent. Programs must let it propagate. */
export class FuelExhausted extends Error {
  override name = 'FuelExhausted';
  constructor(readonly budget: number) {
    super(`out of fuel (budget ${budget})`);
  }
}

export interface FakeProcOptions {
  /** argv[0] is the program name. Default ['prog']. */
  argv?: readonly string[];
  /** Everything fd 0 yields before end of file. Default empty. */
  stdin?: string | Uint8Array;
  /** Initial files, by absolute path or relative to cwd. */
  files?: Readonly<Record<string, string | Uint8Array>>;
  /** Empty directories to create (directories holding a file exist implicitly). */
  dirs?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Default '/'. */
  cwd?: string;
  /** Fuel that may be charged before `charge` throws FuelExhausted. Default 100,000,000. */
  budget?: number;
}

export interface FakeProcHandle {
  proc: Proc;
  /** Everything written to fd 1 so far, decoded as UTF-8. */
  stdout(): string;
  /** Everything written to fd 2 so far. */
  stderr(): string;
  /** The file system: absolute path → contents (mutated by the program). */
  files: Map<string, Uint8Array>;
  /** Fuel charged so far (by the program and by the fake's own system calls). */
  fuel(): number;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  fuel: number;
  files: Map<string, Uint8Array>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? encoder.encode(data) : data);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Resolves `path` against `cwd` into a normalized absolute path. */
export function resolvePath(cwd: string, path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

type Fd =
  | { kind: 'stdin'; pos: number }
  | { kind: 'out'; chunks: Uint8Array[] }
  | { kind: 'file'; path: string; pos: number; flags: OpenFlags };

const OPTION_KEYS = new Set(['argv', 'stdin', 'files', 'dirs', 'env', 'cwd', 'budget']);

export function fakeProc(options: FakeProcOptions = {}): FakeProcHandle {
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw new TypeError(`fakeProc: unknown option ${key}`);
  const budget = options.budget ?? 100_000_000;
  let used = 0;
  const charge = (fuel: number): void => {
    used += fuel;
    if (used > budget) throw new FuelExhausted(budget);
  };
  const cwd0 = options.cwd ?? '/';
  const files = new Map<string, Uint8Array>();
  for (const [path, data] of Object.entries(options.files ?? {})) files.set(resolvePath(cwd0, path), toBytes(data));
  const dirs = new Set<string>(['/', ...(options.dirs ?? []).map((d) => resolvePath(cwd0, d))]);
  const stdin = toBytes(options.stdin ?? '');
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const fds = new Map<number, Fd>([
    [0, { kind: 'stdin', pos: 0 }],
    [1, { kind: 'out', chunks: out }],
    [2, { kind: 'out', chunks: err }],
  ]);
  let ino = 1;
  const inos = new Map<string, number>();

  const isDir = (abs: string): boolean => dirs.has(abs) || [...files.keys(), ...dirs].some((p) => p.startsWith(abs === '/' ? '/' : `${abs}/`) && p !== abs);
  const fd = (n: number): Fd => {
    const f = fds.get(n);
    if (!f) throw new OsError('EBADF', `bad file descriptor ${n}`);
    return f;
  };

  const proc: Proc = {
    pid: 2,
    ppid: 1,
    pgid: 2,
    argv: options.argv ?? ['prog'],
    env: new Map(Object.entries(options.env ?? {})),
    cwd: cwd0,

    async read(n, max) {
      charge(FUEL.syscall);
      const f = fd(n);
      if (max === 0) return new Uint8Array(0);
      if (f.kind === 'out') throw new OsError('EBADF', `fd ${n} is not open for reading`);
      const data = f.kind === 'stdin' ? stdin : files.get(f.path);
      if (!data) throw new OsError('ENOENT', `${f.kind === 'file' ? f.path : 'stdin'}: no such file`);
      if (f.pos >= data.length) return null;
      const chunk = data.slice(f.pos, f.pos + max);
      f.pos += chunk.length;
      charge(chunk.length * FUEL.byte);
      return chunk;
    },
    async write(n, data) {
      charge(FUEL.syscall);
      const f = fd(n);
      const bytes = toBytes(data);
      charge(bytes.length * FUEL.byte);
      if (f.kind === 'out') f.chunks.push(bytes.slice());
      else if (f.kind === 'stdin' || !f.flags.write) throw new OsError('EBADF', `fd ${n} is not open for writing`);
      else {
        const old = files.get(f.path) ?? new Uint8Array(0);
        if (f.flags.append) f.pos = old.length;
        const next = new Uint8Array(Math.max(old.length, f.pos + bytes.length));
        next.set(old, 0);
        next.set(bytes, f.pos);
        f.pos += bytes.length;
        files.set(f.path, next);
      }
    },
    async open(path, flags) {
      return proc.openSync(path, flags);
    },
    openSync(path, flags) {
      charge(FUEL.syscall);
      const abs = resolvePath(proc.cwd, path);
      if (isDir(abs)) throw new OsError('EISDIR', `${path}: is a directory`);
      const exists = files.has(abs);
      if (exists && flags.create && flags.exclusive) throw new OsError('EEXIST', `${path}: file exists`);
      if (!exists && !flags.create) throw new OsError('ENOENT', `${path}: no such file or directory`);
      if (!exists || flags.truncate) files.set(abs, new Uint8Array(0));
      let n = 3;
      while (fds.has(n)) n++;
      fds.set(n, { kind: 'file', path: abs, pos: 0, flags: { read: flags.read ?? !flags.write, ...flags } });
      return n;
    },
    readSync(n, max, position) {
      charge(FUEL.syscall);
      const f = fd(n);
      if (f.kind === 'stdin') throw new OsError('EAGAIN', `fd ${n} is a pipe`);
      if (f.kind === 'out' || !f.flags.read) throw new OsError('EBADF', `fd ${n} is not open for reading`);
      if (max === 0) return new Uint8Array(0);
      const data = files.get(f.path) ?? new Uint8Array(0);
      const at = position ?? f.pos;
      if (at >= data.length) return null;
      const chunk = data.slice(at, at + max);
      if (position === undefined) f.pos += chunk.length;
      charge(chunk.length * FUEL.byte);
      return chunk;
    },
    writeSync(n, data, position) {
      charge(FUEL.syscall);
      const f = fd(n);
      if (f.kind === 'out') throw new OsError('EAGAIN', `fd ${n} is a pipe`);
      if (f.kind === 'stdin' || !f.flags.write) throw new OsError('EBADF', `fd ${n} is not open for writing`);
      const bytes = toBytes(data);
      charge(bytes.length * FUEL.byte);
      if (bytes.length === 0) return;
      const old = files.get(f.path) ?? new Uint8Array(0);
      const at = f.flags.append ? old.length : (position ?? f.pos);
      const next = new Uint8Array(Math.max(old.length, at + bytes.length));
      next.set(old, 0);
      next.set(bytes, at);
      if (position === undefined) f.pos = at + bytes.length;
      files.set(f.path, next);
    },
    seek(n, offset, whence) {
      charge(FUEL.syscall);
      const f = fd(n);
      if (f.kind !== 'file') throw new OsError('EINVAL', `fd ${n} is not seekable`);
      const base = whence === 'set' ? 0 : whence === 'cur' ? f.pos : (files.get(f.path)?.length ?? 0);
      if (base + offset < 0) throw new OsError('EINVAL', `seek to ${base + offset}`);
      f.pos = base + offset;
      return f.pos;
    },
    fstat(n): Stat {
      charge(FUEL.syscall);
      const f = fd(n);
      if (f.kind !== 'file') return { kind: 'pipe', size: 0, mtimeNs: 0n, ino: 0 };
      if (!inos.has(f.path)) inos.set(f.path, ino++);
      return { kind: 'file', size: files.get(f.path)?.length ?? 0, mtimeNs: 0n, ino: inos.get(f.path)! };
    },
    ftruncate(n, size) {
      charge(FUEL.syscall);
      const f = fd(n);
      if (f.kind !== 'file') throw new OsError('EINVAL', `fd ${n} is not a file`);
      if (!f.flags.write) throw new OsError('EBADF', `fd ${n} is not open for writing`);
      const old = files.get(f.path) ?? new Uint8Array(0);
      const next = new Uint8Array(size);
      next.set(old.subarray(0, Math.min(size, old.length)));
      files.set(f.path, next);
    },
    close(n) {
      charge(FUEL.syscall);
      fd(n);
      fds.delete(n);
    },
    dup2(from, to) {
      charge(FUEL.syscall);
      const f = fd(from);
      fds.set(to, f);
    },
    pipe() {
      throw new OsError('EINVAL', 'pipe is not supported by the fake proc');
    },
    fdKind(n) {
      const f = fds.get(n);
      return !f ? null : f.kind === 'file' ? 'file' : 'pipe';
    },
    stat(path): Stat {
      charge(FUEL.syscall);
      const abs = resolvePath(proc.cwd, path);
      const data = files.get(abs);
      if (!data && !isDir(abs)) throw new OsError('ENOENT', `${path}: no such file or directory`);
      if (!inos.has(abs)) inos.set(abs, ino++);
      return { kind: data ? 'file' : 'dir', size: data?.length ?? 0, mtimeNs: 0n, ino: inos.get(abs)! };
    },
    readdir(path) {
      charge(FUEL.syscall);
      const abs = resolvePath(proc.cwd, path);
      if (files.has(abs)) throw new OsError('ENOTDIR', `${path}: not a directory`);
      if (!isDir(abs)) throw new OsError('ENOENT', `${path}: no such file or directory`);
      const prefix = abs === '/' ? '/' : `${abs}/`;
      const names = new Set<string>();
      for (const p of [...files.keys(), ...dirs]) if (p.startsWith(prefix) && p !== abs) names.add(p.slice(prefix.length).split('/')[0]!);
      return [...names].sort();
    },
    mkdir(path, opts) {
      charge(FUEL.syscall);
      const abs = resolvePath(proc.cwd, path);
      if (files.has(abs) || (isDir(abs) && !opts?.recursive)) throw new OsError('EEXIST', `${path}: file exists`);
      dirs.add(abs);
    },
    unlink(path) {
      charge(FUEL.syscall);
      const abs = resolvePath(proc.cwd, path);
      if (!files.delete(abs)) throw new OsError(isDir(abs) ? 'EISDIR' : 'ENOENT', `${path}: cannot unlink`);
    },
    rmdir(path) {
      charge(FUEL.syscall);
      const abs = resolvePath(proc.cwd, path);
      if (!isDir(abs)) throw new OsError('ENOENT', `${path}: no such directory`);
      dirs.delete(abs);
      if (isDir(abs)) throw new OsError('ENOTEMPTY', `${path}: directory not empty`);
    },
    rename(from, to) {
      charge(FUEL.syscall);
      const a = resolvePath(proc.cwd, from);
      const data = files.get(a);
      if (!data) throw new OsError('ENOENT', `${from}: no such file`);
      files.delete(a);
      files.set(resolvePath(proc.cwd, to), data);
    },
    async readFile(path) {
      const n = await proc.open(path, { read: true });
      let data: Uint8Array = new Uint8Array(0);
      for (let chunk = await proc.read(n, 65536); chunk; chunk = await proc.read(n, 65536)) data = concat(data, chunk);
      proc.close(n);
      return data;
    },
    async writeFile(path, data, opts) {
      const n = await proc.open(path, { write: true, create: true, truncate: !opts?.append, append: opts?.append ?? false });
      await proc.write(n, data);
      proc.close(n);
    },
    async spawn(argv) {
      charge(FUEL.spawn);
      throw new OsError('ENOENT', `${argv[0] ?? ''}: the fake proc cannot spawn processes`);
    },
    async wait() {
      throw new OsError('ECHILD', 'no child processes');
    },
    kill() {
      throw new OsError('ESRCH', 'no such process');
    },
    ignoreSigpipe() {},
    charge,
    hostWork: (work) => work(),
    fuelLeft: () => BigInt(Math.max(0, budget - used)),
    async sleep() {},
    now: () => 0n,
  };

  const text = (chunks: Uint8Array[]): string => {
    let all: Uint8Array = new Uint8Array(0);
    for (const c of chunks) all = concat(all, c);
    return decoder.decode(all);
  };
  return { proc, stdout: () => text(out), stderr: () => text(err), files, fuel: () => used };
}

/**
 * Runs a program on a fake proc. An OsError escaping the program exits 1 with `name: message` on
 * stderr, as the kernel does; any other exception (FuelExhausted, host bugs) propagates.
 */
export async function runProgram(program: Program, options: FakeProcOptions = {}): Promise<RunResult> {
  const h = fakeProc(options);
  let status: number;
  try {
    status = await program(h.proc);
  } catch (e) {
    if (!(e instanceof OsError)) throw e;
    await h.proc.write(2, `${h.proc.argv[0] ?? ''}: ${e.message}\n`);
    status = 1;
  }
  return { status, stdout: h.stdout(), stderr: h.stderr(), fuel: h.fuel(), files: h.files };
}

/** Decodes a file of a run's file map (undefined when it does not exist). */
export function fileText(files: Map<string, Uint8Array>, path: string): string | undefined {
  const data = files.get(resolvePath('/', path));
  return data && decoder.decode(data);
}
