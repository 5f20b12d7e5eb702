import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errno } from './errno.js';
import { dir, file, symlink } from './index.js';
import { CountingHost, Shim, testConfig } from './test-harness.js';

const O = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 };
const R = { READ: 2n, WRITE: 64n };
const FOLLOW = 1;
const ROOT = 3;
const DIR = 3;
const FILE = 4;
const SYMLINK = 7;

function tree() {
  return dir({
    'hello.txt': file('hello world'),
    sub: dir({ 'inner.txt': file('inner') }),
    link: symlink('hello.txt'),
  });
}

async function sandbox(overrides = {}, host = new CountingHost()): Promise<Shim> {
  return Shim.create(testConfig({ preopens: [{ guestPath: '/sandbox', root: tree() }], ...overrides }), host);
}

function ok([errno, value]: [number, number]): number {
  assert.equal(errno, 0, `errno ${errno}`);
  return value;
}

describe('wasi fs: preopens', () => {
  it('describes the preopen through fd_prestat_*', async () => {
    const s = await sandbox();
    const out = s.alloc(8);
    assert.equal(s.call('fd_prestat_get', ROOT, out), 0);
    assert.equal(s.bytes[out], 0);
    assert.equal(s.u32(out + 4), 8);
    const name = s.alloc(8);
    assert.equal(s.call('fd_prestat_dir_name', ROOT, name, 8), 0);
    assert.equal(s.text(name, 8), '/sandbox');
    assert.equal(s.call('fd_prestat_dir_name', ROOT, name, 7), Errno.NAMETOOLONG);
    assert.equal(s.call('fd_prestat_get', 4, out), Errno.BADF);
    assert.equal(s.call('fd_prestat_get', 1, out), Errno.BADF);
    const [, st] = s.fdstat(ROOT);
    assert.equal(st.filetype, DIR);
  });

  it('works on a private copy of the tree', async () => {
    const root = tree();
    const config = testConfig({ preopens: [{ guestPath: '/s', root }] });
    const a = await Shim.create(config);
    const fd = ok(a.open(ROOT, 'hello.txt', { oflags: O.TRUNC }));
    a.write(fd, 'changed');
    a.path('path_unlink_file', ROOT, 'link');
    assert.equal(new TextDecoder().decode((root.entries.get('hello.txt') as ReturnType<typeof file>).content()), 'hello world');
    assert.ok(root.entries.has('link'));
    const b = await Shim.create(config);
    assert.deepEqual(b.read(ok(b.open(ROOT, 'hello.txt')), 100), [0, 'hello world']);
  });
});

