// The devnet's JSON-RPC over HTTP on 127.0.0.1, driven by near-api-js 7.2.0 as users would.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Account, JsonRpcProvider, KeyPair, KeyPairSigner, actions, createTransaction, encodeTransaction } from 'near-api-js';
import { JsRuntime } from '../../js/runtime.js';
import { nodeQuickJsSource } from '../../js/node/source.js';
import { ModulePreparer } from '../../sandbox/prepare.js';
import { base58Decode, base64Encode } from '../codec/encoding.js';
import { Devnet } from '../devnet.js';
import { DevnetRpc } from './handle.js';
import { startRpcServer, type RpcServer } from './server.js';

const NEAR = 10n ** 24n;
const TGAS = 10n ** 12n;
const COUNTER = readFileSync(new URL('../wasm/testdata/counter.wasm', import.meta.url));
const JS_CONTRACT = `
export function set({ key, value }) { near.storageWrite(key, value); near.log('set ' + key); }
export function get({ key }) { return near.storageRead(key); }
export function boom() { near.storageWrite('k', 'changed'); near.panic('no way'); }
`;

const preparer = new ModulePreparer();
const engines = { preparer, js: new JsRuntime({ source: nodeQuickJsSource, preparer }) };
const dataDir = mkdtempSync(join(tmpdir(), 'outlayer-devnet-'));

let devnet: Devnet;
let server: RpcServer;
let provider: JsonRpcProvider;
let root: Account;

async function start(): Promise<void> {
  devnet = Devnet.open({ dataDir, blockTimeMs: 0, engines });
  server = await startRpcServer(new DevnetRpc(devnet, { waitTimeoutMs: 5000 }));
  provider = new JsonRpcProvider({ url: server.url }, { retries: 1, wait: 10 });
  const creds = JSON.parse(readFileSync(join(dataDir, 'test.near.json'), 'utf8')) as { account_id: string; private_key: `ed25519:${string}` };
  root = new Account(creds.account_id, provider, creds.private_key);
}

async function stop(): Promise<void> {
  await server.close();
  await devnet.stop();
}

async function rpc(method: string, params: unknown): Promise<{ result?: unknown; error?: { name: string; cause: { name: string; info?: unknown }; data?: unknown } }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return (await res.json()) as never;
}

async function signedBase64(signerId: string, key: KeyPair, nonce: bigint, receiverId: string, acts: Parameters<typeof createTransaction>[4]): Promise<string> {
  const block = devnet.latestBlock();
  const tx = createTransaction(signerId, key.getPublicKey(), receiverId, nonce, acts, base58Decode(block.hash)!);
  const { signedTransaction } = await new KeyPairSigner(key).signTransaction(tx);
  return base64Encode(encodeTransaction(signedTransaction));
}

