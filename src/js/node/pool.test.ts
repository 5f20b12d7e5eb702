// The JS conformance suite through the Node pool (threads with a warm JS engine), plus WASI
// guests in the same pool.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WasmPool } from '../../sandbox/node/pool.js';
import { repoFile } from '../../testing/repo.js';
import { JS_CASES, type RunJs } from '../conformance/cases.js';
import { createPool } from './pool.js';

describe('conformance: JS in the Node pool', () => {
  let pool: WasmPool;
  before(async () => {
    pool = await createPool({ size: 2, cacheDir: mkdtempSync(join(tmpdir(), 'outlayer-js-')) });
  });
  after(() => pool.dispose());
  const run: RunJs = (source, options) => pool.run(source, { kind: 'js', ...options });

  for (const c of JS_CASES) it(c.name, () => c.run(run));

  it('runs WASI guests too, detected from the bytes', async () => {
    const r = await pool.run(repoFile('examples/hello.wasm'));
    assert.equal(r.output, 'Hello from OutLayer!\n');
  });

  it('a spinning JS guest hits the wall-clock backstop and the pool recovers', async () => {
    const r = await pool.run('export function execute() { for (;;) {} }', { kind: 'js', maxInstructions: 400_000_000_000n, timeoutMs: 500 });
    assert.equal(r.error?.kind, 'timeout');
    const again = await pool.run('export function execute() { return 2 }', { kind: 'js' });
    assert.equal(again.output, '2');
  });
});