describe('wasi fs: files', () => {
  it('reads, writes, seeks and tells', async () => {
    const s = await sandbox();
    const fd = ok(s.open(ROOT, 'hello.txt'));
    assert.deepEqual(s.read(fd, 5), [0, 'hello']);
    const pos = s.alloc(8);
    assert.equal(s.call('fd_tell', fd, pos), 0);
    assert.equal(s.u64(pos), 5n);
    assert.equal(s.call('fd_seek', fd, -3n, 2, pos), 0);
    assert.equal(s.u64(pos), 8n);
    assert.deepEqual(s.read(fd, 10), [0, 'rld']);
    assert.equal(s.call('fd_seek', fd, -100n, 1, pos), Errno.INVAL);
    assert.equal(s.call('fd_seek', fd, 0n, 7, pos), Errno.INVAL);
    assert.equal(s.call('fd_seek', fd, 20n, 0, pos), 0, 'seeking past the end is fine');
    assert.deepEqual(s.write(fd, '!'), [0, 1]);
    assert.equal(s.call('fd_seek', fd, 0n, 0, pos), 0);
    assert.deepEqual(s.read(fd, 100), [0, 'hello world' + '\0'.repeat(9) + '!']);
  });

  it('creates, truncates and refuses O_EXCL on existing files', async () => {
    const s = await sandbox();
    const fd = ok(s.open(ROOT, 'new.txt', { oflags: O.CREAT | O.EXCL }));
    assert.deepEqual(s.write(fd, 'abc'), [0, 3]);
    assert.equal(s.open(ROOT, 'new.txt', { oflags: O.CREAT | O.EXCL })[0], Errno.EXIST);
    assert.equal(s.open(ROOT, 'missing.txt')[0], Errno.NOENT);
    assert.equal(s.open(ROOT, 'new.txt', { oflags: O.DIRECTORY })[0], Errno.NOTDIR);
    const again = ok(s.open(ROOT, 'new.txt', { oflags: O.TRUNC }));
    assert.equal(s.statFd(again)[1].size, 0n);
    assert.equal(s.open(ROOT, 'sub', { rights: R.READ | R.WRITE })[0], Errno.ISDIR);
    assert.equal(s.open(ROOT, 'sub', { oflags: O.DIRECTORY, rights: R.READ })[0], 0);
    assert.equal(s.open(ROOT, 'nodir/x', { oflags: O.CREAT })[0], Errno.NOENT);
    assert.equal(s.open(ROOT, 'hello.txt/x', { oflags: O.CREAT })[0], Errno.NOTDIR);
  });

  it('appends with O_APPEND until the flag is cleared', async () => {
    const s = await sandbox();
    const fd = ok(s.open(ROOT, 'hello.txt', { fdflags: 1 }));
    assert.equal(s.fdstat(fd)[1].flags, 1);
    const pos = s.alloc(8);
    s.call('fd_seek', fd, 0n, 0, pos);
    s.write(fd, '!');
    assert.equal(s.call('fd_pwrite', fd, ...iov(s, '?'), 0n, s.alloc(4)), 0);
    assert.equal(s.call('fd_fdstat_set_flags', fd, 0), 0);
    s.call('fd_seek', fd, 0n, 0, pos);
    s.write(fd, 'J');
    s.call('fd_seek', fd, 0n, 0, pos);
    assert.deepEqual(s.read(fd, 100), [0, 'Jello world!?']);
    assert.equal(s.call('fd_fdstat_set_flags', fd, 64), Errno.INVAL);
  });

  it('reads and writes at offsets without moving the position', async () => {
    const s = await sandbox();
    const fd = ok(s.open(ROOT, 'hello.txt'));
    const buf = s.alloc(5);
    const vec = s.alloc(8);
    s.view.setUint32(vec, buf, true);
    s.view.setUint32(vec + 4, 5, true);
    const n = s.alloc(4);
    assert.equal(s.call('fd_pread', fd, vec, 1, 6n, n), 0);
    assert.equal(s.text(buf, s.u32(n)), 'world');
    assert.equal(s.call('fd_pwrite', fd, ...iov(s, 'W'), 6n, n), 0);
    assert.equal(s.call('fd_pread', fd, vec, 1, 100n, n), 0);
    assert.equal(s.u32(n), 0, 'pread past the end reads nothing');
    assert.deepEqual(s.read(fd, 100), [0, 'hello World']);
    const empty = s.alloc(8);
    s.view.setUint32(empty, 0, true);
    s.view.setUint32(empty + 4, 0, true);
    assert.equal(s.call('fd_pwrite', fd, empty, 1, 1n << 50n, n), 0);
    assert.equal(s.u32(n), 0);
    assert.equal(s.statFd(fd)[1].size, 11n, 'an empty write past the end does not extend the file');
  });

  it('resizes with fd_filestat_set_size and fd_allocate, zero-filling growth', async () => {
    const s = await sandbox();
    const fd = ok(s.open(ROOT, 'hello.txt'));
    assert.equal(s.call('fd_filestat_set_size', fd, 2n), 0);
    assert.equal(s.call('fd_allocate', fd, 2n, 3n), 0);
    assert.equal(s.statFd(fd)[1].size, 5n);
    assert.equal(s.call('fd_allocate', fd, 0n, 1n), 0, 'never shrinks');
    assert.deepEqual(s.read(fd, 100), [0, 'he\0\0\0']);
  });

  it('reports stable, unique inodes and link counts', async () => {
    const inodes = async () => {
      const s = await sandbox();
      return ['hello.txt', 'sub', 'sub/inner.txt', 'link', '.'].map((p) => s.statPath(ROOT, p)[1]);
    };
    const a = await inodes();
    assert.deepEqual(a, await inodes(), 'deterministic');
    assert.equal(new Set(a.map((st) => st.ino)).size, a.length, 'unique');
    assert.ok(a.every((st) => st.dev === 1n));
    assert.deepEqual(a.map((st) => st.filetype), [FILE, DIR, FILE, SYMLINK, DIR]);
    assert.equal(a[0]!.nlink, 1n);
    assert.equal(a[4]!.nlink, 3n, '. .. and sub/..');
    assert.equal(a[0]!.size, 11n);
    assert.equal(a[3]!.size, 9n, 'a symlink is as big as its target string');
  });

  it('stamps times from the virtual clock and sets them on request', async () => {
    const host = new CountingHost();
    const s = await sandbox({ clockStartNs: 1_000_000n }, host);
    const fd = ok(s.open(ROOT, 'hello.txt'));
    const [, before] = s.statFd(fd);
    assert.equal(before.mtim, 1_000_000n, 'preloaded nodes carry the start time');
    host.instructions = 5_000n;
    s.write(fd, 'H');
    const [, after] = s.statFd(fd);
    assert.ok(after.mtim > before.mtim && after.mtim === after.ctim);
    assert.equal(s.call('fd_filestat_set_times', fd, 11n, 22n, 1 | 4), 0);
    const [, set] = s.statFd(fd);
    assert.deepEqual([set.atim, set.mtim], [11n, 22n]);
    assert.equal(s.call('fd_filestat_set_times', fd, 0n, 0n, 2 | 8), 0);
    const [, now] = s.statFd(fd);
    assert.equal(now.atim, now.mtim);
    assert.ok(now.mtim > 1_000_000n);
    assert.equal(s.call('fd_filestat_set_times', fd, 1n, 1n, 1 | 2), Errno.INVAL);
    assert.equal(s.call('fd_filestat_set_times', fd, 1n, 1n, 4 | 8), Errno.INVAL);
    assert.equal(s.statFd(fd)[1].mtim, now.mtim, 'a rejected call changes nothing');
    // Without SYMLINK_FOLLOW the link itself changes, with it the target.
    const [lp, ll] = s.str('link');
    assert.equal(s.call('path_filestat_set_times', ROOT, 0, lp, ll, 33n, 33n, 4), 0);
    assert.equal(s.statPath(ROOT, 'link')[1].mtim, 33n);
    assert.equal(s.statPath(ROOT, 'hello.txt')[1].mtim, now.mtim);
    const [p, l] = s.str('link');
    assert.equal(s.call('path_filestat_set_times', ROOT, FOLLOW, p, l, 44n, 44n, 4), 0);
    assert.equal(s.statPath(ROOT, 'hello.txt')[1].mtim, 44n);
  });

  it('refuses file operations on directories and directory operations on files', async () => {
    const s = await sandbox();
    const out = s.alloc(8);
    assert.equal(s.read(ROOT, 4)[0], Errno.BADF);
    assert.equal(s.write(ROOT, 'x')[0], Errno.BADF);
    assert.equal(s.call('fd_seek', ROOT, 0n, 1, out), Errno.BADF);
    assert.equal(s.call('fd_tell', ROOT, out), Errno.BADF);
    assert.equal(s.call('fd_filestat_set_size', ROOT, 0n), Errno.BADF);
    const fd = ok(s.open(ROOT, 'hello.txt'));
    assert.equal(s.open(fd, 'x', { oflags: O.CREAT })[0], Errno.NOTDIR);
    assert.equal(s.readdir(fd, 0n, 64)[0], Errno.NOTDIR);
  });
});

