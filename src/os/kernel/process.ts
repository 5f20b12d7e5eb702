/**
 * A process: the kernel side of a `Proc`. Every system call enters through `enter()` (which
 * charges FUEL.syscall, unwinds a killed process and stops everything once the OS stopped); an
 * async one first waits for the process's turn, and a blocking one parks in the scheduler until
 * its condition holds. The synchronous file API (openSync, readSync, writeSync, seek, fstat,
 * ftruncate) is for a process that holds the turn (a WASI module's slice): it never waits and
 * refuses to run otherwise.
 */
import { FUEL } from '../types.js';
import type { OpenFlags, Proc, Program, Signal, SpawnOptions, Stat, Whence } from '../types.js';
import { osError } from './errno.js';
import { FdTable, kindOf } from './fd.js';
import type { Capture, Description } from './fd.js';
import type { Node } from './inode.js';
import { Pipe } from './pipe.js';
import { Killed, Stopped } from './scheduler.js';
import type { Scheduler, Task } from './scheduler.js';
import { statOf } from './vfs.js';
import type { Vfs } from './vfs.js';

type FileDescription = Extract<Description, { kind: 'file' }>;

/** What a process needs from the running OS. */
export interface ProcessHost {
  readonly vfs: Vfs;
  readonly scheduler: Scheduler;
  readonly stopped: boolean;
  readonly pipeCapacity: number;
  /** Adds to the execution's single fuel budget; throws Stopped once it is spent. */
  charge(fuel: number): void;
  fuelLeft(): bigint;
  now(): bigint;
  capture(c: Capture, bytes: Uint8Array): void;
  spawn(parent: Process, argv: readonly string[], options: SpawnOptions): number;
  wait(parent: Process, pid: number): Promise<number>;
  kill(sender: Process, pid: number, signal: Signal): void;
  /** A killed process that will not unwind: it exits now and is left parked. */
  abandon(p: Process): void;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
/** What a parked call returns: a promise that never settles. */
const NEVER = new Promise<never>(() => {});

export class Process implements Proc {
  readonly fds: FdTable;
  task!: Task;
  sigpipeIgnored = false;
  /** Exit status once it exited; the process stays in the table (a zombie) until waited for. */
  status: number | null = null;
  /** Its parent exited first: nobody waits for it, it is reaped on exit. */
  orphan = false;
  private cwdPath: string;
  private killNoticed = false;

  constructor(
    private readonly host: ProcessHost,
    readonly pid: number,
    public ppid: number,
    readonly pgid: number,
    readonly argv: readonly string[],
    readonly env: Map<string, string>,
    cwd: string,
    readonly program: Program,
  ) {
    this.cwdPath = cwd;
    this.fds = new FdTable((d) => release(host.vfs, d));
  }

  get cwd(): string {
    return this.cwdPath;
  }

  /** chdir: ENOENT/ENOTDIR unless `path` is a directory; stored normalized. */
  set cwd(path: string) {
    this.enter();
    this.cwdPath = this.host.vfs.realpath(path, this.cwdPath);
  }

  /**
   * Checks the caller may make a system call now, without charging. (Synchronous calls never
   * wait for the turn: they cannot block, and run in the defined order of promise jobs.)
   */
  check(): void {
    if (this.host.stopped) throw new Stopped();
    if (this.task.killedBy) {
      this.killNoticed = true;
      throw new Killed(this.task.killedBy);
    }
  }

  /**
   * Whether an async call must never return: once the OS stopped, or when a killed process,
   * already told once, makes another blocking call (so a program that swallows Killed or
   * Stopped cannot spin in a loop of failing calls; a killed one exits right here).
   */
  private parked(): boolean {
    if (this.host.stopped) return true;
    if (this.task.killedBy === null || !this.killNoticed) return false;
    this.host.abandon(this);
    return true;
  }

  private enter(): void {
    this.check();
    this.host.charge(FUEL.syscall);
  }

  /** An async call made while another process holds the turn waits for it first. */
  private async turn(): Promise<void> {
    if (this.host.scheduler.current !== this.task) await this.block(() => true);
  }

  private async block(cond: () => boolean, wakeAt: bigint | null = null): Promise<void> {
    try {
      await this.host.scheduler.block(this.task, cond, wakeAt);
    } catch (e) {
      if (e instanceof Killed) this.killNoticed = true;
      throw e;
    }
  }

