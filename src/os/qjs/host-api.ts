/**
 * The host half of `qjs`'s API: the primitives ./std-source.ts builds `std` and `os` from.
 * They are made once per engine (before its snapshot) and reach the running process through
 * `slot.current`. Each charges HOST_CALL_FUEL plus HOST_BYTE_FUEL per byte crossing, like the
 * `near` primitives; the kernel charges its own system-call fuel on top.
 *
 * A primitive that may block queues a call (./process.ts) and returns a promise the driver
 * settles after the slice. Synchronous ones (stat, readdir, mkdir, …) call the kernel at once.
 * A kernel OsError becomes a guest Error with `code` (e.g. 'ENOENT'); any other kernel error
 * (the process was killed, the OS stopped) stops the script uncatchably and is rethrown by the
 * driver.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { HOST_BYTE_FUEL, HOST_CALL_FUEL, newBytes, textIn, textOut, wireBytes, type HostEnv } from '../../js/host/near-host.js';
import type { NearOps, NearSyscallContext } from '../../sandbox/near.js';
import { GuestAbort } from '../../sandbox/signals.js';
import { Errno, WasiErrno } from '../../sandbox/wasi/errno.js';
import { OsError, type OpenFlags, type Signal, type SpawnOptions } from '../types.js';
import { MAX_BUFFERED_OUTPUT, type QjsProcess, type Settle } from './process.js';
import { nearSyscall } from './near-syscall.js';

export interface ProcessSlot {
  current: QjsProcess | null;
  /** The NEAR context and its operations for the running process (shared by the OS run). */
  near: { ctx: NearSyscallContext; ops: NearOps } | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The guest Error for a failed system call: `ENOENT: /x: no such file or directory`, with `code`. */
export function guestOsError(ctx: QuickJSContext, e: OsError): QuickJSHandle {
  const error = ctx.newError({ name: 'Error', message: `${e.code}: ${e.message}` });
  const code = ctx.newString(e.code);
  ctx.setProp(error, 'code', code);
  code.dispose();
  return error;
}

/** fopen-style modes (r, r+, w, w+, a, a+, with x and b) or os.open's JSON flags. */
export function openFlags(mode: string): OpenFlags {
  if (mode.startsWith('{')) return JSON.parse(mode) as OpenFlags;
  const m = /^([rwa])(\+?)(b?)(x?)(b?)$/.exec(mode);
  if (!m) throw new OsError('EINVAL', `invalid mode ${JSON.stringify(mode)}`);
  const plus = m[2] === '+';
  const exclusive = m[4] === 'x';
  if (m[1] === 'r') return { read: true, write: plus };
  if (m[1] === 'w') return { read: plus, write: true, create: true, truncate: true, exclusive };
  return { read: plus, write: true, create: true, append: true, exclusive };
}

