import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIR_RIGHTS, Rights } from './constants.js';
import { Errno } from './errno.js';
import { dir, file } from './index.js';
import { CountingHost, Shim, testConfig } from './test-harness.js';

const O = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
const ROOT = 3;
const R = (n: number): bigint => BigInt(n);

async function sandbox(overrides = {}, host = new CountingHost()): Promise<Shim> {
  return Shim.create(testConfig({ preopens: [{ guestPath: 'data', root: dir({ 'a.txt': file('aaaa'), 'big.bin': file(new Uint8Array(1000)) }) }], ...overrides }), host);
}

function ok([errno, value]: [number, number]): number {
  assert.equal(errno, 0, `errno ${errno}`);
  return value;
}

describe('wasi fds: rights', () => {
  it('hands the preopen the directory rights userlands expect', async () => {
    const s = await sandbox();
    const [, st] = s.fdstat(ROOT);
    assert.equal(st.base, R(DIR_RIGHTS));
    for (const r of [Rights.PATH_OPEN, Rights.FD_READDIR, Rights.PATH_SYMLINK, Rights.PATH_FILESTAT_GET, Rights.FD_FILESTAT_SET_TIMES]) {
      assert.ok((st.base & R(r)) !== 0n);
    }
    assert.equal(st.base & R(Rights.FD_SEEK | Rights.FD_WRITE), 0n);
    assert.ok((st.inheriting & R(Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK | Rights.POLL_FD_READWRITE)) !== 0n);
    const sub = ok(s.open(ROOT, '.', { oflags: O.DIRECTORY, rights: R(Rights.FD_SEEK) }));
    assert.equal(s.fdstat(sub)[1].base & R(Rights.FD_SEEK), 0n, 'directories never get FD_SEEK');
  });

  it('gives files read/write as requested and no path rights', async () => {
    const s = await sandbox();
    const ro = ok(s.open(ROOT, 'a.txt', { rights: R(Rights.FD_READ | Rights.PATH_FILESTAT_GET) }));
    const [, st] = s.fdstat(ro);
    assert.equal(st.filetype, 4);
    assert.ok((st.base & R(Rights.FD_READ)) !== 0n);
    assert.equal(st.base & R(Rights.FD_WRITE | Rights.PATH_FILESTAT_GET | Rights.FD_READDIR), 0n);
    assert.equal(s.write(ro, 'x')[0], Errno.BADF);
    assert.equal(st.base & R(Rights.FD_FILESTAT_SET_SIZE | Rights.FD_ALLOCATE), 0n, 'resizing needs a writable descriptor');
    assert.equal(s.call('fd_filestat_set_size', ro, 0n), Errno.NOTCAPABLE);
    const wo = ok(s.open(ROOT, 'a.txt', { rights: R(Rights.FD_WRITE) }));
    assert.equal(s.read(wo, 1)[0], Errno.BADF);
    assert.deepEqual(s.write(wo, 'b'), [0, 1]);
  });

  it('only ever drops rights', async () => {
    const s = await sandbox();
    const fd = ok(s.open(ROOT, 'a.txt'));
    const [, st] = s.fdstat(fd);
    const less = st.base & ~R(Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK);
    assert.equal(s.call('fd_fdstat_set_rights', fd, less, st.inheriting), 0);
    assert.equal(s.fdstat(fd)[1].base, less);
    assert.equal(s.read(fd, 1)[0], Errno.BADF);
    assert.equal(s.write(fd, 'x')[0], Errno.BADF);
    assert.equal(s.call('fd_seek', fd, 1n, 0, s.alloc(8)), Errno.NOTCAPABLE);
    assert.equal(s.call('fd_seek', fd, 0n, 1, s.alloc(8)), 0, 'SEEK_CUR 0 is a tell (FD_TELL)');
    assert.equal(s.call('fd_fdstat_set_rights', fd, st.base, st.inheriting), Errno.NOTCAPABLE);
    assert.equal(s.call('fd_fdstat_set_rights', fd, less | (1n << 40n), st.inheriting), Errno.NOTCAPABLE);
  });

  it('makes path operations need the matching directory right', async () => {
    const s = await sandbox();
    const dfd = ok(s.open(ROOT, '.', { oflags: O.DIRECTORY }));
    const [, st] = s.fdstat(dfd);
    const drop = R(Rights.PATH_CREATE_FILE | Rights.PATH_UNLINK_FILE | Rights.PATH_FILESTAT_SET_SIZE);
    assert.equal(s.call('fd_fdstat_set_rights', dfd, st.base & ~drop, st.inheriting & ~R(Rights.FD_READ)), 0);
    assert.equal(s.open(dfd, 'new', { oflags: O.CREAT })[0], Errno.NOTCAPABLE);
    assert.equal(s.path('path_unlink_file', dfd, 'a.txt'), Errno.NOTCAPABLE);
    assert.equal(s.open(dfd, 'a.txt', { oflags: O.TRUNC, rights: 0n })[0], Errno.PERM, 'O_TRUNC needs PATH_FILESTAT_SET_SIZE');
    assert.equal(s.open(dfd, 'a.txt', { rights: R(Rights.FD_READ) })[0], Errno.NOTCAPABLE, 'FD_READ is no longer inheritable');
    const fd = ok(s.open(dfd, 'a.txt', { rights: 0n }));
    assert.equal(s.read(fd, 1)[0], Errno.BADF);
    assert.equal(s.fdstat(fd)[1].inheriting & R(Rights.FD_READ), 0n);
  });
});