  async read(fd: number, max: number): Promise<Uint8Array | null> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.enter();
    if (!Number.isSafeInteger(max) || max < 0) throw osError('EINVAL', `read of ${max} bytes`);
    const d = this.fds.get(fd);
    if (d.kind === 'file') return this.fileRead(d, fd, max);
    if (d.kind === 'dir') throw osError('EISDIR', `fd ${fd}`);
    if (d.kind === 'null') return max === 0 ? EMPTY : null;
    if (d.kind !== 'pipe-read') throw osError('EBADF', `fd ${fd}`);
    if (max === 0) return EMPTY;
    await this.block(() => d.pipe.readable());
    if (d.pipe.size === 0) return null;
    const out = d.pipe.take(max);
    this.host.charge(out.length * FUEL.byte);
    return out;
  }

  async write(fd: number, data: Uint8Array | string): Promise<void> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.enter();
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    const d = this.fds.get(fd);
    switch (d.kind) {
      case 'file':
        return this.fileWrite(d, fd, bytes);
      case 'capture':
        this.host.charge(bytes.length * FUEL.byte);
        this.host.capture(d.capture, bytes);
        return;
      case 'null':
        this.host.charge(bytes.length * FUEL.byte);
        return;
      case 'pipe-write': {
        // Fill what fits, block until there is room, repeat; SIGPIPE/EPIPE once no reader is left.
        for (let at = 0; ; ) {
          if (d.pipe.readers === 0) this.brokenPipe();
          if (at === bytes.length) return;
          const n = d.pipe.put(bytes.subarray(at));
          this.host.charge(n * FUEL.byte);
          at += n;
          if (at < bytes.length) await this.block(() => d.pipe.writable());
        }
      }
      default:
        throw osError('EBADF', `fd ${fd}`);
    }
  }

  private brokenPipe(): never {
    if (this.sigpipeIgnored) throw osError('EPIPE');
    this.task.killedBy = 'SIGPIPE';
    this.killNoticed = true;
    throw new Killed('SIGPIPE');
  }

  async open(path: string, flags: OpenFlags = {}): Promise<number> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.enter();
    return this.openNow(path, flags);
  }

  private openNow(path: string, flags: OpenFlags): number {
    const vfs = this.host.vfs;
    if (isDevNull(path, this.cwdPath)) return this.fds.install({ kind: 'null', refs: 0 });
    const write = !!(flags.write || flags.append);
    const read = !!flags.read || !write;
    let node: Node;
    if (flags.create) node = vfs.openFile(path, this.cwdPath, { create: true, exclusive: !!flags.exclusive, truncate: !!flags.truncate && write });
    else {
      node = vfs.lookup(path, this.cwdPath);
      if (node.kind === 'dir' && write) throw osError('EISDIR', path);
      if (node.kind === 'file' && flags.truncate && write) vfs.truncate(node, 0);
    }
    if (node.kind === 'dir') return this.fds.install({ kind: 'dir', node, refs: 0 });
    vfs.retain(node);
    try {
      return this.fds.install({ kind: 'file', node, offset: 0, read, write, append: !!flags.append, refs: 0 });
    } catch (e) {
      vfs.release(node); // EMFILE
      throw e;
    }
  }

  // ---- the synchronous file API (see Proc): only while the process holds the turn ----

  /** read/readSync on a file: from the offset (which moves) or at `position` (pread). */
  private fileRead(d: FileDescription, fd: number, max: number, position?: number): Uint8Array | null {
    if (!d.read) throw osError('EBADF', `fd ${fd}`);
    if (max === 0) return EMPTY;
    const at = position ?? d.offset;
    const n = Math.min(max, d.node.size - at);
    if (n <= 0) return null;
    this.host.charge(n * FUEL.byte);
    const out = d.node.data.slice(at, at + n);
    if (position === undefined) d.offset += n;
    return out;
  }

  /** write/writeSync on a file: at the offset (which moves) or at `position` (pwrite); append mode writes at the end. */
  private fileWrite(d: FileDescription, fd: number, bytes: Uint8Array, position?: number): void {
    if (!d.write) throw osError('EBADF', `fd ${fd}`);
    this.host.charge(bytes.length * FUEL.byte);
    if (bytes.length === 0) return; // POSIX: an empty write never extends the file
    // Linux: with O_APPEND, pwrite appends too (and leaves the offset alone).
    const at = d.append ? d.node.size : (position ?? d.offset);
    this.host.vfs.writeAt(d.node, at, bytes);
    if (position === undefined) d.offset = at + bytes.length;
  }

  /** enter() for a synchronous file call: Stopped/Killed first, then the turn, then the charge. */
  private enterSync(call: string): void {
    this.check();
    if (this.host.scheduler.current !== this.task) throw new Error(`${call}: process ${this.pid} does not hold the turn`);
    this.host.charge(FUEL.syscall);
  }

  openSync(path: string, flags: OpenFlags = {}): number {
    this.enterSync('openSync');
    return this.openNow(path, flags);
  }

  readSync(fd: number, max: number, position?: number): Uint8Array | null {
    this.enterSync('readSync');
    if (!Number.isSafeInteger(max) || max < 0) throw osError('EINVAL', `read of ${max} bytes`);
    checkPosition(position);
    const d = this.fds.get(fd);
    switch (d.kind) {
      case 'file':
        return this.fileRead(d, fd, max, position);
      case 'dir':
        throw osError('EISDIR', `fd ${fd}`);
      case 'null':
        return max === 0 ? EMPTY : null;
      case 'pipe-read': {
        // Non-blocking: what is there, end of file once every writer closed, else EAGAIN.
        if (position !== undefined) throw osError('EINVAL', `fd ${fd} is a pipe: illegal seek`);
        if (max === 0) return EMPTY;
        if (d.pipe.size === 0) {
          if (d.pipe.writers === 0) return null;
          throw osError('EAGAIN', `fd ${fd}: the pipe is empty`);
        }
        const out = d.pipe.take(max);
        this.host.charge(out.length * FUEL.byte);
        return out;
      }
      default:
        throw osError('EBADF', `fd ${fd}`);
    }
  }

  writeSync(fd: number, data: Uint8Array | string, position?: number): void {
    this.enterSync('writeSync');
    checkPosition(position);
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    const d = this.fds.get(fd);
    switch (d.kind) {
      case 'file':
        return this.fileWrite(d, fd, bytes, position);
      case 'null':
        this.host.charge(bytes.length * FUEL.byte);
        return;
      case 'capture':
        if (position !== undefined) throw osError('EINVAL', `fd ${fd} is a pipe: illegal seek`);
        this.host.charge(bytes.length * FUEL.byte);
        this.host.capture(d.capture, bytes);
        return;
      case 'pipe-write': {
        // Non-blocking and all or nothing: everything when it fits, else EAGAIN (nothing written).
        if (position !== undefined) throw osError('EINVAL', `fd ${fd} is a pipe: illegal seek`);
        if (d.pipe.readers === 0) this.brokenPipe();
        if (d.pipe.capacity - d.pipe.size < bytes.length) throw osError('EAGAIN', `fd ${fd}: the pipe is full`);
        d.pipe.put(bytes);
        this.host.charge(bytes.length * FUEL.byte);
        return;
      }
      default:
        throw osError('EBADF', `fd ${fd}`);
    }
  }

  seek(fd: number, offset: number, whence: Whence): number {
    this.enterSync('seek');
    if (!Number.isSafeInteger(offset)) throw osError('EINVAL', `seek to ${offset}`);
    const d = this.fds.get(fd);
    if (d.kind === 'dir' || d.kind === 'null') return 0; // as Linux: nothing to move
    if (d.kind !== 'file') throw osError('EINVAL', `fd ${fd} is a pipe: illegal seek`);
    const base = whence === 'set' ? 0 : whence === 'cur' ? d.offset : whence === 'end' ? d.node.size : NaN;
    if (Number.isNaN(base)) throw osError('EINVAL', `whence ${String(whence)}`);
    const next = base + offset;
    if (next < 0 || !Number.isSafeInteger(next)) throw osError('EINVAL', `seek to ${next}`);
    d.offset = next;
    return next;
  }

  fstat(fd: number): Stat {
    this.enterSync('fstat');
    const d = this.fds.get(fd);
    if (d.kind === 'file' || d.kind === 'dir') return statOf(d.node);
    // The null device and the pipe-like descriptors have no inode.
    return { kind: kindOf(d), size: 0, mtimeNs: 0n, ino: 0 };
  }

  ftruncate(fd: number, size: number): void {
    this.enterSync('ftruncate');
    if (!Number.isSafeInteger(size) || size < 0) throw osError('EINVAL', `truncate to ${size}`);
    const d = this.fds.get(fd);
    if (d.kind !== 'file') throw osError('EINVAL', `fd ${fd} is not a file`);
    if (!d.write) throw osError('EBADF', `fd ${fd}`);
    // Growth is written (zeros), so it is charged as bytes written.
    if (size > d.node.size) this.host.charge((size - d.node.size) * FUEL.byte);
    this.host.vfs.truncate(d.node, size);
  }

  close(fd: number): void {
    this.enter();
    this.fds.close(fd);
  }

  dup2(from: number, to: number): void {
    this.enter();
    const d = this.fds.get(from);
    if (from !== to) this.fds.set(to, d);
  }

  pipe(): [number, number] {
    this.enter();
    const pipe = new Pipe(this.host.pipeCapacity);
    pipe.readers = 1;
    pipe.writers = 1;
    const r = this.fds.install({ kind: 'pipe-read', pipe, refs: 0 });
    try {
      return [r, this.fds.install({ kind: 'pipe-write', pipe, refs: 0 })];
    } catch (e) {
      this.fds.close(r);
      pipe.writers = 0;
      throw e;
    }
  }

  fdKind(fd: number): Stat['kind'] | null {
    this.enter();
    return this.fds.has(fd) ? kindOf(this.fds.get(fd)) : null;
  }

  stat(path: string): Stat {
    this.enter();
    return this.host.vfs.stat(path, this.cwdPath);
  }

  readdir(path: string): string[] {
    this.enter();
    return this.host.vfs.readdir(path, this.cwdPath);
  }

  mkdir(path: string, options: { recursive?: boolean } = {}): void {
    this.enter();
    this.host.vfs.mkdir(path, this.cwdPath, options);
  }

  unlink(path: string): void {
    this.enter();
    this.host.vfs.unlink(path, this.cwdPath);
  }

  rmdir(path: string): void {
    this.enter();
    this.host.vfs.rmdir(path, this.cwdPath);
  }

  rename(from: string, to: string): void {
    this.enter();
    this.host.vfs.rename(from, to, this.cwdPath);
  }

  async readFile(path: string): Promise<Uint8Array> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.enter();
    const node = this.host.vfs.lookup(path, this.cwdPath);
    if (node.kind !== 'file') throw osError('EISDIR', path);
    this.host.charge(2 * FUEL.syscall + node.size * FUEL.byte);
    return node.bytes().slice();
  }

  async writeFile(path: string, data: Uint8Array | string, options: { append?: boolean } = {}): Promise<void> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.enter();
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    this.host.charge(2 * FUEL.syscall + bytes.length * FUEL.byte);
    const vfs = this.host.vfs;
    const file = vfs.openFile(path, this.cwdPath, { create: true, truncate: !options.append });
    vfs.writeAt(file, options.append ? file.size : 0, bytes);
  }

  async spawn(argv: readonly string[], options: SpawnOptions = {}): Promise<number> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.enter();
    return this.host.spawn(this, argv, options);
  }

  async wait(pid: number): Promise<number> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.enter();
    return this.host.wait(this, pid);
  }

  kill(pid: number, signal: Signal): void {
    this.enter();
    this.host.kill(this, pid, signal);
  }

  ignoreSigpipe(): void {
    this.enter();
    this.sigpipeIgnored = true;
  }

  async hostWork<T>(work: () => Promise<T>): Promise<T> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.check(); // not charged: whether the host had the work cached must not change fuel
    return this.host.scheduler.hold(this.task, work);
  }

  charge(fuel: number): void {
    this.check();
    if (typeof fuel !== 'number' || !(fuel >= 0) || fuel === Infinity) throw osError('EINVAL', `charge(${String(fuel)})`);
    this.host.charge(fuel);
  }

  fuelLeft(): bigint {
    this.check();
    return this.host.fuelLeft();
  }

  async sleep(ms: number): Promise<void> {
    if (this.parked()) return NEVER;
    await this.turn();
    this.enter();
    if (typeof ms !== 'number' || !(ms >= 0) || ms === Infinity) throw osError('EINVAL', `sleep(${String(ms)})`);
    const wakeAt = this.host.now() + BigInt(Math.round(ms * 1e6));
    await this.block(() => this.host.now() >= wakeAt, wakeAt);
  }

  now(): bigint {
    this.enter();
    return this.host.now();
  }
}

/** A pread/pwrite position: absent, or a non-negative safe integer (EINVAL). */
function checkPosition(position: number | undefined): void {
  if (position !== undefined && (!Number.isSafeInteger(position) || position < 0)) throw osError('EINVAL', `position ${position}`);
}

/** The last descriptor of `d` closed. */
function release(vfs: Vfs, d: Description): void {
  if (d.kind === 'file') vfs.release(d.node);
  else if (d.kind === 'pipe-read') d.pipe.readers--;
  else if (d.kind === 'pipe-write') d.pipe.writers--;
}

/** Whether `path` (from `cwd`) names /dev/null, the one device file (it is not in the VFS). */
function isDevNull(path: string, cwd: string): boolean {
  if (!path.endsWith('null')) return false;
  const parts: string[] = [];
  for (const c of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return parts.length === 2 && parts[0] === 'dev' && parts[1] === 'null';
}