describe('wasi fs: directories', () => {
  it('lists . and .. first and resumes from cookies', async () => {
    const s = await sandbox();
    const [errno, all, used] = s.readdir(ROOT, 0n, 4096);
    assert.equal(errno, 0);
    assert.ok(used < 4096, 'a short buffer means the end');
    assert.deepEqual(all.map((e) => e.name), ['.', '..', 'hello.txt', 'sub', 'link']);
    assert.deepEqual(all.map((e) => e.next), [1n, 2n, 3n, 4n, 5n]);
    assert.deepEqual(all.map((e) => e.type), [DIR, DIR, FILE, DIR, SYMLINK]);
    assert.equal(all[2]!.ino, s.statPath(ROOT, 'hello.txt')[1].ino);
    assert.equal(all[0]!.ino, s.statFd(ROOT)[1].ino);
    const [, rest] = s.readdir(ROOT, 3n, 4096);
    assert.deepEqual(rest.map((e) => e.name), ['sub', 'link']);
    assert.deepEqual(s.readdir(ROOT, 99n, 4096)[1], []);
    // A small buffer is filled completely; the cut entry is read again from its cookie.
    const [, first, full] = s.readdir(ROOT, 0n, 60);
    assert.equal(full, 60);
    assert.deepEqual(first.map((e) => e.name), ['.', '..']);
  });

  it('walks a large directory in small pieces', async () => {
    const s = await sandbox();
    ok(s.path('path_create_directory', ROOT, 'many') === 0 ? [0, 0] : [1, 0]);
    const dfd = ok(s.open(ROOT, 'many', { oflags: O.DIRECTORY }));
    for (let i = 0; i < 300; i++) {
      s.reset();
      const fd = ok(s.open(dfd, `file.${i}`, { oflags: O.CREAT }));
      assert.equal(s.call('fd_close', fd), 0);
    }
    const names: string[] = [];
    let cookie = 0n;
    for (;;) {
      s.reset();
      const [errno, entries, used] = s.readdir(dfd, cookie, 256);
      assert.equal(errno, 0);
      names.push(...entries.map((e) => e.name));
      if (used < 256) break;
      cookie = entries[entries.length - 1]!.next;
    }
    assert.equal(names.length, 302);
    assert.equal(new Set(names).size, 302);
  });

  it('creates and removes directories', async () => {
    const s = await sandbox();
    assert.equal(s.path('path_create_directory', ROOT, 'a'), 0);
    assert.equal(s.path('path_create_directory', ROOT, 'a/b/'), 0, 'a trailing slash is fine');
    assert.equal(s.path('path_create_directory', ROOT, 'a'), Errno.EXIST);
    assert.equal(s.path('path_create_directory', ROOT, 'x/y'), Errno.NOENT);
    assert.equal(s.path('path_remove_directory', ROOT, 'a'), Errno.NOTEMPTY);
    assert.equal(s.path('path_remove_directory', ROOT, 'hello.txt'), Errno.NOTDIR);
    assert.equal(s.path('path_remove_directory', ROOT, 'hello.txt/'), Errno.NOTDIR);
    assert.equal(s.path('path_remove_directory', ROOT, '.'), Errno.INVAL);
    assert.equal(s.path('path_remove_directory', ROOT, 'a/b'), 0);
    assert.equal(s.path('path_remove_directory', ROOT, 'a/'), 0);
    assert.equal(s.statPath(ROOT, 'a')[0], Errno.NOENT);
  });

  it('keeps descriptors to removed files and directories usable', async () => {
    const s = await sandbox();
    const fd = ok(s.open(ROOT, 'hello.txt'));
    assert.equal(s.path('path_unlink_file', ROOT, 'hello.txt'), 0);
    assert.deepEqual(s.read(fd, 100), [0, 'hello world']);
    assert.equal(s.statFd(fd)[1].nlink, 0n);
    assert.equal(ok(s.open(ROOT, 'hello.txt', { oflags: O.CREAT })) > 0, true);
    s.path('path_create_directory', ROOT, 'gone');
    const dfd = ok(s.open(ROOT, 'gone', { oflags: O.DIRECTORY }));
    assert.equal(s.path('path_remove_directory', ROOT, 'gone'), 0);
    assert.equal(s.open(dfd, 'x', { oflags: O.CREAT })[0], Errno.NOENT, 'a removed directory takes no entries');
    assert.equal(s.path('path_create_directory', ROOT, 'gone'), 0);
  });

  it('unlinks files but not directories', async () => {
    const s = await sandbox();
    assert.equal(s.path('path_unlink_file', ROOT, 'sub'), Errno.ISDIR);
    assert.equal(s.path('path_unlink_file', ROOT, 'sub/'), Errno.ISDIR);
    assert.equal(s.path('path_unlink_file', ROOT, 'hello.txt/'), Errno.NOTDIR);
    assert.equal(s.path('path_unlink_file', ROOT, 'nope'), Errno.NOENT);
    assert.equal(s.path('path_unlink_file', ROOT, 'link'), 0, 'removes the link, not the target');
    assert.equal(s.statPath(ROOT, 'hello.txt')[0], 0);
  });
});

