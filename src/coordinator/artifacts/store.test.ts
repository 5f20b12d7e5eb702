import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, it } from 'node:test';
import { ArtifactError, ArtifactStore, type ArtifactStoreOptions } from './store.js';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const dirs: string[] = [];
const stores: ArtifactStore[] = [];

async function openStore(options: Partial<ArtifactStoreOptions> = {}): Promise<ArtifactStore> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'outlayer-store-')));
  dirs.push(dataDir);
  const store = await ArtifactStore.open({ ...options, dataDir });
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.dispose();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ArtifactError && e.code === code);
}

describe('ArtifactStore', () => {
  it('puts, gets and reports blobs by sha256', async () => {
    const store = await openStore();
    const data = Buffer.from('hello artifact');
    const h = sha(data);
    assert.equal(store.has(h), false);
    assert.equal(await store.get(h), null);
    assert.deepEqual(await store.put(h, data, { kind: 'wasm' }), { sha256: h, size: data.length, created: true });
    assert.equal(store.has(h), true);
    assert.ok(existsSync(join(store.root, h.slice(0, 2), h)));
    const blob = await store.get(h);
    assert.ok(blob);
    assert.equal(blob.size, data.length);
    assert.equal(blob.kind, 'wasm');
    assert.deepEqual(await buffer(blob.stream), data);
    assert.equal(store.totalBytes, data.length);
    assert.equal(await store.delete(h), true);
    assert.equal(await store.delete(h), false);
    assert.equal(store.has(h), false);
    assert.equal(store.totalBytes, 0);
  });

  it('streams bodies and keeps an existing blob on a second put', async () => {
    const store = await openStore();
    const parts = ['abc', 'def', 'ghi'].map((s) => Buffer.from(s));
    const h = sha(Buffer.concat(parts));
    assert.equal((await store.put(h, Readable.from(parts))).created, true);
    assert.deepEqual(await store.put(h, Readable.from(parts)), { sha256: h, size: 9, created: false });
    assert.equal(store.totalBytes, 9);
  });

  it('rejects content that hashes differently, leaving nothing behind', async () => {
    const store = await openStore();
    await rejectsWith(store.put(sha('a'), Buffer.from('b')), 'hash_mismatch');
    assert.equal(store.has(sha('a')), false);
    assert.deepEqual(await readdir(join(store.root, 'tmp')), []);
  });

  it('rejects an oversize stream after reading at most one chunk past the cap', async () => {
    const store = await openStore();
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024, 1);
      }
    }
    await rejectsWith(store.put(sha('x'), endless(), { maxBytes: 4096 }), 'too_large');
    assert.equal(pulled, 5);
    await rejectsWith(store.put(sha('x'), Buffer.alloc(11), { maxBytes: 10 }), 'too_large');
    const exact = Buffer.alloc(10, 7);
    assert.equal((await store.put(sha(exact), exact, { maxBytes: 10 })).size, 10);
    assert.deepEqual(await readdir(join(store.root, 'tmp')), []);
  });

  it('validates hashes everywhere (64 lower-case hex)', async () => {
    const store = await openStore();
    const upper = sha('a').toUpperCase();
    for (const bad of [upper, 'abc', '', `${sha('a')}0`, '../../etc/passwd']) {
      await rejectsWith(store.put(bad, Buffer.from('a')), 'bad_hash');
      await rejectsWith(store.get(bad), 'bad_hash');
      await rejectsWith(store.delete(bad), 'bad_hash');
      assert.throws(() => store.has(bad), (e: unknown) => e instanceof ArtifactError && e.code === 'bad_hash' && e.status === 400);
      assert.throws(() => store.pin(bad), ArtifactError);
    }
  });

  it('evicts least-recently-accessed blobs over the disk cap, never pinned ones or the new blob', async () => {
    let clock = 1000;
    const store = await openStore({ maxTotalBytes: 30, now: () => clock++ });
    const blobs = ['a', 'b', 'c'].map((c) => Buffer.alloc(10, c));
    const [a, b, c] = blobs.map(sha) as [string, string, string];
    for (const data of blobs) await store.put(sha(data), data);
    assert.equal(store.totalBytes, 30);
    (await store.get(a))!.stream.destroy(); // a is now the most recently used; b the least
    store.pin(c);
    const d = Buffer.alloc(10, 'd');
    await store.put(sha(d), d);
    assert.deepEqual([store.has(a), store.has(b), store.has(c), store.has(sha(d))], [true, false, true, true]);
    assert.equal(store.totalBytes, 30);
    // a huge blob: everything unpinned goes, the pinned blob and the new one stay even over the cap
    const big = Buffer.alloc(50, 'e');
    await store.put(sha(big), big);
    assert.deepEqual([store.has(a), store.has(c), store.has(sha(d)), store.has(sha(big))], [false, true, false, true]);
    assert.equal(store.totalBytes, 60);
    assert.equal(existsSync(join(store.root, a.slice(0, 2), a)), false);
    store.unpin(c);
    const f = Buffer.alloc(1, 'f');
    await store.put(sha(f), f);
    assert.equal(store.has(c), false);
  });

  it('removes stale temp files and stray files on open, and keeps metadata across reopen', async () => {
    const first = await openStore();
    const data = Buffer.from('persisted');
    await first.put(sha(data), data, { kind: 'js' });
    await first.dispose();
    await writeFile(join(first.root, 'tmp', `${sha('x')}.deadbeef`), 'partial');
    await mkdir(join(first.root, 'ab'), { recursive: true });
    await writeFile(join(first.root, 'ab', 'not-a-hash'), 'junk');
    const dataDir = join(first.root, '..');
    const second = await ArtifactStore.open({ dataDir });
    stores.push(second);
    assert.deepEqual(await readdir(join(second.root, 'tmp')), []);
    assert.equal(existsSync(join(second.root, 'ab', 'not-a-hash')), false);
    assert.equal(second.stat(sha(data))?.kind, 'js');
    assert.equal(second.totalBytes, data.length);
  });

  it('concurrent puts of the same blob create it exactly once', async () => {
    const store = await openStore();
    const data = Buffer.alloc(100_000, 3);
    const h = sha(data);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(h, Readable.from([data.subarray(0, 50_000), data.subarray(50_000)]))));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.ok(results.every((r) => r.sha256 === h && r.size === data.length));
    assert.equal(store.totalBytes, data.length);
    assert.deepEqual(await readdir(join(store.root, 'tmp')).then((f) => f.filter((n) => !n.startsWith('index.'))), []);
  });

  it('rejects unknown options', async () => {
    await assert.rejects(ArtifactStore.open({ dataDir: tmpdir(), maxBytes: 1 } as unknown as ArtifactStoreOptions), /unknown option/);
  });
});
