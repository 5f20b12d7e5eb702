// Mounts (./mount.ts): a host filesystem preopened beside the in-memory volume. The WASI calls on
// its descriptors reach the mount itself (nothing is copied), keep the preview1 checks and fuel,
// and leave every other descriptor's calls as they were.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostStop } from '../signals.js';
import { Errno, WasiErrno, fail } from './errno.js';
import { dir, file, type MountFs, type MountStat } from './index.js';
import { CountingHost, Shim, testConfig } from './test-harness.js';

const O = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
const VOLUME = 3;
const MOUNT = 4;

/** A small in-memory mount: absolute normalized paths → bytes or directory. */
class MemMount implements MountFs {
  readonly files = new Map<string, Uint8Array>();
  readonly dirs = new Set<string>(['/']);
  readonly calls: string[] = [];
  private readonly handles = new Map<number, { path: string; offset: number; dir: boolean }>();
  private next = 10;
  boom: unknown = null;

  private norm(path: string): string {
    const parts: string[] = [];
    for (const c of path.split('/')) {
      if (c === '' || c === '.') continue;
      if (c === '..') parts.pop();
      else parts.push(c);
    }
    return `/${parts.join('/')}`;
  }
  private h(handle: number) {
    const h = this.handles.get(handle);
    if (!h) fail(Errno.BADF);
    return h;
  }
  private note(op: string): void {
    this.calls.push(op);
    if (this.boom !== null) throw this.boom;
  }
  open(path: string, f: { create: boolean; exclusive: boolean; truncate: boolean; write: boolean }): number {
    this.note('open');
    const p = this.norm(path);
    if (this.dirs.has(p)) {
      if (f.write) fail(Errno.ISDIR);
      this.handles.set(this.next, { path: p, offset: 0, dir: true });
      return this.next++;
    }
    if (!this.files.has(p)) {
      if (!f.create) fail(Errno.NOENT);
      this.files.set(p, new Uint8Array(0));
    } else if (f.create && f.exclusive) fail(Errno.EXIST);
    if (f.truncate && f.write) this.files.set(p, new Uint8Array(0));
    this.handles.set(this.next, { path: p, offset: 0, dir: false });
    return this.next++;
  }
  close(handle: number): void {
    this.note('close');
    this.h(handle);
    this.handles.delete(handle);
  }
  read(handle: number, max: number, position?: number): Uint8Array {
    this.note('read');
    const h = this.h(handle);
    const data = this.files.get(h.path)!;
    const at = position ?? h.offset;
    const out = data.slice(at, at + max);
    if (position === undefined) h.offset += out.length;
    return out;
  }
  write(handle: number, bytes: Uint8Array, position?: number): void {
    this.note('write');
    const h = this.h(handle);
    const old = this.files.get(h.path)!;
    const at = position ?? h.offset;
    const next = new Uint8Array(Math.max(old.length, at + bytes.length));
    next.set(old);
    next.set(bytes, at);
    this.files.set(h.path, next);
    if (position === undefined) h.offset = at + bytes.length;
  }
  seek(handle: number, offset: number, whence: 'set' | 'cur' | 'end'): number {
    this.note('seek');
    const h = this.h(handle);
    const base = whence === 'set' ? 0 : whence === 'cur' ? h.offset : this.files.get(h.path)!.length;
    if (base + offset < 0) fail(Errno.INVAL);
    return (h.offset = base + offset);
  }
  private statOf(p: string): MountStat {
    if (this.dirs.has(p)) return { filetype: 'dir', size: 0, ino: 1 + [...this.dirs].indexOf(p), mtimNs: 5n };
    const data = this.files.get(p);
    if (!data) fail(Errno.NOENT);
    return { filetype: 'file', size: data.length, ino: 100 + [...this.files.keys()].indexOf(p), mtimNs: 7n };
  }
  fstat(handle: number): MountStat {
    this.note('fstat');
    return this.statOf(this.h(handle).path);
  }
  truncate(handle: number, size: number): void {
    this.note('truncate');
    const h = this.h(handle);
    const next = new Uint8Array(size);
    next.set(this.files.get(h.path)!.subarray(0, size));
    this.files.set(h.path, next);
  }
  stat(path: string): MountStat {
    this.note('stat');
    return this.statOf(this.norm(path));
  }
  readdir(path: string): { name: string; filetype: 'file' | 'dir'; ino: number }[] {
    this.note('readdir');
    const p = this.norm(path);
    const prefix = p === '/' ? '/' : `${p}/`;
    return [...this.dirs, ...this.files.keys()]
      .filter((x) => x.startsWith(prefix) && x !== p && !x.slice(prefix.length).includes('/'))
      .sort()
      .map((x) => ({ name: x.slice(prefix.length), filetype: this.dirs.has(x) ? 'dir' : 'file', ino: this.statOf(x).ino }));
  }
  mkdir(path: string): void {
    this.note('mkdir');
    const p = this.norm(path);
    if (this.dirs.has(p) || this.files.has(p)) fail(Errno.EXIST);
    this.dirs.add(p);
  }
  unlink(path: string): void {
    this.note('unlink');
    if (!this.files.delete(this.norm(path))) fail(Errno.NOENT);
  }
  rmdir(path: string): void {
    this.note('rmdir');
    if (!this.dirs.delete(this.norm(path))) fail(Errno.NOENT);
  }
  rename(from: string, to: string): void {
    this.note('rename');
    const data = this.files.get(this.norm(from));
    if (!data) fail(Errno.NOENT);
    this.files.delete(this.norm(from));
    this.files.set(this.norm(to), data);
  }
}