describe('wasi fs: links', () => {
  it('creates, reads and follows symlinks', async () => {
    const s = await sandbox();
    const [t, tl] = s.str('sub/inner.txt');
    const [n, nl] = s.str('in');
    assert.equal(s.call('path_symlink', t, tl, ROOT, n, nl), 0);
    const buf = s.alloc(32);
    const used = s.alloc(4);
    assert.equal(s.path('path_readlink', ROOT, 'in', buf, 32, used), 0);
    assert.equal(s.text(buf, s.u32(used)), 'sub/inner.txt');
    assert.equal(s.path('path_readlink', ROOT, 'in', buf, 3, used), 0);
    assert.equal(s.text(buf, s.u32(used)), 'sub', 'truncated like readlink(2)');
    assert.equal(s.path('path_readlink', ROOT, 'hello.txt', buf, 32, used), Errno.INVAL);
    assert.equal(s.open(ROOT, 'in')[0], Errno.LOOP, 'a final symlink is not followed without the flag');
    assert.deepEqual(s.read(ok(s.open(ROOT, 'in', { follow: true })), 100), [0, 'inner']);
    assert.equal(s.statPath(ROOT, 'in')[1].filetype, SYMLINK);
    assert.equal(s.statPath(ROOT, 'in', true)[1].filetype, FILE);
    assert.equal(s.call('path_symlink', t, tl, ROOT, n, nl), Errno.EXIST);
  });

  it('follows symlinks in the middle of a path and reports dangling ones', async () => {
    const s = await sandbox();
    const symlinkAt = (target: string, name: string) => {
      const [t, tl] = s.str(target);
      const [p, pl] = s.str(name);
      return s.call('path_symlink', t, tl, ROOT, p, pl);
    };
    assert.equal(symlinkAt('sub', 'sublink'), 0);
    assert.deepEqual(s.read(ok(s.open(ROOT, 'sublink/inner.txt')), 100), [0, 'inner']);
    assert.equal(symlinkAt('nowhere', 'dangling'), 0);
    assert.equal(s.open(ROOT, 'dangling', { follow: true })[0], Errno.NOENT);
    assert.equal(s.statPath(ROOT, 'dangling')[0], 0);
    assert.equal(symlinkAt('x', 'dir-target/'), Errno.NOENT);
    assert.equal(symlinkAt('x', 'sub/'), Errno.EXIST);
    assert.equal(symlinkAt('x', 'hello.txt/'), Errno.NOTDIR);
  });

  it('fails symlink loops with ELOOP after 40 hops', async () => {
    const s = await sandbox();
    const symlinkAt = (target: string, name: string) => {
      const [t, tl] = s.str(target);
      const [p, pl] = s.str(name);
      assert.equal(s.call('path_symlink', t, tl, ROOT, p, pl), 0);
    };
    symlinkAt('self', 'self');
    assert.equal(s.open(ROOT, 'self', { follow: true })[0], Errno.LOOP);
    assert.equal(s.open(ROOT, 'self/x')[0], Errno.LOOP);
    symlinkAt('ping', 'pong');
    symlinkAt('pong', 'ping');
    assert.equal(s.statPath(ROOT, 'ping', true)[0], Errno.LOOP);
    // A chain of exactly 40 links resolves; 41 does not.
    for (let i = 1; i <= 41; i++) symlinkAt(i === 1 ? 'hello.txt' : `c${i - 1}`, `c${i}`);
    assert.equal(s.statPath(ROOT, 'c40', true)[0], 0);
    assert.equal(s.statPath(ROOT, 'c41', true)[0], Errno.LOOP);
  });

  it('makes hard links to files only', async () => {
    const s = await sandbox();
    const link = (from: string, to: string, flags = 0) => {
      const [a, al] = s.str(from);
      const [b, bl] = s.str(to);
      return s.call('path_link', ROOT, flags, a, al, ROOT, b, bl);
    };
    assert.equal(link('hello.txt', 'hard'), 0);
    assert.equal(s.statPath(ROOT, 'hello.txt')[1].nlink, 2n);
    assert.equal(s.statPath(ROOT, 'hard')[1].ino, s.statPath(ROOT, 'hello.txt')[1].ino);
    s.write(ok(s.open(ROOT, 'hard')), 'J');
    assert.deepEqual(s.read(ok(s.open(ROOT, 'hello.txt')), 5), [0, 'Jello']);
    assert.equal(link('hello.txt', 'hard'), Errno.EXIST);
    assert.equal(link('hello.txt', 'hello.txt'), Errno.EXIST);
    assert.equal(link('sub', 'subhard'), Errno.PERM);
    assert.equal(link('hello.txt', 'newname/'), Errno.NOENT);
    assert.equal(link('link', 'link2'), 0, 'links the symlink itself');
    assert.equal(s.statPath(ROOT, 'link2')[1].filetype, SYMLINK);
    assert.equal(s.path('path_unlink_file', ROOT, 'hello.txt'), 0);
    assert.equal(s.statPath(ROOT, 'hard')[1].nlink, 1n);
  });
});