/** Creates the primitives object handle (`h` of std-source.ts). The caller owns the handle. */
export function newQjsPrimitives(env: HostEnv, slot: ProcessSlot): QuickJSHandle {
  const ctx = env.context;
  const proc = (): QjsProcess => {
    const p = slot.current;
    if (!p) throw new Error('qjs host call outside a process');
    // After exit or a stop the guest is being interrupted; refuse anything it still tries.
    if (p.exitStatus !== null || p.fatal !== null || p.aborted !== null) throw new Error('the process is exiting');
    return p;
  };
  const bytes = (h: QuickJSHandle | undefined): Uint8Array => wireBytes(env, h);
  const text = (h: QuickJSHandle | undefined): string => textIn(env, h);
  const num = (h: QuickJSHandle | undefined): number => (h ? ctx.getNumber(h) : NaN);
  const bytesOut = newBytes;
  const charge = (n: number): void => env.charge(HOST_CALL_FUEL + HOST_BYTE_FUEL * n);

  /** Runs a synchronous kernel call: OsError → a guest error; anything else stops the script. */
  const sync = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof OsError) throw new GuestOsError(e);
      const p = proc();
      p.fatal ??= e;
      env.state().abort ??= { kind: 'trap', message: 'the process was stopped by the OS' };
      throw e;
    }
  };
  /** Queues a blocking call; its promise settles after the slice. */
  const call = (run: (q: QjsProcess) => Promise<Settle>): QuickJSHandle => {
    const p = proc();
    const deferred = ctx.newPromise();
    p.actions.push({ kind: 'call', deferred, run: () => run(p) });
    return deferred.handle;
  };
  const none: Settle = (c) => c.undefined;

  const fns: Record<string, (...args: QuickJSHandle[]) => QuickJSHandle | undefined> = {
    info() {
      const p = proc();
      charge(0);
      return ctx.newString(JSON.stringify({ pid: p.proc.pid, ppid: p.proc.ppid, argv: p.argv }));
    },
    out(fd, data) {
      const p = proc();
      const b = bytes(data);
      charge(b.length);
      if (p.bufferedBytes + b.length > MAX_BUFFERED_OUTPUT) {
        throw new RangeError(`more than ${MAX_BUFFERED_OUTPUT} bytes of output buffered without waiting (await std.out.flush() now and then)`);
      }
      p.bufferedBytes += b.length;
      p.actions.push({ kind: 'out', fd: num(fd), bytes: b });
      return undefined;
    },
    flush() {
      charge(0);
      return call(async () => none);
    },
    read(fd, max) {
      charge(0);
      const f = num(fd);
      const m = Math.max(0, Math.min(num(max), 1 << 20));
      return call(async (q) => {
        const r = await q.read(f, m);
        return (c) => (r === null ? c.null : bytesOut(c, r));
      });
    },
    linesReady(fd) {
      const lines = proc().linesReady(num(fd));
      charge(lines?.length ?? 0);
      return lines === undefined ? undefined : ctx.newString(decoder.decode(lines));
    },
    unread(fd, text) {
      const b = bytes(text);
      charge(b.length);
      proc().unread(num(fd), b);
      return undefined;
    },
    getline(fd) {
      charge(0);
      const f = num(fd);
      return call(async (q) => {
        const r = await q.getline(f);
        return (c) => (r === null ? c.null : textOut(c, decoder.decode(r)));
      });
    },
    readAll(fd, max) {
      charge(0);
      const f = num(fd);
      const m = num(max);
      return call(async (q) => {
        const r = await q.readAll(f, m);
        return (c) => textOut(c, decoder.decode(r));
      });
    },
    write(fd, data) {
      const f = num(fd);
      const b = bytes(data);
      charge(b.length);
      return call(async (q) => {
        await q.proc.write(f, b);
        return (c) => c.newNumber(b.length);
      });
    },
    open(path, mode) {
      const p = text(path);
      const m = text(mode);
      charge(p.length);
      return call(async (q) => {
        const fd = await q.proc.open(p, openFlags(m));
        return (c) => c.newNumber(fd);
      });
    },
    close(fd) {
      charge(0);
      const f = num(fd);
      return call(async (q) => {
        q.dropAhead(f);
        q.proc.close(f);
        return none;
      });
    },
    readFile(path, orNull) {
      const p = text(path);
      const nullOnError = orNull !== undefined && ctx.typeof(orNull) === 'number' && num(orNull) === 1;
      charge(p.length);
      return call(async (q) => {
        try {
          const r = await q.proc.readFile(p);
          return (c) => bytesOut(c, r);
        } catch (e) {
          if (nullOnError && e instanceof OsError) return (c) => c.null;
          throw e;
        }
      });
    },
    writeFile(path, data, append) {
      const p = text(path);
      const b = bytes(data);
      const a = append !== undefined && ctx.typeof(append) === 'boolean' && ctx.dump(append) === true;
      charge(p.length + b.length);
      return call(async (q) => {
        await q.proc.writeFile(p, b, { append: a });
        return none;
      });
    },
    pipe() {
      charge(0);
      return ctx.newString(JSON.stringify(sync(() => proc().proc.pipe())));
    },
    dup2(from, to) {
      charge(0);
      const p = proc();
      sync(() => p.proc.dup2(num(from), num(to)));
      p.dropAhead(num(to));
      return undefined;
    },
    spawn(argvJson, optionsJson) {
      const argv = JSON.parse(text(argvJson)) as string[];
      const options = JSON.parse(text(optionsJson)) as SpawnOptions;
      charge(JSON.stringify(argv).length);
      return call(async (q) => {
        const pid = await q.proc.spawn(argv, options);
        return (c) => c.newNumber(pid);
      });
    },
    wait(pid) {
      charge(0);
      const p = num(pid);
      return call(async (q) => {
        const status = await q.proc.wait(p);
        return (c) => c.newNumber(status);
      });
    },
    kill(pid, sig) {
      charge(0);
      sync(() => proc().proc.kill(num(pid), text(sig) as Signal));
      return undefined;
    },
    sleep(ms) {
      charge(0);
      const m = num(ms);
      return call(async (q) => {
        await q.proc.sleep(m);
        return none;
      });
    },
    now() {
      charge(0);
      return ctx.newString(String(sync(() => proc().proc.now())));
    },
    getenv(name) {
      const v = proc().proc.env.get(text(name));
      charge(v?.length ?? 0);
      return v === undefined ? undefined : textOut(ctx, v);
    },
    setenv(name, value) {
      const n = text(name);
      const v = text(value);
      charge(n.length + v.length);
      if (n === '' || n.includes('=')) throw new TypeError(`invalid environment variable name ${JSON.stringify(n)}`);
      proc().proc.env.set(n, v);
      return undefined;
    },
    unsetenv(name) {
      charge(0);
      proc().proc.env.delete(text(name));
      return undefined;
    },
    environ() {
      const json = JSON.stringify(Object.fromEntries(proc().proc.env));
      charge(json.length);
      return ctx.newString(json);
    },
    getcwd() {
      charge(0);
      return textOut(ctx, proc().proc.cwd);
    },
    chdir(path) {
      const p = text(path);
      charge(p.length);
      sync(() => {
        proc().proc.cwd = p;
      });
      return undefined;
    },
    mkdir(path, recursive) {
      const p = text(path);
      charge(p.length);
      sync(() => proc().proc.mkdir(p, { recursive: recursive !== undefined && ctx.dump(recursive) === true }));
      return undefined;
    },
    remove(path) {
      const p = text(path);
      charge(p.length);
      sync(() => {
        const q = proc().proc;
        if (q.stat(p).kind === 'dir') q.rmdir(p);
        else q.unlink(p);
      });
      return undefined;
    },
    rename(from, to) {
      const a = text(from);
      const b = text(to);
      charge(a.length + b.length);
      sync(() => proc().proc.rename(a, b));
      return undefined;
    },
    stat(path) {
      const p = text(path);
      charge(p.length);
      const st = sync(() => proc().proc.stat(p));
      return ctx.newString(JSON.stringify({ kind: st.kind, size: st.size, mtime: Number(st.mtimeNs / 1000n) / 1000, ino: st.ino }));
    },
    readdir(path) {
      const p = text(path);
      const names = sync(() => proc().proc.readdir(p));
      const json = JSON.stringify(names);
      charge(p.length + json.length);
      return textOut(ctx, json);
    },
    exit(code) {
      const p = proc();
      p.exitStatus = num(code) & 255;
      env.state().abort ??= { kind: 'trap', message: 'exit' };
      throw new Error('exit');
    },
    syscall(nr, kinds, ...args) {
      const k = text(kinds);
      const values = args.map((h, i) => (k[i] === 'b' ? bytes(h) : text(h)));
      charge(values.reduce((n, v) => n + v.length, 0));
      const near = slot.near;
      if (!near) throw new Error('qjs: no NEAR context');
      const r = nearSyscall(near.ctx, near.ops, num(nr), k, values);
      // A NEAR log line also goes to stderr, as a WASI guest's does.
      if (num(nr) === 404) proc().actions.push({ kind: 'out', fd: 2, bytes: encoder.encode(`${near.ctx.logs[near.ctx.logs.length - 1]}\n`) });
      if (r === null) return ctx.null;
      if (r instanceof Uint8Array) {
        charge(r.length);
        return bytesOut(ctx, r);
      }
      if (typeof r === 'bigint') return ctx.newString(`n${r}`);
      if (typeof r === 'boolean') return ctx.newString(`b${r}`);
      return textOut(ctx, `s${r}`);
    },
  };

  const obj = ctx.newObject();
  for (const [name, fn] of Object.entries(fns)) {
    const f = ctx.newFunction(name, (...args: QuickJSHandle[]) => {
      try {
        return fn(...args);
      } catch (e) {
        if (e instanceof GuestOsError) return { error: guestOsError(ctx, e.error) } as unknown as QuickJSHandle;
        if (e instanceof WasiErrno) return { error: guestOsError(ctx, new OsError(errnoName(e.errno), `NEAR system call failed (${errnoName(e.errno)})`)) } as unknown as QuickJSHandle;
        if (e instanceof GuestAbort && slot.current) {
          // panic, or NEAR logs past the cap: the process ends (status 134), uncatchably.
          slot.current.aborted ??= { kind: e.kind, message: e.message };
          env.state().abort ??= { kind: 'trap', message: e.message };
        }
        throw e;
      }
    });
    ctx.setProp(obj, name, f);
    f.dispose();
  }
  return obj;
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(Errno).map(([name, n]) => [n, `E${name}`]));
/** WASI errno number → its POSIX name (OsError codes outside the kernel's set are kept as text). */
function errnoName(errno: number): OsError['code'] {
  return (ERRNO_NAMES.get(errno) ?? 'EINVAL') as OsError['code'];
}

/** An OsError on its way to the guest (thrown inside `sync`). */
class GuestOsError extends Error {
  constructor(readonly error: OsError) {
    super(error.message);
  }
}
