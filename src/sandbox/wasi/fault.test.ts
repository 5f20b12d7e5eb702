import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GuestAbort, GuestExit } from '../signals.js';
import { Errno } from './errno.js';
import { WASI_SIGNATURES, dir, file } from './index.js';
import { CountingHost, Shim, testConfig } from './test-harness.js';

/** Far outside the shim's two pages of memory; ptr + len also overflows u32. */
const BAD = 0xfffffff0;
const NOFD = 99;
const DIRFD = 3;
const FILEFD = 4;

/** Every import with out-of-bounds pointers (and a descriptor that gets the call that far). */
const TABLE: Record<string, [(number | bigint)[], number]> = {
  args_get: [[BAD, BAD], Errno.FAULT],
  args_sizes_get: [[BAD, BAD], Errno.FAULT],
  environ_get: [[BAD, BAD], Errno.FAULT],
  environ_sizes_get: [[BAD, BAD], Errno.FAULT],
  clock_res_get: [[0, BAD], Errno.FAULT],
  clock_time_get: [[1, 0n, BAD], Errno.FAULT],
  fd_advise: [[NOFD, 0n, 0n, 0], Errno.BADF],
  fd_allocate: [[NOFD, 0n, 0n], Errno.BADF],
  fd_close: [[NOFD], Errno.BADF],
  fd_datasync: [[NOFD], Errno.BADF],
  fd_fdstat_get: [[FILEFD, BAD], Errno.FAULT],
  fd_fdstat_set_flags: [[NOFD, 0], Errno.BADF],
  fd_fdstat_set_rights: [[NOFD, 0n, 0n], Errno.BADF],
  fd_filestat_get: [[FILEFD, BAD], Errno.FAULT],
  fd_filestat_set_size: [[NOFD, 0n], Errno.BADF],
  fd_filestat_set_times: [[NOFD, 0n, 0n, 0], Errno.BADF],
  fd_pread: [[FILEFD, BAD, 1, 0n, BAD], Errno.FAULT],
  fd_prestat_get: [[DIRFD, BAD], Errno.FAULT],
  fd_prestat_dir_name: [[DIRFD, BAD, 100], Errno.FAULT],
  fd_pwrite: [[FILEFD, BAD, 1, 0n, BAD], Errno.FAULT],
  fd_read: [[FILEFD, BAD, 1, BAD], Errno.FAULT],
  fd_readdir: [[DIRFD, BAD, 100, 0n, BAD], Errno.FAULT],
  fd_renumber: [[NOFD, NOFD + 1], Errno.BADF],
  fd_seek: [[FILEFD, 0n, 0, BAD], Errno.FAULT],
  fd_sync: [[NOFD], Errno.BADF],
  fd_tell: [[FILEFD, BAD], Errno.FAULT],
  fd_write: [[1, BAD, 1, BAD], Errno.FAULT],
  path_create_directory: [[DIRFD, BAD, 10], Errno.FAULT],
  path_filestat_get: [[DIRFD, 0, BAD, 10, BAD], Errno.FAULT],
  path_filestat_set_times: [[DIRFD, 0, BAD, 10, 0n, 0n, 0], Errno.FAULT],
  path_link: [[DIRFD, 0, BAD, 10, DIRFD, BAD, 10], Errno.FAULT],
  path_open: [[DIRFD, 0, BAD, 10, 0, 0n, 0n, 0, BAD], Errno.FAULT],
  path_readlink: [[DIRFD, BAD, 10, BAD, 10, BAD], Errno.FAULT],
  path_remove_directory: [[DIRFD, BAD, 10], Errno.FAULT],
  path_rename: [[DIRFD, BAD, 10, DIRFD, BAD, 10], Errno.FAULT],
  path_symlink: [[BAD, 10, DIRFD, BAD, 10], Errno.FAULT],
  path_unlink_file: [[DIRFD, BAD, 10], Errno.FAULT],
  poll_oneoff: [[BAD, BAD, 1, BAD], Errno.FAULT],
  proc_raise: [[0], Errno.NOSYS],
  sched_yield: [[], Errno.SUCCESS],
  random_get: [[BAD, 100], Errno.FAULT],
  sock_accept: [[NOFD, 0, BAD], Errno.BADF],
  sock_recv: [[NOFD, BAD, 1, 0, BAD, BAD], Errno.BADF],
  sock_send: [[NOFD, BAD, 1, 0, BAD], Errno.BADF],
  sock_shutdown: [[NOFD, 0], Errno.BADF],
};

