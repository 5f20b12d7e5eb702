/**
 * Test support (not part of the runtime): compile WAT with wabt, a counting WasiHost, and a "shim"
 * guest that re-exports every WASI import as `call_<name>`, so tests can drive the real
 * wasm → host boundary (i32 sign conversion, BigInt i64) from JS.
 */
import wabtInit from 'wabt';
import { GuestAbort, GuestExit } from '../signals.js';
import { WASI_MODULE, WASI_SIGNATURES, Wasi, type WasiConfig, type WasiHost } from './index.js';

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

export async function compileWat(src: string): Promise<WebAssembly.Module> {
  wabt ??= await wabtInit();
  const parsed = wabt.parseWat('test.wat', src);
  try {
    return new WebAssembly.Module(parsed.toBinary({}).buffer as Uint8Array<ArrayBuffer>);
  } finally {
    parsed.destroy();
  }
}

export class CountingHost implements WasiHost {
  /** Fuel charged by WASI calls. */
  charged = 0;
  /** Fuel the guest "spent on instructions" (tests move it by hand). */
  instructions = 0n;
  /** When set, charge() throws out_of_fuel once the total passes it. */
  budget: number | undefined;
  mem: WebAssembly.Memory | undefined;

  memory(): WebAssembly.Memory {
    if (this.mem === undefined) throw new Error('memory not attached');
    return this.mem;
  }
  charge(fuel: number): void {
    this.charged += fuel;
    if (this.budget !== undefined && this.charged > this.budget) throw new GuestAbort('out_of_fuel', 'out of fuel');
  }
  fuelUsed(): bigint {
    return this.instructions + BigInt(this.charged);
  }
}

export function testConfig(overrides: Partial<WasiConfig> = {}): WasiConfig {
  return {
    args: ['prog'],
    env: [],
    stdin: new Uint8Array(0),
    maxStdoutBytes: 1 << 20,
    maxStderrBytes: 1 << 20,
    clockStartNs: 1_700_000_000_000_000_000n,
    seed: '0',
    preopens: [],
    ...overrides,
  };
}

export interface RunResult {
  exitCode: number | null;
  abort: GuestAbort | null;
  stdout: string;
  stderr: string;
  wasi: Wasi;
  host: CountingHost;
}

/** Instantiates `module` with a fresh Wasi and runs `_start`. */
export function runModule(module: WebAssembly.Module, config: WasiConfig, host = new CountingHost()): RunResult {
  const wasi = new Wasi(config, host);
  const instance = new WebAssembly.Instance(module, { [WASI_MODULE]: wasi.imports });
  host.mem = instance.exports['memory'] as WebAssembly.Memory;
  let exitCode: number | null = 0;
  let abort: GuestAbort | null = null;
  try {
    (instance.exports['_start'] as () => void)();
  } catch (e) {
    if (e instanceof GuestExit) exitCode = e.code;
    else if (e instanceof GuestAbort) {
      abort = e;
      exitCode = null;
    } else throw e;
  }
  const dec = new TextDecoder();
  return { exitCode, abort, stdout: dec.decode(wasi.stdout()), stderr: dec.decode(wasi.stderr()), wasi, host };
}

export async function runWat(src: string, config: WasiConfig, host?: CountingHost): Promise<RunResult> {
  return runModule(await compileWat(src), config, host);
}

