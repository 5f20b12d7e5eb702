// Secrets end to end: sealed to the coordinator's keystore, stored on the contract, opened only
// for a request whose sender the access rule admits, and handed to the guest as environment
// variables — never to anyone else, and never in an error.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from '../contract/node/harness.js';
import { sealSecrets } from '../keystore/seal.js';
import { WorkerSigner } from '../worker/signer.js';
import { ServerWorker } from '../worker/worker.js';
import { Coordinator } from './app.js';

const REPO = 'https://github.com/alice/app';
const ENV_WASM = new URL('../../examples/env.wasm', import.meta.url).pathname;

describe('secrets reach the guest only for admitted requesters', () => {
  let h: Harness;
  let coordinator: Coordinator;
  let worker: ServerWorker;
  let dir: string;
  let commit: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secrets-e2e-'));
    // A repository whose Makefile "builds" the env-printing guest; served from a local mirror.
    const repo = join(dir, 'repo');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'Makefile'), `all:\n\tcp ${ENV_WASM} $(OUTLAYER_OUT)\n`);
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'env guest');
    commit = git('rev-parse', 'HEAD');
    h = await Harness.start();
    for (const id of ['alice.test.near', 'bob.test.near', 'carol.test.near']) await h.createAccount(id);
    coordinator = await Coordinator.open({ dataDir: join(dir, 'coordinator'), rpcUrl: h.server.url, contractId: CONTRACT_ID, operator: { accountId: OPERATOR_ID, privateKey: h.keys.get(OPERATOR_ID)! }, workerTokens: ['t'], logger: false, pollMs: 50, repoMirrors: { [REPO]: `file://${repo}` } });
    worker = await ServerWorker.start({ coordinator: await coordinator.listen(0), token: 't', signer: WorkerSigner.generate(), claimWaitMs: 2000 });
    const sealed = sealSecrets(coordinator.keystore!.publicKey(), { owner: 'alice.test.near', repo: REPO, branch: null, profile: 'prod' }, { API_KEY: 's3cret-value' });
    const stored = await h.call('alice.test.near', 'store_secrets', { repo: 'github.com/alice/app', profile: 'prod', encrypted_secrets_base64: sealed, access: { Whitelist: { accounts: ['bob.test.near'] } } }, { deposit: NEAR });
    assert.equal(stored.error, null);
  });
  after(async () => {
    await worker[Symbol.asyncDispose]();
    await coordinator[Symbol.asyncDispose]();
    await h[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (sender: string) =>
    h.request(sender, { code_source: { repo: 'github.com/alice/app', commit, build_target: 'wasm32-wasip1' }, secrets_ref: { profile: 'prod', account_id: 'alice.test.near' } }, NEAR / 10n);

  it('an admitted sender runs with the secrets in its environment', async () => {
    const r = await request('bob.test.near');
    const final = await h.txResult(r.txHash, 'bob.test.near');
    assert.equal(final.error, null);
    assert.match(String(final.value), /^env API_KEY=s3cret-value$/m);
    assert.match(String(final.value), /^env NEAR_SENDER_ID=bob\.test\.near$/m);
  });

  it('another sender is refused: the request fails without the secret anywhere', async () => {
    const r = await request('carol.test.near');
    const final = await h.txResult(r.txHash, 'carol.test.near');
    assert.equal(final.value, null);
    const settled = await h.view<{ status: string; error: string }>('get_request', { request_id: r.requestId });
    assert.equal(settled.status, 'failed');
    assert.match(settled.error, /secrets_access_denied/);
    assert.ok(!JSON.stringify(final).includes('s3cret') && !settled.error.includes('s3cret'));
  });
});
