// The server worker on its own (HTTPS API jobs, no chain): it waits for a coordinator that is not
// up yet, and a drain finishes the job it holds and claims nothing new.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Coordinator } from '../coordinator/app.js';
import { OutlayerClient } from '../sdk/client.js';
import { WorkerSigner } from './signer.js';
import { ServerWorker } from './worker.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const SLOW = new TextEncoder().encode('export function execute() { let x = 0; for (let i = 0; i < 1.5e7; i++) x += i; return x }');

describe('server worker', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'worker-test-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps retrying while the coordinator is down, then registers and works', async () => {
    const port = await freePort();
    const starting = ServerWorker.start({ coordinator: `http://127.0.0.1:${port}`, token: 't', signer: WorkerSigner.generate(), claimWaitMs: 1000 });
    await new Promise((r) => setTimeout(r, 1500)); // a few failed attempts
    await using coordinator = await Coordinator.open({ dataDir: tmp(), rpcUrl: 'http://127.0.0.1:9', workerTokens: ['t'], apiKeys: ['k'], logger: false });
    await coordinator.listen(port);
    await using worker = await starting;
    const client = new OutlayerClient({ coordinator: `http://127.0.0.1:${port}`, apiKey: 'k' });
    const sha256 = await client.uploadArtifact(new TextEncoder().encode('export function execute(x) { return x + 1 }'));
    const done = await client.run({ code: { sha256, kind: 'js' }, input: '41' }, { timeoutMs: 30_000 });
    assert.equal(done.status, 'completed');
    assert.equal(done.result?.output, '42');
    assert.ok(worker.finished >= 1);
  });

  it('drain() finishes the held job and claims nothing new', async () => {
    await using coordinator = await Coordinator.open({ dataDir: tmp(), rpcUrl: 'http://127.0.0.1:9', workerTokens: ['t'], apiKeys: ['k'], logger: false });
    const url = await coordinator.listen(0);
    const client = new OutlayerClient({ coordinator: url, apiKey: 'k' });
    const sha256 = await client.uploadArtifact(SLOW);
    const worker = await ServerWorker.start({ coordinator: url, token: 't', signer: WorkerSigner.generate(), claimWaitMs: 1000 });
    const first = await client.submit({ code: { sha256, kind: 'js' } });
    for (let i = 0; i < 100 && (await client.get(first.id)).status !== 'running'; i++) await new Promise((r) => setTimeout(r, 20));
    const second = await client.submit({ code: { sha256, kind: 'js' } });
    await worker.drain();
    assert.equal((await client.get(first.id)).status, 'completed', 'the held job was finished and reported');
    assert.equal((await client.get(second.id)).status, 'queued', 'nothing new was claimed');
    await worker[Symbol.asyncDispose]();
  });
});