describe('wasi fds: table', () => {
  it('numbers descriptors lowest-free first and renumbers', async () => {
    const s = await sandbox();
    const a = ok(s.open(ROOT, 'a.txt'));
    const b = ok(s.open(ROOT, 'big.bin'));
    assert.deepEqual([a, b], [4, 5]);
    assert.equal(s.call('fd_close', a), 0);
    assert.equal(s.call('fd_close', a), Errno.BADF);
    assert.equal(ok(s.open(ROOT, 'a.txt')), 4);
    assert.equal(s.call('fd_renumber', 4, 5), 0);
    assert.equal(s.fdstat(4)[0], Errno.BADF);
    assert.deepEqual(s.read(5, 10), [0, 'aaaa'], 'fd 5 now holds a.txt');
    assert.equal(s.call('fd_renumber', 9, 5), Errno.BADF);
    assert.equal(s.call('fd_renumber', 1, 5), 0, 'stdio can be renumbered too');
    assert.equal(s.fdstat(1)[0], Errno.BADF);
    assert.deepEqual(s.write(5, 'out'), [0, 3]);
    assert.equal(new TextDecoder().decode(s.wasi.stdout()), 'out');
    assert.equal(s.call('fd_close', ROOT), 0, 'a preopen can be closed');
    assert.equal(s.call('fd_prestat_get', ROOT, s.alloc(8)), Errno.BADF);
  });

  it('refuses to renumber onto a number that is not open, leaving both untouched', async () => {
    const s = await sandbox();
    const a = ok(s.open(ROOT, 'a.txt'));
    assert.equal(s.call('fd_renumber', a, 40), Errno.BADF, 'a free target number is EBADF');
    assert.deepEqual(s.read(a, 10), [0, 'aaaa'], 'the source stays open');
    assert.equal(s.fdstat(40)[0], Errno.BADF, 'and nothing appeared at the target');
    const b = ok(s.open(ROOT, 'big.bin'));
    assert.equal(s.call('fd_close', b), 0);
    assert.equal(s.call('fd_renumber', a, b), Errno.BADF, 'a just-closed target is EBADF too');
    assert.equal(s.call('fd_renumber', a, a), 0, 'renumbering onto itself is a no-op');
    assert.equal(s.fdstat(a)[0], 0);
  });

  it('answers socket calls with ENOTSOCK or EBADF', async () => {
    const s = await sandbox();
    const p = s.alloc(16);
    assert.equal(s.call('sock_shutdown', 1, 0), Errno.NOTSOCK);
    assert.equal(s.call('sock_shutdown', 77, 0), Errno.BADF);
    assert.equal(s.call('sock_accept', ROOT, 0, p), Errno.NOTSOCK);
    assert.equal(s.call('sock_recv', 0, p, 0, 0, p, p), Errno.NOTSOCK);
    assert.equal(s.call('sock_send', 99, p, 0, 0, p), Errno.BADF);
  });
});

describe('wasi fds: quota', () => {
  it('fails writes past the quota with ENOSPC and frees space on unlink', async () => {
    const s = await sandbox({ fsQuotaBytes: 100 });
    const fd = ok(s.open(ROOT, 'new', { oflags: O.CREAT }));
    assert.deepEqual(s.write(fd, 'x'.repeat(100)), [0, 100], 'preloaded bytes do not count');
    assert.equal(s.write(fd, 'y')[0], Errno.NOSPC);
    assert.equal(s.call('fd_filestat_set_size', fd, 101n), Errno.NOSPC);
    assert.equal(s.call('fd_allocate', fd, 0n, 1000n), Errno.NOSPC);
    assert.equal(s.call('fd_filestat_set_size', fd, 1n << 40n), Errno.FBIG);
    assert.equal(s.path('path_unlink_file', ROOT, 'big.bin'), 0);
    assert.deepEqual(s.write(fd, 'y'.repeat(1000)), [0, 1000], 'removing a file frees its bytes');
    assert.equal(s.write(fd, 'z')[0], Errno.NOSPC);
  });

  it('keeps an open unlinked file charged until it is closed', async () => {
    const s = await sandbox({ fsQuotaBytes: 10 });
    const fd = ok(s.open(ROOT, 'tmp', { oflags: O.CREAT }));
    s.write(fd, 'x'.repeat(10));
    assert.equal(s.path('path_unlink_file', ROOT, 'tmp'), 0);
    const other = ok(s.open(ROOT, 'other', { oflags: O.CREAT }));
    assert.equal(s.write(other, 'y')[0], Errno.NOSPC);
    assert.equal(s.call('fd_close', fd), 0);
    assert.deepEqual(s.write(other, 'y'), [0, 1]);
  });
});