describe('wasi fs: rename', () => {
  const rename = (s: Shim, from: string, to: string, toFd = ROOT) => {
    const [a, al] = s.str(from);
    const [b, bl] = s.str(to);
    return s.call('path_rename', ROOT, a, al, toFd, b, bl);
  };

  it('moves files, replacing an existing file', async () => {
    const s = await sandbox();
    const ino = s.statPath(ROOT, 'hello.txt')[1].ino;
    assert.equal(rename(s, 'hello.txt', 'sub/inner.txt'), 0);
    assert.equal(s.statPath(ROOT, 'hello.txt')[0], Errno.NOENT);
    assert.equal(s.statPath(ROOT, 'sub/inner.txt')[1].ino, ino);
    assert.equal(rename(s, 'sub/inner.txt', 'sub'), Errno.ISDIR);
    assert.equal(rename(s, 'sub/inner.txt', 'x/'), Errno.NOTDIR);
    assert.equal(rename(s, 'missing', 'x'), Errno.NOENT);
    const sub = ok(s.open(ROOT, 'sub', { oflags: O.DIRECTORY }));
    assert.equal(rename(s, 'sub/inner.txt', 'moved', sub), 0);
    assert.equal(s.statPath(ROOT, 'sub/moved')[0], 0);
  });

  it('follows the directory rules of rename(2)', async () => {
    const s = await sandbox();
    s.path('path_create_directory', ROOT, 'empty');
    assert.equal(rename(s, 'sub', 'hello.txt'), Errno.NOTDIR);
    s.path('path_create_directory', ROOT, 'full');
    s.open(ROOT, 'full/f', { oflags: O.CREAT });
    assert.equal(rename(s, 'sub', 'full'), Errno.NOTEMPTY);
    assert.equal(rename(s, 'sub', 'sub/inside'), Errno.INVAL);
    assert.equal(rename(s, 'sub/', 'empty/'), 0, 'onto an empty directory, trailing slashes allowed');
    assert.equal(s.statPath(ROOT, 'empty/inner.txt')[0], 0);
    assert.equal(s.statPath(ROOT, 'sub')[0], Errno.NOENT);
    assert.equal(rename(s, 'empty', 'renamed/'), 0);
    assert.equal(rename(s, 'renamed', 'renamed'), 0);
    const [, rd] = s.readdir(ROOT, 0n, 4096);
    assert.ok(rd.some((e) => e.name === 'renamed'));
  });
});