async function mounted(host = new CountingHost()): Promise<{ s: Shim; m: MemMount }> {
  const m = new MemMount();
  m.files.set('/in.txt', new TextEncoder().encode('from the host'));
  const s = await Shim.create(testConfig({ preopens: [{ guestPath: '/vol', root: dir({ 'v.txt': file('volume') }) }], mounts: [{ guestPath: '/', fs: m }] }), host);
  return { s, m };
}

function ok([errno, value]: [number, number]): number {
  assert.equal(errno, 0, `errno ${errno}`);
  return value;
}

describe('wasi mounts', () => {
  it('are preopened after the in-memory preopens, as directories', async () => {
    const { s } = await mounted();
    const out = s.alloc(8);
    assert.equal(s.call('fd_prestat_get', MOUNT, out), 0);
    assert.equal(s.u32(out + 4), 1);
    const name = s.alloc(1);
    assert.equal(s.call('fd_prestat_dir_name', MOUNT, name, 1), 0);
    assert.equal(s.text(name, 1), '/');
    assert.equal(s.call('fd_prestat_get', 5, out), Errno.BADF);
    assert.equal(s.fdstat(MOUNT)[1].filetype, 3);
  });

  it('read and write the mount itself: no copy, offsets and positions kept by the mount', async () => {
    const { s, m } = await mounted();
    const fd = ok(s.open(MOUNT, 'in.txt'));
    assert.deepEqual(s.read(fd, 4), [0, 'from']);
    const out = s.alloc(8);
    assert.equal(s.call('fd_seek', fd, -4n, 2, out), 0);
    assert.equal(s.u64(out), 9n);
    assert.deepEqual(s.read(fd, 100), [0, 'host']);
    const w = ok(s.open(MOUNT, 'sub/../new.txt', { oflags: O.CREAT | O.TRUNC }));
    assert.deepEqual(s.write(w, 'written'), [0, 7]);
    assert.equal(new TextDecoder().decode(m.files.get('/new.txt')), 'written');
    const [errno, st] = s.statPath(MOUNT, 'new.txt');
    assert.deepEqual([errno, st.filetype, st.size, st.dev, st.mtim], [0, 4, 7n, 2n, 7n]);
    assert.equal(s.call('fd_filestat_set_size', w, 3n), 0);
    assert.equal(new TextDecoder().decode(m.files.get('/new.txt')), 'wri');
    assert.equal(s.call('fd_close', w), 0);
    assert.equal(m.calls.at(-1), 'close');
  });

  it('answer with the mount’s errnos, and the WASI checks come first', async () => {
    const { s, m } = await mounted();
    assert.equal(s.open(MOUNT, 'missing')[0], Errno.NOENT);
    assert.equal(s.open(MOUNT, 'in.txt', { oflags: O.CREAT | O.EXCL })[0], Errno.EXIST);
    assert.equal(s.open(MOUNT, '/etc/passwd')[0], Errno.NOTCAPABLE);
    assert.equal(s.open(MOUNT, 'in.txt', { oflags: O.DIRECTORY })[0], Errno.NOTDIR);
    assert.equal(s.path('path_create_directory', MOUNT, 'd'), 0);
    assert.equal(s.path('path_create_directory', MOUNT, 'd'), Errno.EXIST);
    const [t, tl] = s.str('in.txt');
    const [l, ll] = s.str('link');
    assert.equal(s.call('path_symlink', t, tl, MOUNT, l, ll), Errno.PERM); // a mount has no links
    const d = ok(s.open(MOUNT, 'd', { oflags: O.DIRECTORY }));
    assert.equal(s.read(d, 1)[0], Errno.BADF);
    const before = m.calls.length;
    assert.equal(s.open(MOUNT, '')[0], Errno.NOENT);
    assert.equal(m.calls.length, before); // refused before the mount was asked
  });

  it('list directories with cookies, `.` and `..` first', async () => {
    const { s, m } = await mounted();
    m.dirs.add('/d');
    m.files.set('/d/a', new Uint8Array(1));
    m.files.set('/d/b', new Uint8Array(2));
    const d = ok(s.open(MOUNT, 'd', { oflags: O.DIRECTORY }));
    const [errno, all] = s.readdir(d, 0n, 4096);
    assert.equal(errno, 0);
    assert.deepEqual(all.map((e) => [e.name, e.type, e.next]), [['.', 3, 1n], ['..', 3, 2n], ['a', 4, 3n], ['b', 4, 4n]]);
    assert.deepEqual(s.readdir(d, 3n, 4096)[1].map((e) => e.name), ['b']);
  });

  it('keep the in-memory preopens as they were; nothing moves between the two (EXDEV)', async () => {
    const { s } = await mounted();
    assert.deepEqual(s.read(ok(s.open(VOLUME, 'v.txt')), 100), [0, 'volume']);
    const [a, al] = s.str('v.txt');
    const [b, bl] = s.str('moved.txt');
    assert.equal(s.call('path_rename', VOLUME, a, al, MOUNT, b, bl), Errno.XDEV);
    assert.equal(s.call('path_rename', MOUNT, b, bl, VOLUME, a, al), Errno.XDEV);
    assert.equal(s.call('path_link', VOLUME, 0, a, al, MOUNT, b, bl), Errno.XDEV);
    const [c, cl] = s.str('in.txt');
    assert.equal(s.call('path_rename', MOUNT, c, cl, MOUNT, b, bl), 0);
    assert.equal(s.statPath(MOUNT, 'moved.txt')[0], 0);
  });

  it('charge like in-memory files: the call, and a fuel per 8 bytes moved', async () => {
    const host = new CountingHost();
    const { s } = await mounted(host);
    const fd = ok(s.open(MOUNT, 'in.txt'));
    const before = host.charged;
    s.read(fd, 100);
    assert.equal(host.charged - before, 100 + Math.ceil(13 / 8));
  });

  it('a failure that is not an errno ends the run (HostStop with the cause)', async () => {
    const { s, m } = await mounted();
    const fd = ok(s.open(MOUNT, 'in.txt'));
    const cause = new Error('the OS stopped');
    m.boom = cause;
    assert.throws(
      () => s.read(fd, 1),
      (e: unknown) => e instanceof HostStop && e.cause === cause,
    );
    m.boom = new WasiErrno(Errno.IO);
    assert.equal(s.read(fd, 1)[0], Errno.IO);
  });

  it('must implement every method', async () => {
    await assert.rejects(Shim.create(testConfig({ mounts: [{ guestPath: '/', fs: { open() {} } as unknown as MountFs }] })), /must implement MountFs/);
  });
});
