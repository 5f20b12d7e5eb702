import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OutlayerError } from '../errors.js';
import { Keystore, type SecretsRequest } from './keystore.js';
import { RpcChain } from './rpc-chain.js';
import { sealSecrets, type SecretLocation } from './seal.js';

const CONTRACT = 'outlayer.test.near';
const REPO = 'https://github.com/alice/app';
const SECRET_VALUE = 'sk-live-very-secret';

/** Canned chain state served by the fake RPC. */
const records = new Map<string, unknown>();
const balances: Record<string, string> = { 'rich.near': '5000000000000000000000000', 'poor.near': '1' };
const getSecretsCalls: unknown[] = [];
let httpFailure = false;

const recordKey = (owner: string, repo: string, branch: string | null, profile: string): string => JSON.stringify([owner, repo, branch, profile]);

function answer(params: Record<string, unknown>): { result?: unknown; error?: unknown } {
  const unknownAccount = (id: unknown) => ({ error: { name: 'HANDLER_ERROR', cause: { name: 'UNKNOWN_ACCOUNT', info: { requested_account_id: id } }, code: -32000, message: 'Server error', data: `account ${id} does not exist while viewing` } });
  if (params.request_type === 'view_account') {
    const amount = balances[params.account_id as string];
    return amount === undefined ? unknownAccount(params.account_id) : { result: { amount, locked: '0', code_hash: '11111111111111111111111111111111', storage_usage: 100, block_height: 1 } };
  }
  if (params.request_type === 'call_function') {
    const args = JSON.parse(Buffer.from(params.args_base64 as string, 'base64').toString('utf8'));
    if (params.account_id === CONTRACT && params.method_name === 'get_secrets') {
      getSecretsCalls.push(args);
      // Like the contract: an exact-branch record first, then the all-branches one.
      const value = records.get(recordKey(args.owner, args.repo, args.branch, args.profile)) ?? records.get(recordKey(args.owner, args.repo, null, args.profile)) ?? null;
      return { result: { result: [...Buffer.from(JSON.stringify(value))], logs: [], block_height: 1 } };
    }
    return unknownAccount(params.account_id);
  }
  return { error: { name: 'REQUEST_VALIDATION_ERROR', cause: { name: 'PARSE_ERROR' }, code: -32700, message: 'Parse error', data: 'unknown request_type' } };
}

let server: Server;
let rpcUrl: string;
let downUrl: string;
let dataDir: string;
let keystore: Keystore;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (httpFailure) {
        res.writeHead(502).end('bad gateway');
        return;
      }
      const request = JSON.parse(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: request.id, ...answer(request.params) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free: nothing listens there.
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
  dataDir = mkdtempSync(join(tmpdir(), 'outlayer-keystore-'));
  keystore = Keystore.open({ dataDir, rpcUrl, contractId: CONTRACT });
});