/** WAT for a module importing every WASI function and exporting `call_<name>` forwarders. */
export function shimWat(pages = 2): string {
  const lines = ['(module'];
  for (const [name, sig] of Object.entries(WASI_SIGNATURES)) {
    const params = sig.params.length ? `(param ${sig.params.join(' ')})` : '';
    const results = sig.results.length ? `(result ${sig.results.join(' ')})` : '';
    lines.push(`  (import "${WASI_MODULE}" "${name}" (func $${name} ${params} ${results}))`);
  }
  lines.push(`  (memory (export "memory") ${pages})`);
  for (const [name, sig] of Object.entries(WASI_SIGNATURES)) {
    const params = sig.params.length ? `(param ${sig.params.join(' ')})` : '';
    const results = sig.results.length ? `(result ${sig.results.join(' ')})` : '';
    const gets = sig.params.map((_, i) => `local.get ${i}`).join(' ');
    lines.push(`  (func (export "call_${name}") ${params} ${results} ${gets} call $${name})`);
  }
  lines.push(')');
  return lines.join('\n');
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Scratch memory starts here; low addresses are left for fixed result slots. */
const HEAP_START = 4096;

/** Drives WASI calls through the shim module, with a bump allocator in guest memory. */
export class Shim {
  private heap = HEAP_START;

  private constructor(
    readonly wasi: Wasi,
    readonly host: CountingHost,
    private readonly exports: Record<string, (...args: unknown[]) => number>,
  ) {}

  static async create(config: WasiConfig, host = new CountingHost()): Promise<Shim> {
    const module = await compileWat(shimWat());
    const wasi = new Wasi(config, host);
    const instance = new WebAssembly.Instance(module, { [WASI_MODULE]: wasi.imports });
    host.mem = instance.exports['memory'] as WebAssembly.Memory;
    return new Shim(wasi, host, instance.exports as unknown as Record<string, (...args: unknown[]) => number>);
  }

  /** Calls WASI function `name` through wasm; returns the errno. */
  call(name: string, ...args: (number | bigint)[]): number {
    const fn = this.exports[`call_${name}`];
    if (fn === undefined) throw new Error(`no such WASI function ${name}`);
    return fn(...args);
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.host.memory().buffer);
  }
  get view(): DataView {
    return new DataView(this.host.memory().buffer);
  }

  alloc(size: number): number {
    const p = (this.heap + 7) & ~7;
    this.heap = p + size;
    return p;
  }
  /** Resets the bump allocator (pointers handed out before become reusable). */
  reset(): void {
    this.heap = HEAP_START;
  }

  /** Copies `s` into guest memory; returns [ptr, len]. */
  str(s: string | Uint8Array): [number, number] {
    const b = typeof s === 'string' ? encoder.encode(s) : s;
    const p = this.alloc(b.length);
    this.bytes.set(b, p);
    return [p, b.length];
  }
  u32(p: number): number {
    return this.view.getUint32(p, true);
  }
  u64(p: number): bigint {
    return this.view.getBigUint64(p, true);
  }
  text(p: number, len: number): string {
    return decoder.decode(this.bytes.slice(p, p + len));
  }

  /** path_open; returns [errno, fd]. */
  open(dirfd: number, path: string, opts: { oflags?: number; rights?: bigint; inheriting?: bigint; fdflags?: number; follow?: boolean } = {}): [number, number] {
    const [pp, pl] = this.str(path);
    const out = this.alloc(4);
    // Like wasi-libc: directories are opened without FD_WRITE (which would be EISDIR).
    const rights = opts.rights ?? ((opts.oflags ?? 0) & 2 ? 0x1fffffffn & ~64n : 0x1fffffffn);
    const errno = this.call('path_open', dirfd, opts.follow ? 1 : 0, pp, pl, opts.oflags ?? 0, rights, opts.inheriting ?? 0x1fffffffn, opts.fdflags ?? 0, out);
    return [errno, errno === 0 ? this.u32(out) : -1];
  }

  /** fd_write of `data`; returns [errno, nwritten]. */
  write(fd: number, data: string | Uint8Array): [number, number] {
    const [p, l] = this.str(data);
    const iov = this.alloc(8);
    this.view.setUint32(iov, p, true);
    this.view.setUint32(iov + 4, l, true);
    const out = this.alloc(4);
    const errno = this.call('fd_write', fd, iov, 1, out);
    return [errno, this.u32(out)];
  }

  /** fd_read of up to `len` bytes; returns [errno, text]. */
  read(fd: number, len: number): [number, string] {
    const buf = this.alloc(len);
    const iov = this.alloc(8);
    this.view.setUint32(iov, buf, true);
    this.view.setUint32(iov + 4, len, true);
    const out = this.alloc(4);
    const errno = this.call('fd_read', fd, iov, 1, out);
    return [errno, errno === 0 ? this.text(buf, this.u32(out)) : ''];
  }

  /** path_* call taking (fd, path) plus extra trailing args. */
  path(name: string, fd: number, path: string, ...rest: (number | bigint)[]): number {
    const [p, l] = this.str(path);
    return this.call(name, fd, p, l, ...rest);
  }

  /** fd_filestat_get / path_filestat_get result. */
  filestat(at: number): { dev: bigint; ino: bigint; filetype: number; nlink: bigint; size: bigint; atim: bigint; mtim: bigint; ctim: bigint } {
    const v = this.view;
    return {
      dev: v.getBigUint64(at, true),
      ino: v.getBigUint64(at + 8, true),
      filetype: v.getUint8(at + 16),
      nlink: v.getBigUint64(at + 24, true),
      size: v.getBigUint64(at + 32, true),
      atim: v.getBigUint64(at + 40, true),
      mtim: v.getBigUint64(at + 48, true),
      ctim: v.getBigUint64(at + 56, true),
    };
  }

  statFd(fd: number): [number, ReturnType<Shim['filestat']>] {
    const out = this.alloc(64);
    const errno = this.call('fd_filestat_get', fd, out);
    return [errno, this.filestat(out)];
  }

  statPath(fd: number, path: string, follow = false): [number, ReturnType<Shim['filestat']>] {
    const [p, l] = this.str(path);
    const out = this.alloc(64);
    const errno = this.call('path_filestat_get', fd, follow ? 1 : 0, p, l, out);
    return [errno, this.filestat(out)];
  }

  /** fd_fdstat_get: [errno, {filetype, flags, base, inheriting}]. */
  fdstat(fd: number): [number, { filetype: number; flags: number; base: bigint; inheriting: bigint }] {
    const out = this.alloc(24);
    const errno = this.call('fd_fdstat_get', fd, out);
    const v = this.view;
    return [errno, { filetype: v.getUint8(out), flags: v.getUint16(out + 2, true), base: v.getBigUint64(out + 8, true), inheriting: v.getBigUint64(out + 16, true) }];
  }

  /** fd_readdir with a buffer of `size`; returns [errno, entries, bufused]. */
  readdir(fd: number, cookie: bigint, size: number): [number, { next: bigint; ino: bigint; type: number; name: string }[], number] {
    const buf = this.alloc(size);
    const out = this.alloc(4);
    const errno = this.call('fd_readdir', fd, buf, size, cookie, out);
    const used = errno === 0 ? this.u32(out) : 0;
    const entries = [];
    let at = 0;
    while (at + 24 <= used) {
      const next = this.view.getBigUint64(buf + at, true);
      const ino = this.view.getBigUint64(buf + at + 8, true);
      const namlen = this.view.getUint32(buf + at + 16, true);
      const type = this.view.getUint8(buf + at + 20);
      if (at + 24 + namlen > used) break;
      entries.push({ next, ino, type, name: this.text(buf + at + 24, namlen) });
      at += 24 + namlen;
    }
    return [errno, entries, used];
  }
}
