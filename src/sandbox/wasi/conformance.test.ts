/**
 * Scenarios from WebAssembly/wasi-testsuite (tests/rust, wasm32-wasip1) that the other suites do
 * not already pin down, replayed through the shim with the errnos that suite accepts. The guest's
 * view is the suite's: a preopen, a scratch directory opened from it with the preopen's rights,
 * and a temporary directory opened inside that with a narrow set of requested rights.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rights as R } from './constants.js';
import { Errno } from './errno.js';
import { dir } from './index.js';
import { Shim, testConfig } from './test-harness.js';

const O = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
const b = (n: number): bigint => BigInt(n);

/** Returns the shim and the fd of a temporary directory opened the way the suite does. */
async function scratch(): Promise<[Shim, number]> {
  const s = await Shim.create(testConfig({ preopens: [{ guestPath: 'fs-tests.dir', root: dir() }] }));
  const [, pre] = s.fdstat(3);
  const [e1, scratchFd] = s.open(3, '.', { oflags: O.DIRECTORY, rights: pre.base, inheriting: pre.inheriting });
  assert.equal(e1, 0);
  assert.equal(s.path('path_create_directory', scratchFd, 'tmp.cleanup'), 0);
  const narrow = R.FD_FILESTAT_GET | R.FD_READDIR | R.PATH_CREATE_FILE | R.PATH_CREATE_DIRECTORY | R.PATH_REMOVE_DIRECTORY | R.PATH_OPEN | R.PATH_UNLINK_FILE;
  const [e2, tmp] = s.open(scratchFd, 'tmp.cleanup', { oflags: O.DIRECTORY, rights: b(narrow), inheriting: b(R.FD_READ | R.FD_WRITE | R.FD_READDIR | R.FD_FILESTAT_GET | R.FD_SEEK) });
  assert.equal(e2, 0);
  return [s, tmp];
}