after(async () => {
  keystore.dispose();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

function store(location: SecretLocation, access: unknown, env: Record<string, string>, storedAt: SecretLocation = location): void {
  const encrypted_secrets = sealSecrets(keystore.publicKey(), location, env);
  records.set(recordKey(storedAt.owner, storedAt.repo, storedAt.branch, storedAt.profile), { encrypted_secrets, access, branch: storedAt.branch, owner: storedAt.owner, profile: storedAt.profile });
}

const request = (over: Partial<SecretsRequest>): SecretsRequest => ({ owner: 'alice.near', repo: REPO, branch: 'main', profile: 'prod', requester: 'bob.near', ...over });
const failsWith = (code: string, status: number, re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof OutlayerError, String(e));
  assert.equal(e.code, code, e.message);
  assert.equal(e.status, status);
  if (re) assert.match(e.message, re);
  assert.ok(!e.message.includes(SECRET_VALUE), 'the error leaks a secret');
  return true;
};

describe('Keystore.secretsFor', () => {
  before(() => {
    store({ owner: 'alice.near', repo: REPO, branch: 'main', profile: 'prod' }, { Whitelist: { accounts: ['bob.near'] } }, { API_KEY: SECRET_VALUE });
    store({ owner: 'alice.near', repo: REPO, branch: null, profile: 'rich' }, { NearBalance: { min: '1000000000000000000000000' } }, { TOKEN: SECRET_VALUE });
    store({ owner: 'alice.near', repo: REPO, branch: null, profile: 'ft' }, { FtBalance: { contract: 'missing.near', operator: 'Gt', value: '0' } }, { TOKEN: SECRET_VALUE });
    // Mallory copies alice's public ciphertext into her own profile with an AllowAll rule.
    const alices = records.get(recordKey('alice.near', REPO, 'main', 'prod')) as { encrypted_secrets: string };
    records.set(recordKey('mallory.near', 'https://github.com/mallory/app', null, 'stolen'), { encrypted_secrets: alices.encrypted_secrets, access: 'AllowAll', branch: null });
  });

  it('grants a whitelisted requester and passes the location to get_secrets', async () => {
    assert.deepEqual(await keystore.secretsFor(request({})), { API_KEY: SECRET_VALUE });
    assert.deepEqual(getSecretsCalls.at(-1), { repo: REPO, branch: 'main', profile: 'prod', owner: 'alice.near' });
  });

  it('refuses others with 403 naming the requester and the rule', async () => {
    await assert.rejects(keystore.secretsFor(request({ requester: 'eve.near' })), failsWith('secrets_access_denied', 403, /refused for eve\.near: the top-level Whitelist rule is not met/));
  });

  it('opens an all-branches record asked for with a branch (AAD uses null), gated by a NEAR balance', async () => {
    assert.deepEqual(await keystore.secretsFor(request({ profile: 'rich', branch: 'feature-x', requester: 'rich.near' })), { TOKEN: SECRET_VALUE });
    await assert.rejects(keystore.secretsFor(request({ profile: 'rich', requester: 'poor.near' })), failsWith('secrets_access_denied', 403, /NearBalance/));
    await assert.rejects(keystore.secretsFor(request({ profile: 'rich', requester: 'ghost.near' })), failsWith('secrets_access_denied', 403, /ghost\.near/));
  });

  it('refuses when a rule cannot be evaluated on-chain (FT contract missing)', async () => {
    await assert.rejects(keystore.secretsFor(request({ profile: 'ft' })), failsWith('secrets_access_denied', 403, /could not be evaluated \(UNKNOWN_ACCOUNT/));
  });

  it('answers 404 when nothing is stored', async () => {
    await assert.rejects(keystore.secretsFor(request({ profile: 'nope' })), failsWith('secrets_not_found', 404, /no secrets are stored for alice\.near/));
  });

  it('a copied ciphertext does not open under another owner (422)', async () => {
    await assert.rejects(
      keystore.secretsFor({ owner: 'mallory.near', repo: 'https://github.com/mallory/app', branch: null, profile: 'stolen', requester: 'mallory.near' }),
      failsWith('secrets_decrypt_failed', 422, /do not authenticate/),
    );
  });

  it('answers 503 when the RPC is down or failing', async () => {
    using down = Keystore.open({ dataDir, rpcUrl: downUrl, contractId: CONTRACT });
    await assert.rejects(down.secretsFor(request({})), failsWith('keystore_unavailable', 503, /did not answer/));
    httpFailure = true;
    try {
      await assert.rejects(keystore.secretsFor(request({})), failsWith('keystore_unavailable', 503, /HTTP 502/));
    } finally {
      httpFailure = false;
    }
  });

  it('rejects a malformed requester and unknown options', async () => {
    await assert.rejects(keystore.secretsFor(request({ requester: 'Bob' })), failsWith('usage', 400));
    assert.throws(() => Keystore.open({ dataDir, rpcUrl, contractId: CONTRACT, verbose: true } as never), failsWith('usage', 400, /unknown Keystore option "verbose"/));
  });

  it('after rotation, stored blobs keep opening until the old key is retired', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outlayer-keystore-rot-'));
    try {
      using ks = Keystore.open({ dataDir: dir, rpcUrl, contractId: CONTRACT });
      const old = ks.publicKey();
      const loc = { owner: 'carol.near', repo: REPO, branch: null, profile: 'rot' };
      records.set(recordKey(loc.owner, loc.repo, null, loc.profile), { encrypted_secrets: sealSecrets(old, loc, { K: 'v1' }), access: 'AllowAll', branch: null });
      const next = ks.rotate();
      assert.deepEqual(await ks.secretsFor({ ...loc, requester: 'bob.near' }), { K: 'v1' });
      ks.retire(old.key_id);
      await assert.rejects(ks.secretsFor({ ...loc, requester: 'bob.near' }), failsWith('secrets_decrypt_failed', 422, new RegExp(`retired; re-seal to the current key ${next.key_id}`)));
      records.set(recordKey(loc.owner, loc.repo, null, loc.profile), { encrypted_secrets: sealSecrets(next, loc, { K: 'v2' }), access: 'AllowAll', branch: null });
      assert.deepEqual(await ks.secretsFor({ ...loc, requester: 'bob.near' }), { K: 'v2' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RpcChain', () => {
  it('reads balances, and null for a missing account', async () => {
    const chain = new RpcChain({ rpcUrl });
    assert.equal(await chain.nearBalance('rich.near'), 5n * 10n ** 24n);
    assert.equal(await chain.nearBalance('ghost.near'), null);
  });
  it('times out as keystore_unavailable', async () => {
    const hanging = createServer(() => {});
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    try {
      const chain = new RpcChain({ rpcUrl: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`, timeoutMs: 100 });
      await assert.rejects(chain.nearBalance('rich.near'), failsWith('keystore_unavailable', 503));
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((r) => hanging.close(() => r()));
    }
  });
  it('reads ft_balance_of and NFT ownership through call_function', async () => {
    const calls: { method: string; args: unknown }[] = [];
    const fake: typeof fetch = async (_url, init) => {
      const { params } = JSON.parse(String(init!.body));
      const args = JSON.parse(Buffer.from(params.args_base64, 'base64').toString());
      calls.push({ method: params.method_name, args });
      const value = params.method_name === 'ft_balance_of' ? '42' : params.method_name === 'nft_token' ? { token_id: args.token_id, owner_id: 'alice.near' } : [{ token_id: '1', owner_id: 'alice.near' }];
      return new Response(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { result: [...Buffer.from(JSON.stringify(value))], logs: [] } }));
    };
    const chain = new RpcChain({ rpcUrl: 'http://unused', fetch: fake });
    assert.equal(await chain.ftBalance('usdt.near', 'alice.near'), 42n);
    assert.equal(await chain.nftOwned('nft.near', 'alice.near', '7'), true);
    assert.equal(await chain.nftOwned('nft.near', 'bob.near', '7'), false);
    assert.equal(await chain.nftOwned('nft.near', 'alice.near', null), true);
    assert.deepEqual(calls.map((c) => c.args), [
      { account_id: 'alice.near' },
      { token_id: '7' },
      { token_id: '7' },
      { account_id: 'alice.near', from_index: '0', limit: 100 },
    ]);
  });
});