describe('wasi fds: poll_oneoff', () => {
  const SUB = 48;
  const EVENT = 32;
  function clockSub(s: Shim, at: number, userdata: bigint, id: number, timeout: bigint, abs = false): void {
    s.bytes.fill(0, at, at + SUB);
    s.view.setBigUint64(at, userdata, true);
    s.view.setUint8(at + 8, 0);
    s.view.setUint32(at + 16, id, true);
    s.view.setBigUint64(at + 24, timeout, true);
    s.view.setUint16(at + 40, abs ? 1 : 0, true);
  }
  function fdSub(s: Shim, at: number, userdata: bigint, type: 1 | 2, fd: number): void {
    s.bytes.fill(0, at, at + SUB);
    s.view.setBigUint64(at, userdata, true);
    s.view.setUint8(at + 8, type);
    s.view.setUint32(at + 16, fd, true);
  }
  function events(s: Shim, at: number, n: number) {
    return Array.from({ length: n }, (_, i) => ({
      userdata: s.view.getBigUint64(at + i * EVENT, true),
      error: s.view.getUint16(at + i * EVENT + 8, true),
      type: s.view.getUint8(at + i * EVENT + 10),
      nbytes: s.view.getBigUint64(at + i * EVENT + 16, true),
    }));
  }
  const monotonic = (s: Shim): bigint => {
    const out = s.alloc(8);
    s.call('clock_time_get', 1, 0n, out);
    return s.u64(out);
  };

  it('sleeps in virtual time to the earliest clock', async () => {
    const host = new CountingHost();
    const s = await sandbox({}, host);
    const subs = s.alloc(SUB * 2);
    const out = s.alloc(EVENT * 2);
    const n = s.alloc(4);
    clockSub(s, subs, 1n, 1, 5_000_000_000n);
    clockSub(s, subs + SUB, 2n, 1, 1_000_000_000n);
    const before = monotonic(s);
    assert.equal(s.call('poll_oneoff', subs, out, 2, n), 0);
    assert.equal(s.u32(n), 1);
    assert.deepEqual(events(s, out, 1), [{ userdata: 2n, error: 0, type: 0, nbytes: 0n }]);
    const after = monotonic(s);
    assert.ok(after - before >= 1_000_000_000n && after - before < 1_000_010_000n, `slept ${after - before}`);
    // An absolute REALTIME deadline in the past fires at once.
    clockSub(s, subs, 3n, 0, 5n, true);
    assert.equal(s.call('poll_oneoff', subs, out, 1, n), 0);
    assert.equal(s.u32(n), 1);
    assert.ok(monotonic(s) - after < 10_000n);
  });

  it('reports descriptors ready at once, without advancing time', async () => {
    const s = await sandbox({ stdin: new TextEncoder().encode('hello') });
    const subs = s.alloc(SUB * 4);
    const out = s.alloc(EVENT * 4);
    const n = s.alloc(4);
    clockSub(s, subs, 1n, 1, 60_000_000_000n);
    fdSub(s, subs + SUB, 2n, 1, 0);
    fdSub(s, subs + 2 * SUB, 3n, 2, 1);
    fdSub(s, subs + 3 * SUB, 4n, 1, 42);
    const before = monotonic(s);
    assert.equal(s.call('poll_oneoff', subs, out, 4, n), 0);
    assert.equal(s.u32(n), 3);
    const ev = events(s, out, 3);
    assert.deepEqual(ev.map((e) => [e.userdata, e.error, e.type]), [[2n, 0, 1], [3n, 0, 2], [4n, Errno.BADF, 1]]);
    assert.equal(ev[0]!.nbytes, 5n, 'stdin bytes available');
    assert.ok(monotonic(s) - before < 10_000n);
  });

  it('rejects an empty or malformed subscription list', async () => {
    const s = await sandbox();
    const subs = s.alloc(SUB);
    const out = s.alloc(EVENT);
    const n = s.alloc(4);
    assert.equal(s.call('poll_oneoff', subs, out, 0, n), Errno.INVAL);
    clockSub(s, subs, 1n, 2, 1n);
    assert.equal(s.call('poll_oneoff', subs, out, 1, n), Errno.INVAL, 'no sleeping on CPU-time clocks');
    s.view.setUint8(subs + 8, 9);
    assert.equal(s.call('poll_oneoff', subs, out, 1, n), Errno.INVAL);
  });
});
