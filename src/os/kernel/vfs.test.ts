import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OsError } from '../types.js';
import type { Errno } from '../types.js';
import { fromBase64, toBase64 } from './base64.js';
import { ENTRY_OVERHEAD, Vfs } from './vfs.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const code = (code: Errno) => (e: unknown) => e instanceof OsError && e.code === code;

it('creates, reads, lists (sorted) and stats files and directories', () => {
  let t = 5n;
  const vfs = new Vfs({ clock: () => t });
  vfs.mkdir('/a/b/c', '/', { recursive: true });
  vfs.mkdir('/a/b/c', '/', { recursive: true }); // -p: an existing directory is fine
  vfs.writeFile('/a/z', 'zz');
  t = 9n;
  vfs.writeFile('a/b/y', 'hello');
  assert.deepEqual(vfs.readdir('/a'), ['b', 'z']);
  assert.equal(text(vfs.readFile('b/y', '/a')), 'hello');
  const st = vfs.stat('/a/b/y');
  assert.deepEqual([st.kind, st.size, st.mtimeNs], ['file', 5, 9n]);
  assert.equal(vfs.stat('/a/b').mtimeNs, 9n, 'adding an entry changes the directory mtime');
  assert.notEqual(vfs.stat('/a/z').ino, st.ino);
  assert.throws(() => vfs.mkdir('/a/z'), code('EEXIST'));
  assert.throws(() => vfs.mkdir('/a/z/q', '/', { recursive: true }), code('ENOTDIR'));
  assert.throws(() => vfs.readdir('/a/z'), code('ENOTDIR'));
  assert.throws(() => vfs.stat('/a/z/'), code('ENOTDIR'));
  assert.throws(() => vfs.stat('/nope'), code('ENOENT'));
  assert.throws(() => vfs.stat(''), code('ENOENT'));
  assert.throws(() => vfs.readFile('/a'), code('EISDIR'));
});

it('unlinks files and removes only empty directories', () => {
  const vfs = new Vfs();
  assert.throws(() => vfs.writeFile('/missing/f', 'x'), code('ENOENT'));
  vfs.mkdir('/d');
  vfs.writeFile('/d/f', 'x');
  assert.throws(() => vfs.rmdir('/d'), code('ENOTEMPTY'));
  assert.throws(() => vfs.unlink('/d'), code('EISDIR'));
  assert.throws(() => vfs.rmdir('/d/f'), code('ENOTDIR'));
  assert.throws(() => vfs.rmdir('/'), code('EPERM'));
  vfs.unlink('/d/f');
  assert.throws(() => vfs.unlink('/d/f'), code('ENOENT'));
  vfs.rmdir('/d');
  assert.deepEqual(vfs.readdir('/'), []);
  assert.equal(vfs.usedBytes, 0);
});

it('renames files (over an existing one) and directories, never into their own subtree', () => {
  const vfs = Vfs.fromImage({ '/a/x': '1', '/a/y': '2', '/b/': '' });
  vfs.rename('/a/x', '/a/y');
  assert.deepEqual(vfs.readdir('/a'), ['y']);
  assert.equal(text(vfs.readFile('/a/y')), '1');
  vfs.rename('/a', '/b/a');
  assert.equal(text(vfs.readFile('/b/a/y')), '1');
  assert.throws(() => vfs.rename('/b', '/b/a/inside'), code('EINVAL'));
  vfs.rename('/b', '/b'); // the same entry: nothing to do
  vfs.mkdir('/e');
  assert.throws(() => vfs.rename('/b/a/y', '/e'), code('EISDIR'));
  assert.throws(() => vfs.rename('/e', '/b/a/y'), code('ENOTDIR'));
  assert.throws(() => vfs.rename('/e', '/b'), code('ENOTEMPTY'));
  vfs.mkdir('/f');
  vfs.rename('/e', '/f'); // over an empty directory
  assert.deepEqual(vfs.readdir('/'), ['b', 'f']);
  assert.throws(() => vfs.rename('/nope', '/x'), code('ENOENT'));
  // `..` follows the moved directory's new parent
  vfs.mkdir('/f/g');
  vfs.rename('/f/g', '/b/g');
  assert.deepEqual(vfs.readdir('/b/g/..'), ['a', 'g']);
});

it('confines paths to the root: .. at / stays at /', () => {
  const vfs = Vfs.fromImage({ '/etc/passwd': 'guest' });
  assert.equal(text(vfs.readFile('/../../../etc/passwd')), 'guest');
  assert.equal(text(vfs.readFile('../../etc/./passwd', '/etc')), 'guest');
  assert.equal(vfs.realpath('../../..', '/etc'), '/');
  assert.equal(vfs.realpath('/etc/../etc/.'), '/etc');
  assert.deepEqual(vfs.readdir('/..'), ['etc']);
  assert.throws(() => vfs.stat('/etc/passwd/..'), code('ENOTDIR'));
});

