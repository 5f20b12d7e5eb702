// `outlayer dev` and `outlayer request`: the whole system in one process, a request from the
// CLI resolved on-chain with the same output and fuel as `outlayer run`, and a restart that
// keeps the chain, the contract and the coordinator's state.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDevStack } from './dev-stack.js';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('outlayer dev + outlayer request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outlayer-dev-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a CLI request is resolved on-chain with the output and fuel of outlayer run; a restart keeps state', async () => {
    const hello = new URL('../../examples/hello.wasm', import.meta.url).pathname;
    const local = capture();
    assert.equal(await main(['run', hello, '--json'], local.io), 0);
    const expected = JSON.parse(local.out.join('')) as { output: string; fuel_used: number };

    let requestId = -1;
    for (const round of [1, 2]) {
      const stack = await startDevStack({ dataDir: dir, rpcPort: 0, port: 0, logger: false });
      try {
        assert.equal(stack.deployment.deployed, round === 1, 'the contract is deployed once; a restart finds it');
        const c = capture();
        const code = await main(['request', hello, '--json', '--data-dir', dir, '--rpc', stack.rpc.url, '--coordinator', stack.coordinatorUrl, '--timeout', '60'], c.io);
        assert.equal(code, 0, c.err.join(''));
        const r = JSON.parse(c.out.join('')) as { output: string; fuel_used: number; request_id: number; request_status: string; resolution_tx: string | null };
        assert.equal(r.output, expected.output);
        assert.equal(r.fuel_used, expected.fuel_used);
        assert.equal(r.request_status, 'completed');
        assert.ok(r.resolution_tx);
        assert.equal(r.request_id, requestId + 1, 'request ids continue across a restart');
        requestId = r.request_id;
        if (round === 1) {
          // A JS request: its fuel depends on the seed and block time too (the realm's start), and
          // `outlayer run` with the seed and timestamp the request ran with reproduces it exactly.
          const js = new URL('../../examples/js/hello.js', import.meta.url).pathname;
          const cj = capture();
          assert.equal(await main(['request', js, '--input', '{"name":"NEAR"}', '--format', 'Json', '--json', '--data-dir', dir, '--rpc', stack.rpc.url, '--coordinator', stack.coordinatorUrl, '--timeout', '60'], cj.io), 0, cj.err.join(''));
          const jr = JSON.parse(cj.out.join('')) as { output: string; fuel_used: number; seed: string; block_timestamp_ns: string };
          const lj = capture();
          assert.equal(await main(['run', js, '--input', '{"name":"NEAR"}', '--seed', jr.seed, '--block-timestamp-ns', jr.block_timestamp_ns, '--json'], lj.io), 0);
          const local = JSON.parse(lj.out.join('')) as { output: string; fuel_used: number };
          assert.equal(jr.output, local.output);
          assert.equal(jr.fuel_used, local.fuel_used);
          requestId++;
        }
      } finally {
        await stack[Symbol.asyncDispose]();
      }
    }
  });

  it('usage errors exit 2 with the help; --help exits 0', async () => {
    const c = capture();
    assert.equal(await main(['dev', '--no-such-flag'], c.io), 2);
    assert.match(c.err.join(''), /Usage: outlayer dev/);
    assert.equal(await main(['request'], capture().io), 2);
    assert.equal(await main(['request', '--help'], capture().io), 0);
    const missing = capture();
    assert.equal(await main(['request', new URL('../../examples/hello.wasm', import.meta.url).pathname, '--data-dir', join(dir, 'nowhere')], missing.io), 3);
    assert.match(missing.err.join(''), /no dev account key/);
  });
});
