/**
 * L2, the guest OS: the contract between the kernel and the programs it runs.
 *
 * A program is an async function of a `Proc` — the process's view of the kernel (its argv, env,
 * cwd and file descriptors, and the system calls). Userland tools (sh, cat, grep, awk, …) are
 * programs written in TypeScript that run inside the kernel ("host-side"), so they must charge
 * their work to the execution's single fuel budget (`charge`) deterministically and touch
 * nothing but the kernel's VFS. WASI modules run as processes too, through an adapter.
 *
 * Scheduling is deterministic: one process runs at a time; a process gives up the CPU only at a
 * blocking system call (a read of an empty pipe, a write to a full one, wait, sleep); the kernel
 * then resumes the lowest-numbered runnable process. Output and fuel are therefore the same on
 * every run.
 */

/** POSIX errno names the kernel raises (as `OsError.code`). */
export type Errno = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EBADF' | 'EPIPE' | 'ENOSPC' | 'EINVAL' | 'EACCES' | 'ECHILD' | 'EAGAIN' | 'ESRCH' | 'ENAMETOOLONG' | 'ELOOP' | 'EMFILE' | 'EXDEV' | 'EPERM';

/** A failed system call. Programs catch it and print `name: message` the POSIX way. */
export class OsError extends Error {
  override name = 'OsError';
  constructor(
    readonly code: Errno,
    message: string,
  ) {
    super(message);
  }
}

export type Signal = 'SIGTERM' | 'SIGKILL' | 'SIGPIPE' | 'SIGINT';
/** Exit status of a process killed by a signal: 128 + the signal's number, as shells report it. */
export const SIGNAL_NUMBERS: Record<Signal, number> = { SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };

export interface Stat {
  kind: 'file' | 'dir' | 'pipe';
  size: number;
  /** Virtual time (ns since the epoch) of the last change. */
  mtimeNs: bigint;
  /** Inode number, stable within an OS instance. */
  ino: number;
}

export interface OpenFlags {
  read?: boolean;
  write?: boolean;
  create?: boolean;
  truncate?: boolean;
  append?: boolean;
  /** With create: fail with EEXIST when the file exists. */
  exclusive?: boolean;
}

/** Where `seek` counts from: the start, the current offset, the end of the file. */
export type Whence = 'set' | 'cur' | 'end';

export interface SpawnOptions {
  env?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  cwd?: string;
  /**
   * The child's descriptors: child fd → the caller's fd to duplicate into it. Default
   * {0: 0, 1: 1, 2: 2}; a descriptor not listed is not inherited (no leaks between pipeline stages).
   */
  fds?: Readonly<Record<number, number>>;
  /** Process group (pipelines share one); default the caller's. 0: a new group led by the child. */
  pgid?: number;
}

/** The process's view of the kernel. Every method may throw `OsError`; blocking ones are async. */
export interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly argv: readonly string[];
  /** Mutable: `export`/assignments in sh change it, and children inherit a copy. */
  readonly env: Map<string, string>;
  cwd: string;

  /** Up to `max` bytes; an empty array only for max 0; null at end of file (every writer closed). Blocks on an empty pipe. */
  read(fd: number, max: number): Promise<Uint8Array | null>;
  /** Writes everything, blocking while a pipe is full. A pipe with no reader left: SIGPIPE (the process is killed) unless ignored, then EPIPE. */
  write(fd: number, data: Uint8Array | string): Promise<void>;
  open(path: string, flags: OpenFlags): Promise<number>;
  close(fd: number): void;
  /** Makes `to` refer to what `from` refers to (closing `to` first). */
  dup2(from: number, to: number): void;
  /** A new unnamed pipe: [read end, write end]. */
  pipe(): [number, number];
  /** Whether `fd` is open (and what it is). */
  fdKind(fd: number): Stat['kind'] | null;

  stat(path: string): Stat;
  readdir(path: string): string[];
  mkdir(path: string, options?: { recursive?: boolean }): void;
  unlink(path: string): void;
  rmdir(path: string): void;
  rename(from: string, to: string): void;
  /**
   * The synchronous file API, for trusted host programs that run guest code in slices while the
   * process holds the turn (a WASI module's file calls, src/os/wasi-fs.ts). File operations never
   * block, so these answer at once; each charges like its async counterpart (FUEL.syscall, plus
   * FUEL.byte per byte moved) and throws an Error when the process does not hold the turn (the
   * order of calls must stay the scheduler's). They work on files, directories and /dev/null; a
   * pipe or captured output is EAGAIN for readSync/writeSync (use read/write) and EINVAL for seek.
   */
  openSync(path: string, flags: OpenFlags): number;
  /** Up to `max` bytes from the offset (which moves), or from `position` (pread: it does not); null at end of file. */
  readSync(fd: number, max: number, position?: number): Uint8Array | null;
  /** Writes all of `data` at the offset (which moves; at the end with append) or at `position` (pwrite; with append, at the end). ENOSPC past the quota. */
  writeSync(fd: number, data: Uint8Array | string, position?: number): void;
  /** lseek: the new offset (EINVAL when it would be negative). */
  seek(fd: number, offset: number, whence: Whence): number;
  fstat(fd: number): Stat;
  /** Sets the length of a file open for writing (growth reads as zeros; ENOSPC past the quota). */
  ftruncate(fd: number, size: number): void;
  /** Convenience over open/read/close; charges like them. */
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array | string, options?: { append?: boolean }): Promise<void>;

  /** posix_spawn: a new process running `argv[0]` (looked up in PATH when it has no '/'); its pid. ENOENT → the caller reports 127. */
  spawn(argv: readonly string[], options?: SpawnOptions): Promise<number>;
  /** waitpid: blocks until the child exits; its status (0–255, or 128 + signal). ECHILD when it is not a child. */
  wait(pid: number): Promise<number>;
  /** Sends a signal to a process, or to a process group when `pid` is negative. */
  kill(pid: number, signal: Signal): void;
  /** Ignores SIGPIPE (writes then get EPIPE instead). */
  ignoreSigpipe(): void;

  /** Charges guest work to the execution's single budget; throws when it is spent (the OS stops: out_of_fuel). */
  charge(fuel: number): void;
  /**
   * Fuel left in the execution's budget. A program that runs metered wasm (a WASI module,
   * QuickJS, SQLite) gives the module this much, then charges what it used.
   */
  fuelLeft(): bigint;
  /**
   * Host-side work a program needs before it can go on (building a metered engine): the process
   * keeps the turn until it settles, so nothing else runs meanwhile and the interleaving stays
   * independent of how long it takes. Not charged; for trusted host programs, never for guest I/O.
   */
  hostWork<T>(work: () => Promise<T>): Promise<T>;
  /** Virtual time: blocks until the clock passed `ms` more. */
  sleep(ms: number): Promise<void>;
  /** Virtual clock (ns since the epoch). */
  now(): bigint;
}

/** A program: resolves with its exit status (0–255). Throwing an OsError exits 1 with the message on stderr. */
export type Program = (p: Proc) => Promise<number>;

/** Fuel for host-side work, so tools are metered like guest code. */
export const FUEL = {
  /** Per system call. */
  syscall: 100,
  /** Per byte moved through read/write or examined by a tool. */
  byte: 1,
  /** Per process spawned. */
  spawn: 10_000,
} as const;
