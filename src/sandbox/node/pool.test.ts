// The L1 conformance suite against the Node worker pool, plus the pool's own behaviour.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutlayerError } from '../../errors.js';
import { repoFile } from '../../testing/repo.js';
import { CASES, type Run } from '../conformance/cases.js';
import { WasmPool } from './pool.js';

describe('conformance: Node worker pool', () => {
  let pool: WasmPool;
  before(async () => {
    pool = await WasmPool.create({ size: 2, cacheDir: mkdtempSync(join(tmpdir(), 'outlayer-cache-')) });
  });
  after(() => pool.dispose());
  const run: Run = (file, options) => pool.run(typeof file === 'string' ? repoFile(file) : file, { kind: 'wasm', ...options });

  for (const c of CASES) it(c.name, () => c.run(run));

  it('rejects bad options with a usage error naming the option', async () => {
    await assert.rejects(pool.run(repoFile('examples/hello.wasm'), { maxInstructons: 5 } as never), (e: OutlayerError) => e.code === 'usage' && /maxInstructons/.test(e.message));
    await assert.rejects(pool.run(repoFile('examples/hello.wasm'), { maxMemoryMb: 0 }), (e: OutlayerError) => e.code === 'usage' && /maxMemoryMb/.test(e.message));
    await assert.rejects(pool.run('not bytes' as never), (e: OutlayerError) => e.code === 'usage');
  });

  it('runs jobs concurrently and keeps them apart', async () => {
    const inputs = Array.from({ length: 12 }, (_, i) => `job ${i}\n`);
    const results = await Promise.all(inputs.map((input) => pool.run(repoFile('examples/echo.wasm'), { input })));
    assert.deepEqual(results.map((r) => r.output), inputs);
  });
});

describe('Node worker pool lifecycle', () => {
  it('rejects work after dispose, and pending work on dispose', async () => {
    const pool = await WasmPool.create({ size: 1, cacheDir: null });
    const spinning = pool.run(repoFile('examples/wat/loop-forever.wasm'), { maxInstructions: 400_000_000_000n });
    const queued = pool.run(repoFile('examples/hello.wasm'));
    const settled = [spinning, queued].map((p) => assert.rejects(p, (e: OutlayerError) => e.code === 'pool_disposed'));
    await pool.dispose();
    await Promise.all(settled);
    await assert.rejects(pool.run(repoFile('examples/hello.wasm')), (e: OutlayerError) => e.code === 'pool_disposed');
  });
});
