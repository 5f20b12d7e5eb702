import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OutlayerError } from '../../errors.js';
import { DirNode, FileNode, SymlinkNode } from '../wasi/fs.js';
import { Shim, testConfig } from '../wasi/test-harness.js';
import { loadHostDir } from './load-dir.js';

const base = mkdtempSync(join(tmpdir(), 'outlayer-load-dir-'));
after(() => rmSync(base, { recursive: true, force: true }));

function fixture(): string {
  const root = mkdtempSync(join(base, 'tree-'));
  writeFileSync(join(root, 'b.txt'), 'bee');
  writeFileSync(join(root, 'a.txt'), 'ay');
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'deep.bin'), new Uint8Array([1, 2, 3]));
  symlinkSync('a.txt', join(root, 'link'));
  symlinkSync('../../outside', join(root, 'sub', 'escape'));
  linkSync(join(root, 'b.txt'), join(root, 'sub', 'hard'));
  return root;
}

describe('loadHostDir', () => {
  it('copies files, directories and symlinks in sorted order', () => {
    const root = loadHostDir(fixture());
    assert.deepEqual([...root.entries.keys()], ['a.txt', 'b.txt', 'link', 'sub']);
    const a = root.entries.get('a.txt');
    assert.ok(a instanceof FileNode);
    assert.equal(new TextDecoder().decode(a.content()), 'ay');
    const link = root.entries.get('link');
    assert.ok(link instanceof SymlinkNode);
    assert.equal(link.target, 'a.txt');
    const sub = root.entries.get('sub');
    assert.ok(sub instanceof DirNode);
    assert.deepEqual([...sub.entries.keys()], ['deep.bin', 'escape', 'hard']);
    assert.equal(sub.entries.get('hard'), root.entries.get('b.txt'), 'hard links stay one node');
  });

  it('enforces maxBytes and reports unreadable paths', () => {
    const path = fixture();
    assert.equal(loadHostDir(path, { maxBytes: 100 }).entries.size, 4);
    assert.throws(() => loadHostDir(path, { maxBytes: 5 }), (e: unknown) => e instanceof OutlayerError && /exceeds 5 bytes/.test(e.message));
    assert.throws(() => loadHostDir(join(base, 'missing')), (e: unknown) => e instanceof OutlayerError && /cannot read .*missing/.test(e.message));
    assert.throws(() => loadHostDir(join(path, 'a.txt')), /not a directory/);
    assert.throws(() => loadHostDir(path, { bogus: 1 } as never), /unknown option/);
  });

  it('gives the guest a copy: writes never reach the host', async () => {
    const path = fixture();
    const s = await Shim.create(testConfig({ preopens: [{ guestPath: '/data', root: loadHostDir(path) }] }));
    const [errno, fd] = s.open(3, 'a.txt', { oflags: 8 });
    assert.equal(errno, 0);
    s.write(fd, 'guest');
    assert.equal(s.path('path_unlink_file', 3, 'b.txt'), 0);
    assert.equal(readFileSync(join(path, 'a.txt'), 'utf8'), 'ay');
    assert.equal(readFileSync(join(path, 'b.txt'), 'utf8'), 'bee');
    assert.equal(s.open(3, 'sub/escape', { follow: true })[0], 76, 'a host symlink out of the tree stays confined');
  });
});