describe('wasi-testsuite scenarios', () => {
  it('a directory opened with narrow rights can still link, rename and stat (wasmtime semantics)', async () => {
    const [s, tmp] = await scratch();
    assert.ok((s.fdstat(tmp)[1].base & b(R.PATH_FILESTAT_GET)) !== 0n);
    assert.equal(s.open(tmp, 'file', { oflags: O.CREAT, rights: 0n })[0], 0);
    const [t, tl] = s.str('file');
    const [n, nl] = s.str('sym');
    assert.equal(s.call('path_symlink', t, tl, tmp, n, nl), 0);
    const [a, al] = s.str('file');
    const [c, cl] = s.str('renamed');
    assert.equal(s.call('path_rename', tmp, a, al, tmp, c, cl), 0);
  });

  it('directory descriptors refuse file I/O (dir_fd_op_failures, directory_seek)', async () => {
    const [s, tmp] = await scratch();
    const [, dirfd] = s.open(tmp, '.', { oflags: O.DIRECTORY, rights: b(R.FD_SEEK) });
    const out = s.alloc(8);
    assert.equal(s.call('fd_seek', dirfd, 0n, 1, out), Errno.BADF);
    assert.equal(s.fdstat(dirfd)[1].base & b(R.FD_SEEK), 0n);
    assert.equal(s.call('fd_allocate', dirfd, 0n, 0n), Errno.BADF);
    assert.equal(s.call('fd_prestat_dir_name', 3, s.alloc(1), 0), Errno.NAMETOOLONG);
    assert.equal(s.call('fd_prestat_dir_name', 3, s.alloc(20), 20), 0, 'a larger buffer is fine');
  });

  it('keeps fdflags given to path_open, SYNC included (path_filestat)', async () => {
    const [s, tmp] = await scratch();
    const [errno, fd] = s.open(tmp, 'file', { oflags: O.CREAT, rights: b(R.FD_READ | R.FD_WRITE | R.PATH_FILESTAT_GET), fdflags: 1 | 16 });
    assert.equal(errno, 0);
    const [, st] = s.fdstat(fd);
    assert.equal(st.flags, 17);
    assert.equal(st.base & b(R.PATH_FILESTAT_GET), 0n);
    assert.equal(st.inheriting & b(R.PATH_FILESTAT_GET), 0n);
    assert.equal(s.open(tmp, '.', { fdflags: 4, rights: 0n })[0], 0, 'NONBLOCK on a directory (path_open_nonblock)');
  });

  it('truncation needs PATH_FILESTAT_SET_SIZE, not FD_FILESTAT_SET_SIZE (truncation_rights)', async () => {
    const [s, tmp] = await scratch();
    s.open(tmp, 'file', { oflags: O.CREAT, rights: 0n });
    const [, st] = s.fdstat(tmp);
    assert.equal(st.flags, 0);
    assert.equal(st.base & b(R.FD_FILESTAT_SET_SIZE), 0n);
    assert.equal(s.call('fd_fdstat_set_rights', tmp, st.base, st.inheriting & ~b(R.FD_FILESTAT_SET_SIZE)), 0);
    assert.equal(s.open(tmp, 'file', { oflags: O.TRUNC, rights: 0n })[0], 0);
    assert.equal(s.call('fd_fdstat_set_rights', tmp, st.base & ~b(R.PATH_FILESTAT_SET_SIZE), st.inheriting & ~b(R.FD_FILESTAT_SET_SIZE)), 0);
    assert.equal(s.open(tmp, 'file', { oflags: O.TRUNC, rights: 0n })[0], Errno.PERM);
  });

  it('renumbers over a preopen and closes preopens (overwrite_preopen, close_preopen)', async () => {
    const [s, tmp] = await scratch();
    const [, before] = s.statFd(tmp);
    assert.equal(s.call('fd_renumber', tmp, 3), 0);
    const [, after] = s.statFd(3);
    assert.deepEqual([after.dev, after.ino], [before.dev, before.ino]);
    assert.equal(s.fdstat(tmp)[0], Errno.BADF);
  });

  it('reports files as not a tty and stdio filestats as zero (isatty, fd_filestat_get)', async () => {
    const [s, tmp] = await scratch();
    const [, fd] = s.open(tmp, 'file', { oflags: O.CREAT, rights: 0n });
    assert.equal(s.fdstat(fd)[1].filetype, 4);
    const [, st] = s.statFd(0);
    assert.deepEqual([st.size, st.atim, st.mtim, st.ctim], [0n, 0n, 0n, 0n]);
  });

  it('handles symlinks to directories and files with and without FOLLOW (nofollow_errors)', async () => {
    const [s, tmp] = await scratch();
    s.path('path_create_directory', tmp, 'target');
    const [t, tl] = s.str('target');
    const [n, nl] = s.str('symlink');
    assert.equal(s.call('path_symlink', t, tl, tmp, n, nl), 0);
    assert.equal(s.open(tmp, 'symlink', { oflags: O.DIRECTORY, rights: 0n })[0], Errno.LOOP);
    assert.equal(s.open(tmp, 'symlink', { rights: 0n })[0], Errno.LOOP);
    assert.equal(s.open(tmp, 'symlink', { oflags: O.DIRECTORY, rights: 0n, follow: true })[0], 0);
    assert.equal(s.path('path_unlink_file', tmp, 'symlink'), 0);
    assert.equal(s.path('path_remove_directory', tmp, 'target'), 0);
    s.open(tmp, 'target', { oflags: O.CREAT, rights: 0n });
    assert.equal(s.call('path_symlink', t, tl, tmp, n, nl), 0);
    assert.equal(s.open(tmp, 'symlink', { oflags: O.DIRECTORY, rights: 0n, follow: true })[0], Errno.NOTDIR);
    const [a, al] = s.str('symlink');
    const [c, cl] = s.str('link');
    assert.equal(s.call('path_link', tmp, 1, a, al, tmp, c, cl), 0, 'FOLLOW links the target file');
    assert.equal(s.statPath(tmp, 'link')[1].filetype, 4);
  });
});