it('limits name and path lengths (ENAMETOOLONG)', () => {
  const vfs = new Vfs();
  assert.throws(() => vfs.writeFile(`/${'n'.repeat(256)}`, ''), code('ENAMETOOLONG'));
  vfs.writeFile(`/${'n'.repeat(255)}`, '');
  assert.throws(() => vfs.stat(`/${'a/'.repeat(2049)}`), code('ENAMETOOLONG'));
});

it('fails writes past the quota with ENOSPC and changes nothing', () => {
  const vfs = new Vfs({ quotaBytes: 1000 });
  vfs.writeFile('/a', new Uint8Array(900));
  assert.equal(vfs.usedBytes, 900 + ENTRY_OVERHEAD);
  assert.throws(() => vfs.writeFile('/a', new Uint8Array(100), '/', { append: true }), code('ENOSPC'));
  assert.equal(vfs.stat('/a').size, 900);
  assert.throws(() => vfs.writeFile('/b', 'x'), code('ENOSPC')); // the entry itself does not fit
  assert.throws(() => vfs.stat('/b'), code('ENOENT'));
  vfs.unlink('/a');
  assert.equal(vfs.usedBytes, 0);
  vfs.writeFile('/b', new Uint8Array(1000 - ENTRY_OVERHEAD));
  assert.equal(vfs.usedBytes, 1000);
});

it('snapshots round-trip through JSON, storing identical content once', () => {
  let t = 42n;
  const vfs = Vfs.fromImage({ '/a/one': 'same', '/b/two': 'same', '/c': new Uint8Array([0, 255, 1]), '/empty/': '' }, { clock: () => t });
  t = 43n;
  vfs.writeFile('/__proto__', 'odd name');
  const snap = JSON.parse(JSON.stringify(vfs.snapshot())) as unknown;
  const blobs = (snap as { blobs: Record<string, string> }).blobs;
  assert.equal(Object.keys(blobs).length, 3, 'same, the binary file and odd name');
  const back = Vfs.fromSnapshot(snap);
  assert.deepEqual(back.readdir('/'), ['__proto__', 'a', 'b', 'c', 'empty']);
  assert.equal(text(back.readFile('/b/two')), 'same');
  assert.deepEqual([...back.readFile('/c')], [0, 255, 1]);
  assert.equal(back.stat('/a/one').mtimeNs, 42n);
  assert.equal(back.stat('/__proto__').mtimeNs, 43n);
  assert.deepEqual(back.snapshot(), snap);
  assert.equal(back.usedBytes, vfs.usedBytes);
  assert.throws(() => Vfs.fromSnapshot(snap, { quotaBytes: 100 }), code('ENOSPC'));
});

it('validates snapshots strictly', () => {
  const good = () => JSON.parse(JSON.stringify(Vfs.fromImage({ '/x': 'hi' }).snapshot())) as Record<string, any>;
  const bad = (mutate: (s: Record<string, any>) => void, why: RegExp) => {
    const s = good();
    mutate(s);
    assert.throws(() => Vfs.fromSnapshot(s), (e: unknown) => e instanceof OsError && e.code === 'EINVAL' && why.test(e.message));
  };
  assert.doesNotThrow(() => Vfs.fromSnapshot(good()));
  bad((s) => (s.extra = 1), /keys/);
  bad((s) => (s.format = 'v0'), /format/);
  bad((s) => (s.root.type = 'file'), /type/);
  bad((s) => (s.root.entries[0][0] = '..'), /name/);
  bad((s) => (s.root.entries[0][0] = 'a/b'), /name/);
  bad((s) => s.root.entries.push(s.root.entries[0]), /sorted/);
  bad((s) => (s.root.entries[0][1].mtimeNs = -1), /mtimeNs/);
  bad((s) => (s.root.entries[0][1].sha256 = 'f'.repeat(64)), /blob/);
  bad((s) => (s.root.entries[0][1].size = 2), /keys/);
  bad((s) => (s.blobs[Object.keys(s.blobs)[0]!] = toBase64(new TextEncoder().encode('HI'))), /match/);
  bad((s) => (s.blobs['0'.repeat(64)] = ''), /match|not used/);
  bad((s) => (s.blobs[Object.keys(s.blobs)[0]!] = 'a!=='), /base64/);
  assert.throws(() => Vfs.fromSnapshot(null), code('EINVAL'));
  assert.throws(() => Vfs.fromSnapshot([]), code('EINVAL'));
});

it('base64 is canonical', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 100]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
    assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
  }
  assert.equal(toBase64(new TextEncoder().encode('hello')), 'aGVsbG8=');
  assert.equal(fromBase64('aGVsbG9='), null, 'non-zero trailing bits');
  assert.equal(fromBase64('aGVsbG8'), null);
  assert.equal(fromBase64('aG=sbG8='), null);
});