async function shim(): Promise<Shim> {
  const s = await Shim.create(testConfig({ env: [['A', 'b']], stdin: new Uint8Array(64), preopens: [{ guestPath: '/d', root: dir({ f: file('x'.repeat(64)), sub: dir() }) }] }));
  const [errno, fd] = s.open(DIRFD, 'f');
  assert.deepEqual([errno, fd], [0, FILEFD]);
  return s;
}

/** Runs one call; the only exceptions allowed out are the guest-ending signals. */
function attempt(s: Shim, name: string, args: (number | bigint)[]): number | 'exit' | 'abort' {
  try {
    return s.call(name, ...args);
  } catch (e) {
    if (e instanceof GuestExit) return 'exit';
    if (e instanceof GuestAbort) return 'abort';
    throw e;
  }
}

describe('wasi: hostile arguments', () => {
  it('covers every import except proc_exit', () => {
    assert.deepEqual(Object.keys(TABLE).sort(), Object.keys(WASI_SIGNATURES).filter((n) => n !== 'proc_exit').sort());
  });

  for (const [name, [args, expected]] of Object.entries(TABLE)) {
    it(`${name} returns errno ${expected} for out-of-bounds pointers`, async () => {
      const s = await shim();
      assert.equal(attempt(s, name, args), expected);
      // The same call made from JS straight into the import (no wasm i32 conversion).
      const direct = s.wasi.imports[name]!(...args);
      assert.equal(direct, expected);
    });
  }

  it('faults when a buffer inside an iovec runs past memory', async () => {
    const s = await shim();
    const iov = s.alloc(16);
    s.view.setUint32(iov, 2 * 65536 - 4, true);
    s.view.setUint32(iov + 4, 8, true);
    const out = s.alloc(4);
    assert.equal(s.call('fd_write', 1, iov, 1, out), Errno.FAULT);
    assert.equal(s.call('fd_read', 0, iov, 1, out), Errno.FAULT);
    assert.equal(s.call('fd_read', 0, iov, 0x7fffffff, out), Errno.INVAL, 'more iovecs than IOV_MAX');
    assert.equal(s.wasi.stdout().length, 0, 'nothing was written');
    assert.equal(s.call('random_get', 2 * 65536 - 4, 5), Errno.FAULT);
    assert.equal(s.call('random_get', 2 * 65536 - 4, 4), 0, 'the last bytes are in bounds');
  });

  it('never throws for arbitrary arguments', async () => {
    const s = await shim();
    const i32s = [0, 1, 2, 3, 4, 5, 8, 24, 64, 255, 4096, 131068, 131072, 0x7fffffff, -1, BAD, 0x80000000];
    const i64s = [0n, 1n, 255n, -1n, 1n << 40n, (1n << 63n) - 1n, -(1n << 63n)];
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const names = Object.keys(WASI_SIGNATURES).filter((n) => n !== 'proc_exit');
    for (let round = 0; round < 4000; round++) {
      const name = names[rand(names.length)]!;
      const args = WASI_SIGNATURES[name]!.params.map((t) => (t === 'i64' ? i64s[rand(i64s.length)]! : i32s[rand(i32s.length)]!));
      const result = attempt(s, name, args);
      if (result === 'abort') continue; // e.g. output_limit from a large random write
      assert.ok(typeof result === 'number' && Number.isInteger(result) && result >= 0 && result <= 76, `${name}(${args.join(', ')}) → ${result}`);
    }
    // Called from JS with missing or ill-typed arguments, an import still answers with an errno.
    for (const name of names) {
      for (const args of [[], ['x', {}, null], [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]]) {
        const r = s.wasi.imports[name]!(...args);
        assert.ok(typeof r === 'number', `${name}(${String(args)}) → ${String(r)}`);
      }
    }
  });

  it('lets a host bug in charge() propagate instead of hiding it', async () => {
    const host = new CountingHost();
    const s = await Shim.create(testConfig(), host);
    host.budget = 0;
    assert.throws(() => s.call('sched_yield'), (e: unknown) => e instanceof GuestAbort && e.kind === 'out_of_fuel');
  });
});