describe('wasi fs: confinement', () => {
  it('refuses absolute paths and .. above the descriptor', async () => {
    const s = await sandbox();
    assert.equal(s.open(ROOT, '/hello.txt')[0], Errno.NOTCAPABLE);
    assert.equal(s.open(ROOT, '../hello.txt')[0], Errno.NOTCAPABLE);
    assert.equal(s.open(ROOT, 'sub/../../sandbox/hello.txt')[0], Errno.NOTCAPABLE);
    assert.equal(s.open(ROOT, 'sub/.//../hello.txt')[0], 0, '.. within the tree is fine');
    const sub = ok(s.open(ROOT, 'sub', { oflags: O.DIRECTORY }));
    assert.equal(s.open(sub, '../hello.txt')[0], Errno.NOTCAPABLE, 'beneath the descriptor, not just the preopen');
    assert.equal(s.path('path_create_directory', ROOT, '..'), Errno.NOTCAPABLE);
    assert.equal(s.path('path_unlink_file', ROOT, '/etc/passwd'), Errno.NOTCAPABLE);
  });

  it('refuses symlinks that lead outside', async () => {
    const s = await sandbox();
    const symlinkAt = (target: string, name: string) => {
      const [t, tl] = s.str(target);
      const [p, pl] = s.str(name);
      return s.call('path_symlink', t, tl, ROOT, p, pl);
    };
    assert.equal(symlinkAt('/etc/passwd', 'abs'), Errno.NOTCAPABLE);
    assert.equal(symlinkAt('../../etc', 'up'), 0, 'creating is allowed; following is not');
    assert.equal(s.open(ROOT, 'up', { follow: true })[0], Errno.NOTCAPABLE);
    assert.equal(s.open(ROOT, 'up/passwd')[0], Errno.NOTCAPABLE);
    assert.equal(symlinkAt('../hello.txt', 'sub/back'), 0);
    assert.equal(s.open(ROOT, 'sub/back', { follow: true })[0], 0, 'inside the tree it resolves');
    const sub = ok(s.open(ROOT, 'sub', { oflags: O.DIRECTORY }));
    assert.equal(s.open(sub, 'back', { follow: true })[0], Errno.NOTCAPABLE);
  });

  it('rejects malformed paths', async () => {
    const s = await sandbox();
    assert.equal(s.open(ROOT, 'hello.txt\0')[0], Errno.INVAL);
    assert.equal(s.open(ROOT, '')[0], Errno.NOENT);
    assert.equal(s.open(ROOT, 'hello.txt/')[0], Errno.NOTDIR);
    assert.equal(s.open(ROOT, 'sub///', { rights: R.READ })[0], 0);
    assert.equal(s.open(ROOT, 'x'.repeat(256), { oflags: O.CREAT })[0], Errno.NAMETOOLONG);
    const [p] = s.str(new Uint8Array([0xff, 0xfe]));
    const out = s.alloc(4);
    assert.equal(s.call('path_open', ROOT, 0, p, 2, 0, 0n, 0n, 0, out), Errno.ILSEQ);
  });
});

function iov(s: Shim, data: string): [number, number] {
  const [p, l] = s.str(data);
  const v = s.alloc(8);
  s.view.setUint32(v, p, true);
  s.view.setUint32(v + 4, l, true);
  return [v, 1];
}