before(start);
after(async () => {
  await stop();
  engines.js.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('devnet JSON-RPC with near-api-js', () => {
  const aliceKey = KeyPair.fromRandom('ed25519');

  it('reports status, blocks and the gas price', async () => {
    const status = await provider.viewNodeStatus();
    assert.equal(status.chain_id, 'localnet');
    const block = await provider.viewBlock({ finality: 'final' });
    assert.equal(block.header.height, status.sync_info.latest_block_height);
    const byHeight = await provider.viewBlock({ blockId: 0 });
    assert.equal(byHeight.header.height, 0);
    assert.deepEqual((await rpc('gas_price', [null])).result, { gas_price: '100000000' });
  });

  it('creates a sub-account and transfers', async () => {
    await root.createSubAccount({ accountOrPrefix: 'alice', publicKey: aliceKey.getPublicKey(), nearToTransfer: 10n * NEAR });
    const alice = new Account('alice.test.near', provider, new KeyPairSigner(aliceKey));
    assert.equal((await provider.viewAccount({ accountId: 'alice.test.near' })).amount, 10n * NEAR);
    await alice.transfer({ receiverId: 'test.near', amount: NEAR });
    const after = (await provider.viewAccount({ accountId: 'alice.test.near' })).amount;
    assert.ok((await alice.getBalance()) < after, 'the available balance excludes storage');
    assert.ok(after < 9n * NEAR && after > 9n * NEAR - NEAR / 100n, `${after}`);
    const keys = await alice.getAccessKeyList();
    assert.equal(keys.keys.length, 1);
  });

  it('deploys a JS contract, calls it and views it; a panic rolls back', async () => {
    await root.createSubAccount({ accountOrPrefix: 'js', publicKey: aliceKey.getPublicKey(), nearToTransfer: 10n * NEAR });
    const js = new Account('js.test.near', provider, new KeyPairSigner(aliceKey));
    await js.deployContract(new TextEncoder().encode(JS_CONTRACT));
    const out = await root.callFunctionRaw({ contractId: 'js.test.near', methodName: 'set', args: { key: 'k', value: 'v1' }, gas: 30n * TGAS });
    assert.deepEqual(out.receipts_outcome[0]!.outcome.logs, ['set k']);
    assert.equal(await provider.callFunction({ contractId: 'js.test.near', method: 'get', args: { key: 'k' } }), 'v1');
    await assert.rejects(root.callFunction({ contractId: 'js.test.near', methodName: 'boom', args: {}, gas: 30n * TGAS }), /no way/);
    assert.equal(await provider.callFunction({ contractId: 'js.test.near', method: 'get', args: { key: 'k' } }), 'v1');
    const state = await js.getContractState();
    assert.equal(state.values.length, 1);
    const code = await js.getContractCode();
    assert.equal(new TextDecoder().decode(code.code), JS_CONTRACT);
  });

  it('deploys a WASM contract, calls it and views it', async () => {
    await root.signAndSendTransaction({
      receiverId: 'counter.test.near',
      actions: [actions.createAccount(), actions.transfer(5n * NEAR), actions.addFullAccessKey(aliceKey.getPublicKey()), actions.deployContract(COUNTER)],
    });
    assert.equal(await root.callFunction({ contractId: 'counter.test.near', methodName: 'increment', args: new Uint8Array(0), gas: 30n * TGAS }), 1);
    assert.equal(await root.callFunction({ contractId: 'counter.test.near', methodName: 'increment', args: new Uint8Array(0), gas: 30n * TGAS }), 2);
    assert.equal(await provider.callFunction({ contractId: 'counter.test.near', method: 'get', args: new Uint8Array(0) }), 2);
    await assert.rejects(provider.callFunction({ contractId: 'counter.test.near', method: 'nope', args: {} }), /MethodNotFound|method/i);
  });

  it('answers bad input with NEAR-style errors and keeps state unchanged', async () => {
    const height = devnet.latestBlock().height;
    const bad64 = await rpc('send_tx', { signed_tx_base64: '!!!not base64', wait_until: 'FINAL' });
    assert.equal(bad64.error?.name, 'REQUEST_VALIDATION_ERROR');
    assert.equal(bad64.error?.cause.name, 'PARSE_ERROR');
    const badBorsh = await rpc('broadcast_tx_commit', [base64Encode(new Uint8Array([1, 2, 3]))]);
    assert.equal(badBorsh.error?.cause.name, 'PARSE_ERROR');

    const rootKey = KeyPair.fromString(JSON.parse(readFileSync(join(dataDir, 'test.near.json'), 'utf8')).private_key);
    const wrongNonce = await rpc('send_tx', { signed_tx_base64: await signedBase64('test.near', rootKey, 1n, 'test.near', [actions.transfer(1n)]), wait_until: 'FINAL' });
    assert.equal(wrongNonce.error?.cause.name, 'INVALID_TRANSACTION');
    assert.match(JSON.stringify(wrongNonce.error?.data), /InvalidNonce/);

    const other = KeyPair.fromRandom('ed25519');
    const badSig = await rpc('send_tx', { signed_tx_base64: await signedBase64('test.near', other, 10_000n, 'test.near', [actions.transfer(1n)]), wait_until: 'FINAL' });
    assert.match(JSON.stringify(badSig.error?.data), /AccessKeyNotFound/);

    const ghost = await rpc('send_tx', { signed_tx_base64: await signedBase64('ghost.test.near', other, 1n, 'test.near', [actions.transfer(1n)]), wait_until: 'FINAL' });
    assert.match(JSON.stringify(ghost.error?.data), /SignerDoesNotExist/);

    await assert.rejects(provider.viewAccount({ accountId: 'nobody.test.near' }), /does not exist/);
    const unknownTx = await rpc('tx', { tx_hash: '11111111111111111111111111111111', sender_account_id: 'test.near' });
    assert.equal(unknownTx.error?.cause.name, 'UNKNOWN_TRANSACTION');
    const unknownMethod = await rpc('nope', {});
    assert.equal(unknownMethod.error?.cause.name, 'METHOD_NOT_FOUND');
    assert.equal(devnet.latestBlock().height, height, 'no block for refused transactions');
  });

  it('looks transactions up by hash, and by block for watchers', async () => {
    const out = await root.transfer({ receiverId: 'alice.test.near', amount: 1n });
    const hash = out.transaction.hash;
    const tx = await rpc('tx', { tx_hash: hash, sender_account_id: 'test.near', wait_until: 'FINAL' });
    assert.deepEqual((tx.result as { status: unknown }).status, { SuccessValue: '' });
    const status = (await rpc('EXPERIMENTAL_tx_status', { tx_hash: hash, sender_account_id: 'test.near' })).result as { receipts: unknown[] };
    assert.equal(status.receipts.length, 1);
    const height = devnet.latestBlock().height;
    const block = (await rpc('block', { block_id: Number(height) })).result as { chunks: { chunk_hash: string }[] };
    const chunk = (await rpc('chunk', { chunk_id: block.chunks[0]!.chunk_hash })).result as { transactions: { hash: string }[]; receipts: unknown[] };
    assert.equal(chunk.transactions[0]!.hash, hash);
    assert.equal(chunk.receipts.length, 1);
    const outcomes = (await rpc('devnet_block_outcomes', { block_id: Number(height) })).result as { outcomes: unknown[] };
    assert.equal(outcomes.outcomes.length, 2);
    const asyncHash = (await rpc('broadcast_tx_async', [await signedBase64('test.near', KeyPair.fromString(JSON.parse(readFileSync(join(dataDir, 'test.near.json'), 'utf8')).private_key), 1_000_000n, 'alice.test.near', [actions.transfer(2n)])])).result;
    assert.equal(typeof asyncHash, 'string');
  });

  it('runs a cross-contract call with a callback through send_tx', async () => {
    const A = `
export function start({ target }) {
  const p = near.promiseCreate(target, 'set', JSON.stringify({ key: 'from', value: near.currentAccountId() }), 0n, 20000000000000n);
  near.promiseReturn(near.promiseThen(p, near.currentAccountId(), 'cb', '', 0n, 20000000000000n));
}
export function cb() { return 'cb after ' + near.predecessorAccountId(); }`;
    await root.signAndSendTransaction({
      receiverId: 'a.test.near',
      actions: [actions.createAccount(), actions.transfer(5n * NEAR), actions.deployContract(new TextEncoder().encode(A))],
    });
    const result = await root.callFunction({ contractId: 'a.test.near', methodName: 'start', args: { target: 'js.test.near' }, gas: 100n * TGAS });
    assert.equal(result, 'cb after a.test.near');
    assert.equal(await provider.callFunction({ contractId: 'js.test.near', method: 'get', args: { key: 'from' } }), 'a.test.near');
  });

  it('serves concurrent transactions from several accounts', async () => {
    const alice = new Account('alice.test.near', provider, new KeyPairSigner(aliceKey));
    const before = (await provider.viewAccount({ accountId: 'js.test.near' })).amount;
    await Promise.all([
      ...[1, 2, 3].map(() => root.transfer({ receiverId: 'js.test.near', amount: 1n })),
      ...[1, 2, 3].map(() => alice.transfer({ receiverId: 'js.test.near', amount: 1n })),
    ]);
    assert.equal((await provider.viewAccount({ accountId: 'js.test.near' })).amount, before + 6n);
  });

  it('keeps state across a restart', async () => {
    const height = devnet.latestBlock().height;
    await stop();
    await start();
    assert.equal(devnet.latestBlock().height, height);
    assert.equal(await provider.callFunction({ contractId: 'counter.test.near', method: 'get', args: new Uint8Array(0) }), 2);
    assert.equal(await root.callFunction({ contractId: 'counter.test.near', methodName: 'increment', args: new Uint8Array(0), gas: 30n * TGAS }), 3);
    assert.equal(devnet.latestBlock().height, height + 1n);
  });
});
