// `outlayer devnet`: help, usage errors, and a real start on an ephemeral port.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { devnetCommand } from './devnet.js';
import { main } from './main.js';

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

describe('outlayer devnet', () => {
  it('prints its help', async () => {
    const { out, io: cli } = io();
    assert.equal(await main(['devnet', '--help'], cli), 0);
    assert.match(out.stdout, /--block-time-ms/);
    const help = io();
    assert.equal(await main(['--help'], help.io), 0);
    assert.match(help.out.stdout, /devnet/);
  });

  it('rejects bad flags with status 2', async () => {
    const { out, io: cli } = io();
    assert.equal(await main(['devnet', '--port', 'x'], cli), 2);
    assert.match(out.stderr, /--port expects/);
    assert.equal(await main(['devnet', '--nope'], cli), 2);
  });

  it('starts, answers JSON-RPC, writes the root key and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outlayer-cli-devnet-'));
    try {
      const { out, io: cli } = io();
      const ac = new AbortController();
      const running = devnetCommand(['--port', '0', '--data-dir', dir, '--block-time-ms', '50'], cli, { signal: ac.signal });
      while (!out.stdout.includes('rpc:')) await new Promise((r) => setTimeout(r, 10));
      const url = /rpc:\s+(\S+)/.exec(out.stdout)![1]!;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(out.stdout, /root account: test\.near/);
      const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'status', params: [] }) });
      const status = (await res.json()) as { result: { chain_id: string } };
      assert.equal(status.result.chain_id, 'localnet');
      const creds = JSON.parse(readFileSync(join(dir, 'test.near.json'), 'utf8'));
      assert.equal(creds.account_id, 'test.near');
      assert.match(creds.private_key, /^ed25519:/);
      await new Promise((r) => setTimeout(r, 150));
      ac.abort();
      assert.equal(await running, 0);
      assert.match(out.stdout, /devnet stopped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
