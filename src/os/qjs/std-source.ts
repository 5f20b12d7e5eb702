/**
 * The guest-side half of `qjs`'s API: builds the `std` and `os` objects, `print` and
 * `scriptArgs` from the raw host primitives of ./host-api.ts. It runs inside the realm (so its
 * argument checks and conversions are metered guest work) and the primitives only see strings,
 * numbers and ArrayBuffers.
 *
 * Shaped after QuickJS's own `std` and `os` modules, with one rule of our own: a call that can
 * block in the guest OS (reading a pipe, writing to a full one, waiting for a child, sleeping,
 * opening a file) returns a Promise — processes are cooperative, so a script `await`s where
 * QuickJS's C build would block. Writes through `print`, `console` and `FILE.puts` are buffered
 * and reach their descriptor, in order, when the script next waits (or `await f.flush()`).
 * docs/os.md lists the API.
 */
import { UTF8_SOURCE } from '../../js/host/utf8-source.js';

export const STD_OS_SOURCE = String.raw`(function makeStdOs(raw) {
  'use strict';
${UTF8_SOURCE}
  const parse = (json) => JSON.parse(json);
  const wire = (v, what) => {
    if (typeof v === 'string') return str(v);
    if (v instanceof ArrayBuffer) return v;
    if (ArrayBuffer.isView(v)) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
    throw new TypeError(what + ' must be a string, an ArrayBuffer or a typed array');
  };
  const path = (p, what) => {
    if (typeof p !== 'string') throw new TypeError((what || 'path') + ' must be a string');
    return str(p);
  };
  const int = (n, what) => {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(what + ' must be an integer');
    return n;
  };
  const bytes = (r) => (r === null ? null : new Uint8Array(r));

  // Text written with print/puts collects here (one descriptor at a time) and crosses to the
  // host in large pieces: when it grows past 8 KiB, before any other call, and when the slice
  // ends (the driver calls flushOut), so the order of everything written is kept.
  let pendingFd = -1;
  let pending = [];
  let pendingLength = 0;
  const flushOut = () => {
    if (pendingLength !== 0) {
      const text = pending.length === 1 ? pending[0] : pending.join('');
      pending = [];
      pendingLength = 0;
      raw.out(pendingFd, str(text));
    }
  };
  const emit = (fd, text) => {
    if (fd !== pendingFd) { flushOut(); pendingFd = fd; }
    pending.push(text);
    pendingLength += text.length;
    if (pendingLength >= 8192) flushOut();
  };
  /** Every primitive but out goes through here, so text buffered before it is written first. */
  const h = {};
  for (const name of Object.keys(raw)) h[name] = name === 'out' ? raw.out : (...a) => { flushOut(); return raw[name](...a); };

  const SIGNALS = { SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };
  const signalName = (s) => {
    if (typeof s === 'string' && SIGNALS[s] !== undefined) return s;
    for (const name in SIGNALS) if (SIGNALS[name] === s) return name;
    throw new TypeError('unsupported signal ' + String(s) + ' (SIGINT, SIGKILL, SIGPIPE, SIGTERM)');
  };

  // Lines getline took from the host in one piece (all that was read ahead), per descriptor:
  // each line then costs no host call. Any other read first hands the rest back (unread).
  const cached = new Map();
  const unread = (fd) => {
    const c = cached.get(fd);
    if (c === undefined) return;
    cached.delete(fd);
    h.unread(fd, c.lines.slice(c.at).join('\n') + '\n');
  };

  /** A stdio stream over a descriptor, like QuickJS's FILE. */
  class FILE {
    #fd;
    constructor(fd) { this.#fd = fd; }
    fileno() { return this.#fd; }
    /** Buffered: reaches the descriptor when the script next waits. */
    puts(s) { emit(this.#fd, String(s)); }
    printf(fmt, ...args) { this.puts(sprintf(fmt, ...args)); }
    /** Buffered bytes (an ArrayBuffer or typed array). */
    write(data) { flushOut(); h.out(this.#fd, wire(data, 'data')); }
    flush() { return h.flush(); }
    /** The next line without its newline, or null at end of file. */
    async getline() {
      const fd = this.#fd;
      let c = cached.get(fd);
      if (c === undefined) {
        const ready = h.linesReady(fd);
        if (ready === undefined) return txt(await h.getline(fd));
        c = { lines: ready.split('\n'), at: 0 };
        c.lines.pop(); // the piece ends with a newline
        cached.set(fd, c);
      }
      const line = c.lines[c.at++];
      if (c.at === c.lines.length) cached.delete(fd);
      return line;
    }
    /** Everything to end of file (or max bytes) as text. */
    async readAsString(max) { unread(this.#fd); return txt(await h.readAll(this.#fd, max === undefined ? -1 : int(max, 'max'))); }
    /** Up to max bytes as a Uint8Array, or null at end of file. */
    async read(max) { unread(this.#fd); return bytes(await h.read(this.#fd, max === undefined ? 65536 : int(max, 'max'))); }
    async close() { cached.delete(this.#fd); await h.close(this.#fd); }
  }

  /** printf-style formatting: %s %d %i %u %x %X %o %f %e %g %c %j %% with flags, width, precision. */
  const sprintf = (fmt, ...args) => {
    let i = 0;
    return String(fmt).replace(/%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?([sdiuxXofeEgGcj%])/g, (all, flags, width, prec, conv) => {
      if (conv === '%') return '%';
      if (width === '*') width = args[i++];
      if (prec === '*') prec = args[i++];
      const a = args[i++];
      let s;
      switch (conv) {
        case 's': s = String(a); if (prec !== undefined) s = s.slice(0, Number(prec)); break;
        case 'd': case 'i': s = String(typeof a === 'bigint' ? a : Math.trunc(Number(a))); break;
        case 'u': s = String(typeof a === 'bigint' ? (a < 0n ? a + (1n << 64n) : a) : Math.trunc(Number(a)) >>> 0); break;
        case 'x': s = (typeof a === 'bigint' ? a : Math.trunc(Number(a)) >>> 0).toString(16); break;
        case 'X': s = (typeof a === 'bigint' ? a : Math.trunc(Number(a)) >>> 0).toString(16).toUpperCase(); break;
        case 'o': s = (typeof a === 'bigint' ? a : Math.trunc(Number(a)) >>> 0).toString(8); break;
        case 'f': s = Number(a).toFixed(prec === undefined ? 6 : Number(prec)); break;
        case 'e': case 'E': s = Number(a).toExponential(prec === undefined ? 6 : Number(prec)).replace(/e([+-])(\d)$/, 'e$10$2'); if (conv === 'E') s = s.toUpperCase(); break;
        case 'g': case 'G': s = String(Number(Number(a).toPrecision(prec === undefined ? 6 : Math.max(1, Number(prec))))); if (conv === 'G') s = s.toUpperCase(); break;
        case 'c': s = typeof a === 'number' ? String.fromCharCode(a) : String(a).charAt(0); break;
        case 'j': s = JSON.stringify(a); break;
      }
      if (flags.indexOf('+') >= 0 && /[dieEfgG]/.test(conv) && s[0] !== '-') s = '+' + s;
      else if (flags.indexOf(' ') >= 0 && /[dieEfgG]/.test(conv) && s[0] !== '-') s = ' ' + s;
      const w = width === undefined ? 0 : Number(width);
      if (s.length < w) {
        if (flags.indexOf('-') >= 0) s = s + ' '.repeat(w - s.length);
        else if (flags.indexOf('0') >= 0 && conv !== 's' && conv !== 'c') {
          const sign = /^[+ -]/.test(s) ? s[0] : '';
          s = sign + '0'.repeat(w - s.length) + s.slice(sign.length);
        } else s = ' '.repeat(w - s.length) + s;
      }
      return s;
    });
  };

  const stdin = new FILE(0), stdout = new FILE(1), stderr = new FILE(2);
  const show = (v) => (typeof v === 'string' ? v : typeof v === 'bigint' ? v + 'n' : String(v));

  const std = {
    in: stdin,
    out: stdout,
    err: stderr,
    /** Ends the process now with status n (buffered output is written first). */
    exit(n) { h.exit(n === undefined ? 0 : int(n, 'status')); },
    getenv(name) { const v = h.getenv(path(name, 'name')); return v === undefined ? undefined : txt(v); },
    setenv(name, value) { h.setenv(path(name, 'name'), str(String(value))); },
    unsetenv(name) { h.unsetenv(path(name, 'name')); },
    getenviron() { return parse(h.environ()); },
    /** A file's contents as text, or null when it cannot be read (as QuickJS). */
    async loadFile(p) { const r = await h.readFile(path(p), 1); return r === null ? null : fromUtf8(r); },
    /** Replaces (or with {append: true} extends) a file; rejects with the OS error. */
    async writeFile(p, data, options) { await h.writeFile(path(p), wire(data, 'data'), !!(options && options.append)); },
    /** Opens a file as a FILE: mode r, r+, w, w+, a, a+ (x for exclusive). */
    async open(p, mode) { return new FILE(await h.open(path(p), mode === undefined ? 'r' : String(mode))); },
    /** A FILE over a descriptor this process has (e.g. the read end of os.pipe()). */
    fdopen(fd) { return new FILE(int(fd, 'fd')); },
    printf(fmt, ...args) { stdout.puts(sprintf(fmt, ...args)); },
    sprintf,
    strerror(code) { return String(code); },
    parseExtJSON(text) { return JSON.parse(text); },
  };

  const os = {
    O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_APPEND: 8, O_CREAT: 0x200, O_EXCL: 0x800, O_TRUNC: 0x400,
    SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15,
    get pid() { return parse(h.info()).pid; },
    get ppid() { return parse(h.info()).ppid; },
    /** Opens a file descriptor: flags are os.O_* bits. */
    async open(p, flags) {
      const f = flags === undefined ? 0 : int(flags, 'flags');
      const acc = f & 3;
      const mode = JSON.stringify({ read: acc !== 1, write: acc !== 0, create: (f & 0x200) !== 0, truncate: (f & 0x400) !== 0, append: (f & 8) !== 0, exclusive: (f & 0x800) !== 0 });
      return h.open(path(p), mode);
    },
    close(fd) { cached.delete(fd); return h.close(int(fd, 'fd')); },
    /** Up to max bytes (a Uint8Array), or null at end of file. */
    async read(fd, max) { unread(fd); return bytes(await h.read(int(fd, 'fd'), max === undefined ? 65536 : int(max, 'max'))); },
    /** Writes everything; resolves with the byte count. */
    write(fd, data) { return h.write(int(fd, 'fd'), wire(data, 'data')); },
    pipe() { return parse(h.pipe()); },
    dup2(from, to) { cached.delete(to); h.dup2(int(from, 'fd'), int(to, 'fd')); },
    /**
     * Runs a program: args[0] is looked up in PATH. Options: block (default true: resolves with
     * the exit status; false: with the pid), cwd, env (an object: the whole environment), stdin,
     * stdout, stderr (descriptors of this process to give the child as 0, 1, 2).
     */
    async exec(args, options) {
      if (!Array.isArray(args) || args.length === 0 || !args.every((a) => typeof a === 'string')) throw new TypeError('exec: args must be a non-empty array of strings');
      const o = options || {};
      const spawn = { fds: { 0: o.stdin === undefined ? 0 : int(o.stdin, 'stdin'), 1: o.stdout === undefined ? 1 : int(o.stdout, 'stdout'), 2: o.stderr === undefined ? 2 : int(o.stderr, 'stderr') } };
      if (o.cwd !== undefined) spawn.cwd = String(o.cwd);
      if (o.env !== undefined) { spawn.env = {}; for (const k of Object.keys(o.env)) spawn.env[k] = String(o.env[k]); }
      const pid = await h.spawn(str(JSON.stringify(args)), str(JSON.stringify(spawn)));
      return o.block === false ? pid : h.wait(pid);
    },
    /** Waits for a child: [pid, status] as QuickJS's waitpid (status 0–255, or 128 + signal). */
    async waitpid(pid) { return [pid, await h.wait(int(pid, 'pid'))]; },
    kill(pid, sig) { h.kill(int(pid, 'pid'), signalName(sig === undefined ? 'SIGTERM' : sig)); },
    getcwd() { return txt(h.getcwd()); },
    chdir(p) { h.chdir(path(p)); },
    mkdir(p, options) { h.mkdir(path(p), !!(options && options.recursive)); },
    /** Removes a file or an empty directory. */
    remove(p) { h.remove(path(p)); },
    rename(from, to) { h.rename(path(from, 'from'), path(to, 'to')); },
    /** { kind: 'file' | 'dir' | 'pipe', size, mtime (ms), ino }. */
    stat(p) { return parse(h.stat(path(p))); },
    readdir(p) { return parse(h.readdir(path(p === undefined ? '.' : p))); },
    /** Virtual time: resolves once the OS clock passed ms more (sleeping costs no real time). */
    sleep(ms) { return h.sleep(Number(ms)); },
    sleepAsync(ms) { return h.sleep(Number(ms)); },
    /** The OS's virtual clock in ms (fractional). */
    now() { return Number(BigInt(h.now())) / 1e6; },
    /**
     * A NEAR system call by number (400–499, docs/sandbox.md), with JS values for arguments and
     * results: keys, values and data as strings or bytes; results as Uint8Array, string, bigint,
     * boolean or null. Shares the OS run's NEAR context with every other process.
     */
    syscall(nr, ...args) {
      let kinds = '';
      const values = args.map((a) => {
        if (typeof a === 'string') { kinds += 's'; return str(a); }
        if (a instanceof ArrayBuffer || ArrayBuffer.isView(a)) { kinds += 'b'; return wire(a, 'argument'); }
        if (typeof a === 'bigint' || (typeof a === 'number' && Number.isInteger(a))) { kinds += 'n'; return String(a); }
        throw new TypeError('syscall arguments are strings, bytes, integers or bigints');
      });
      const r = h.syscall(int(nr, 'nr'), kinds, ...values);
      if (r === null || r === undefined) return null;
      if (typeof r === 'string') return r[0] === 'n' ? BigInt(r.slice(1)) : r[0] === 'b' ? r === 'btrue' : r.slice(1);
      return new Uint8Array(r);
    },
  };

  const print = (...args) => { emit(1, (args.length === 1 ? show(args[0]) : args.map(show).join(' ')) + '\n'); };
  return { std, os, print, scriptArgs: () => parse(h.info()).argv, flushOut };
})`;
