// The devnet in-process (MemoryStore, instant blocks): transactions signed by near-api-js 7.2.0,
// applied through the runtime, and their outcomes and state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { KeyPair, KeyPairSigner, actions, createTransaction, encodeTransaction } from 'near-api-js';
import { ModulePreparer } from '../sandbox/prepare.js';
import { JsRuntime } from '../js/runtime.js';
import { nodeQuickJsSource } from '../js/node/source.js';
import { base58Decode, base58Encode, base64Decode } from './codec/encoding.js';
import { keyPairToString, publicKeyToString } from './codec/keys.js';
import { decodeSignedTransaction } from './codec/transaction.js';
import { Devnet, ROOT_BALANCE, TRANSACTION_VALIDITY_PERIOD } from './devnet.js';
import type { ExecutionOutcomeWithIdView } from './runtime/types.js';

const preparer = new ModulePreparer();
const engines = { preparer, js: new JsRuntime({ source: nodeQuickJsSource, preparer }) };
after(() => engines.js.dispose());

const TGAS = 10n ** 12n;
const NEAR = 10n ** 24n;
const COUNTER = readFileSync(new URL('./wasm/testdata/counter.wasm', import.meta.url));
const JS_CONTRACT = `
export function set({ key, value }) { near.storageWrite(key, value); near.log('set ' + key); return { ok: true }; }
export function get(args) { return near.storageRead(args.key); }
export function boom() { near.storageWrite('x', 'y'); throw new Error('boom'); }
export function who() { return [near.predecessorAccountId(), near.signerAccountId(), near.currentAccountId()]; }
`;

class Client {
  nonce = 0n;
  readonly signer: KeyPairSigner;
  constructor(
    readonly devnet: Devnet,
    readonly accountId: string,
    readonly key: KeyPair,
  ) {
    this.signer = new KeyPairSigner(key);
  }
  async sign(receiverId: string, acts: Parameters<typeof createTransaction>[4], nonce = ++this.nonce, blockHash = this.devnet.latestBlock().hash) {
    const tx = createTransaction(this.accountId, this.key.getPublicKey(), receiverId, nonce, acts, base58Decode(blockHash) ?? new Uint8Array(32));
    const { signedTransaction } = await this.signer.signTransaction(tx);
    const bytes = encodeTransaction(signedTransaction);
    const decoded = decodeSignedTransaction(bytes);
    assert.ok(decoded.ok);
    return { signed: decoded.value, bytes };
  }
  async send(receiverId: string, acts: Parameters<typeof createTransaction>[4]) {
    const { signed, bytes } = await this.sign(receiverId, acts);
    const r = await this.devnet.submit(signed, bytes);
    if (!r.ok) return { error: r.error, outcomes: [] as ExecutionOutcomeWithIdView[] };
    const outcomes = this.devnet.store.outcomesOfTransaction(signed.hash).map((o) => o.body as ExecutionOutcomeWithIdView);
    return { error: null, outcomes };
  }
}

function rootClient(devnet: Devnet): Client {
  return new Client(devnet, 'test.near', KeyPair.fromString(keyPairToString(devnet.rootKey) as `ed25519:${string}`));
}

const last = (o: ExecutionOutcomeWithIdView[]) => o[o.length - 1]!.outcome.status;
const successText = (o: ExecutionOutcomeWithIdView[]) => {
  const s = last(o);
  assert.ok('SuccessValue' in s, JSON.stringify(s));
  const b = base64Decode(s.SuccessValue);
  assert.ok(b.ok);
  return new TextDecoder().decode(b.value);
};

describe('devnet runtime (in-process)', () => {
  it('creates an account, transfers, and charges gas', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    const alice = KeyPair.fromRandom('ed25519');
    const r = await root.send('alice.test.near', [actions.createAccount(), actions.transfer(5n * NEAR), actions.addFullAccessKey(alice.getPublicKey())]);
    assert.equal(r.error, null);
    assert.equal(r.outcomes.length, 2);
    assert.deepEqual(last(r.outcomes), { SuccessValue: '' });
    assert.equal(devnet.store.getAccount('alice.test.near')!.amount, 5n * NEAR);
    const rootAfter = devnet.store.getAccount('test.near')!.amount;
    assert.ok(rootAfter < ROOT_BALANCE - 5n * NEAR, 'fees were paid');
    assert.ok(rootAfter > ROOT_BALANCE - 6n * NEAR);
    assert.equal(devnet.latestBlock().height, 1n);
  });

  it('refuses a bad nonce, a bad signature and an unknown signer without changing state', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    assert.equal((await root.send('test.near', [actions.transfer(1n)])).error, null);
    const { signed, bytes } = await root.sign('test.near', [actions.transfer(2n)], 1n);
    const r = await devnet.submit(signed, bytes);
    assert.deepEqual(r, { ok: false, error: { InvalidNonce: { tx_nonce: 1, ak_nonce: 1 } } });
    const good = await root.sign('test.near', [actions.transfer(1n)], 5n);
    const tampered = new Uint8Array(good.bytes);
    tampered[tampered.length - 1]! ^= 1;
    const bad = decodeSignedTransaction(tampered);
    assert.ok(bad.ok);
    assert.deepEqual(await devnet.submit(bad.value, tampered), { ok: false, error: 'InvalidSignature' });
    const ghost = new Client(devnet, 'ghost.test.near', KeyPair.fromRandom('ed25519'));
    assert.deepEqual((await ghost.send('test.near', [actions.transfer(1n)])).error, { SignerDoesNotExist: { signer_id: 'ghost.test.near' } });
    assert.equal(devnet.latestBlock().height, 1n);
  });

  it('refuses a transaction whose block_hash is unknown or more than 100 blocks old (Expired)', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    assert.equal(devnet.transactionValidityPeriod, BigInt(TRANSACTION_VALIDITY_PERIOD));
    const root = rootClient(devnet);
    const genesis = devnet.latestBlock().hash;
    const unknown = await root.sign('test.near', [actions.transfer(1n)], 1n, base58Encode(new Uint8Array(32).fill(7)));
    assert.deepEqual(await devnet.submit(unknown.signed, unknown.bytes), { ok: false, error: 'Expired' });
    while (devnet.latestBlock().height < 100n) await devnet.produceBlock();
    // On top of block 100: genesis + 100, still valid.
    const edge = await root.sign('test.near', [actions.transfer(1n)], 1n, genesis);
    assert.ok((await devnet.submit(edge.signed, edge.bytes)).ok);
    assert.equal(devnet.latestBlock().height, 101n);
    const old = await root.sign('test.near', [actions.transfer(1n)], 2n, genesis);
    assert.deepEqual(await devnet.submit(old.signed, old.bytes), { ok: false, error: 'Expired' });
    assert.equal(devnet.store.getAccessKey('test.near', publicKeyToString(devnet.rootKey.publicKey))!.nonce, 1n);
  });

  it('a transfer to a missing 64-hex implicit account creates it with its own full-access key', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    const pair = KeyPair.fromRandom('ed25519');
    const implicitId = Buffer.from(pair.getPublicKey().data).toString('hex');
    // Not with another action, and not below the storage stake.
    const two = await root.send(implicitId, [actions.transfer(NEAR), actions.transfer(NEAR)]);
    assert.deepEqual(last(two.outcomes), { Failure: { ActionError: { index: 0, kind: { AccountDoesNotExist: { account_id: implicitId } } } } });
    const tiny = await root.send(implicitId, [actions.transfer(1n)]);
    assert.ok('Failure' in last(tiny.outcomes), JSON.stringify(last(tiny.outcomes)));
    assert.equal(devnet.store.getAccount(implicitId), null);
    const r = await root.send(implicitId, [actions.transfer(2n * NEAR)]);
    assert.deepEqual(last(r.outcomes), { SuccessValue: '' });
    const height = devnet.latestBlock().height;
    assert.deepEqual(devnet.store.getAccount(implicitId), { amount: 2n * NEAR, locked: 0n, codeHash: devnet.store.getAccount('test.near')!.codeHash, storageUsage: 182n });
    const key = devnet.store.getAccessKey(implicitId, pair.getPublicKey().toString());
    assert.deepEqual(key, { nonce: (height - 1n) * 1_000_000n, permission: { kind: 'FullAccess' } });
    // The key holder can use the account.
    const owner = new Client(devnet, implicitId, pair);
    owner.nonce = key!.nonce;
    const back = await owner.send('test.near', [actions.transfer(NEAR)]);
    assert.equal(back.error, null);
    assert.deepEqual(last(back.outcomes), { SuccessValue: '' });
    assert.ok(devnet.store.getAccount(implicitId)!.amount < NEAR);
  });

  it('only a parent creates sub-accounts; a failed receipt rolls back', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    const before = devnet.store.getAccount('test.near')!.amount;
    const r = await root.send('bob.other.near', [actions.createAccount(), actions.transfer(NEAR)]);
    assert.deepEqual(last(r.outcomes), {
      Failure: { ActionError: { index: 0, kind: { CreateAccountNotAllowed: { account_id: 'bob.other.near', predecessor_id: 'test.near' } } } },
    });
    assert.equal(devnet.store.getAccount('bob.other.near'), null);
    const after = devnet.store.getAccount('test.near')!.amount;
    assert.ok(before - after < NEAR / 1000n, 'the deposit came back');
  });

  it('deploys and calls a JS contract; a throwing call rolls back its writes', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    await root.send('js.test.near', [actions.createAccount(), actions.transfer(10n * NEAR), actions.deployContract(new TextEncoder().encode(JS_CONTRACT))]);
    const set = await root.send('js.test.near', [actions.functionCall('set', { key: 'a', value: 'b' }, 30n * TGAS, 0n)]);
    assert.equal(successText(set.outcomes), '{"ok":true}');
    assert.deepEqual(set.outcomes[1]!.outcome.logs, ['set a']);
    assert.ok(set.outcomes[1]!.outcome.gas_burnt > 2e12);
    const who = await root.send('js.test.near', [actions.functionCall('who', new Uint8Array(0), 30n * TGAS, 0n)]);
    assert.equal(successText(who.outcomes), '["test.near","test.near","js.test.near"]');
    const boom = await root.send('js.test.near', [actions.functionCall('boom', {}, 30n * TGAS, 0n)]);
    const s = last(boom.outcomes);
    assert.ok('Failure' in s);
    assert.match(JSON.stringify(s), /Smart contract panicked: .*boom/);
    assert.equal(devnet.store.getData('js.test.near', new TextEncoder().encode('x')), null);
    assert.deepEqual(devnet.store.getData('js.test.near', new TextEncoder().encode('a')), new TextEncoder().encode('b'));
  });

  it('deploys and calls a WASM contract', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    await root.send('counter.test.near', [actions.createAccount(), actions.transfer(10n * NEAR), actions.deployContract(COUNTER)]);
    await root.send('counter.test.near', [actions.functionCall('increment', new Uint8Array(0), 30n * TGAS, 0n)]);
    const r = await root.send('counter.test.near', [actions.functionCall('increment', new Uint8Array(0), 30n * TGAS, 0n)]);
    assert.equal(successText(r.outcomes), '2');
    assert.deepEqual(r.outcomes[1]!.outcome.logs, ['incremented']);
    const missing = await root.send('counter.test.near', [actions.functionCall('nope', new Uint8Array(0), 30n * TGAS, 0n)]);
    assert.deepEqual(last(missing.outcomes), { Failure: { ActionError: { index: 0, kind: { FunctionCallError: { MethodResolveError: 'MethodNotFound' } } } } });
  });

  it('charges storage staking: an account must hold its storage worth', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    const poor = await root.send('poor.test.near', [actions.createAccount(), actions.addFullAccessKey(KeyPair.fromRandom('ed25519').getPublicKey())]);
    assert.match(JSON.stringify(last(poor.outcomes)), /LackBalanceForState/);
    assert.equal(devnet.store.getAccount('poor.test.near'), null);
    const ok = await root.send('rich.test.near', [actions.createAccount(), actions.transfer(NEAR / 100n), actions.addFullAccessKey(KeyPair.fromRandom('ed25519').getPublicKey())]);
    assert.deepEqual(last(ok.outcomes), { SuccessValue: '' });
  });

  it('enforces function-call access keys: receiver, methods, no deposit, allowance', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    await root.send('js.test.near', [actions.createAccount(), actions.transfer(10n * NEAR), actions.deployContract(new TextEncoder().encode(JS_CONTRACT))]);
    const limited = KeyPair.fromRandom('ed25519');
    await root.send('test.near', [actions.addFunctionCallAccessKey(limited.getPublicKey(), 'js.test.near', ['set'], NEAR)]);
    const client = new Client(devnet, 'test.near', limited);
    const ok = await client.send('js.test.near', [actions.functionCall('set', { key: 'a', value: 'b' }, 30n * TGAS, 0n)]);
    assert.equal(successText(ok.outcomes), '{"ok":true}');
    const key = devnet.store.getAccessKey('test.near', limited.getPublicKey().toString())!;
    assert.equal(key.nonce, 1n);
    assert.ok(key.permission.kind === 'FunctionCall' && key.permission.allowance! < NEAR, 'the allowance pays for gas');
    assert.deepEqual((await client.send('js.test.near', [actions.functionCall('who', {}, 30n * TGAS, 0n)])).error, { InvalidAccessKeyError: { MethodNameMismatch: { method_name: 'who' } } });
    assert.deepEqual((await client.send('js.test.near', [actions.functionCall('set', {}, 30n * TGAS, 1n)])).error, { InvalidAccessKeyError: 'DepositWithFunctionCall' });
    assert.deepEqual((await client.send('test.near', [actions.functionCall('set', {}, 30n * TGAS, 0n)])).error, {
      InvalidAccessKeyError: { ReceiverMismatch: { tx_receiver: 'test.near', ak_receiver: 'js.test.near' } },
    });
    assert.deepEqual((await client.send('js.test.near', [actions.transfer(1n)])).error, { InvalidAccessKeyError: 'RequiresFullAccess' });
  });

  it('in instant mode, transactions that arrive in the same tick share one block, with no empty blocks behind it', async () => {
    using devnet = Devnet.open({ blockTimeMs: 0, engines });
    const root = rootClient(devnet);
    const keys = [KeyPair.fromRandom('ed25519'), KeyPair.fromRandom('ed25519'), KeyPair.fromRandom('ed25519')];
    for (const [i, k] of keys.entries()) assert.equal((await root.send(`i${i}.test.near`, [actions.createAccount(), actions.transfer(NEAR), actions.addFullAccessKey(k.getPublicKey())])).error, null);
    const clients = keys.map((k, i) => new Client(devnet, `i${i}.test.near`, k));
    const transfers = await Promise.all(clients.map((c) => c.sign('test.near', [actions.transfer(NEAR / 10n)])));
    const before = devnet.latestBlock().height;
    const sent = await Promise.all(transfers.map((t) => devnet.submit(t.signed, t.bytes)));
    assert.ok(sent.every((r) => r.ok));
    const heights = new Set(transfers.map((t) => devnet.store.getTransaction(t.signed.hash)!.blockHeight));
    assert.deepEqual([...heights], [before + 1n], 'one block for the three');
    assert.equal(devnet.latestBlock().height, before + 1n, 'and no empty block after it');
    await devnet.stop();
  });

  it('in instant mode under load, a transaction arriving just after a block waits instantBatchMs and shares the next block', async () => {
    assert.throws(() => Devnet.open({ blockTimeMs: 0, engines, instantBatchMs: -1 }), /instantBatchMs/);
    using devnet = Devnet.open({ blockTimeMs: 0, engines, instantBatchMs: 300 });
    const root = rootClient(devnet);
    const keys = [KeyPair.fromRandom('ed25519'), KeyPair.fromRandom('ed25519')];
    for (const [i, k] of keys.entries()) assert.equal((await root.send(`j${i}.test.near`, [actions.createAccount(), actions.transfer(NEAR), actions.addFullAccessKey(k.getPublicKey())])).error, null);
    const [a, b] = await Promise.all(keys.map((k, i) => new Client(devnet, `j${i}.test.near`, k).sign('test.near', [actions.transfer(NEAR / 10n)])));
    // The last block just ended: the first transaction waits the window, the second joins it 10 ms later.
    const first = devnet.submit(a!.signed, a!.bytes);
    await new Promise((r) => setTimeout(r, 10));
    const second = devnet.submit(b!.signed, b!.bytes);
    assert.ok((await first).ok && (await second).ok);
    assert.equal(devnet.store.getTransaction(a!.signed.hash)!.blockHeight, devnet.store.getTransaction(b!.signed.hash)!.blockHeight);
    // Idle again (the window has passed): the next block comes in the same tick, not after 300 ms.
    await new Promise((r) => setTimeout(r, 310));
    const t0 = performance.now();
    assert.equal((await root.send('j0.test.near', [actions.transfer(1n)])).error, null);
    assert.ok(performance.now() - t0 < 250, 'an idle devnet does not wait the window');
    await devnet.stop();
  });

  it('in interval mode, transactions wait for the next block; several signers share a block', async () => {
    using devnet = Devnet.open({ blockTimeMs: 30, engines });
    const root = rootClient(devnet);
    const keys = [KeyPair.fromRandom('ed25519'), KeyPair.fromRandom('ed25519'), KeyPair.fromRandom('ed25519')];
    const create = await root.sign('test.near', [actions.transfer(1n)]);
    const sent: Array<{ signed: Awaited<ReturnType<Client['sign']>>['signed'] }> = [];
    const txs = [create];
    for (const [i, k] of keys.entries()) txs.push(await root.sign(`u${i}.test.near`, [actions.createAccount(), actions.transfer(NEAR), actions.addFullAccessKey(k.getPublicKey())]));
    for (const t of txs) {
      assert.ok((await devnet.submit(t.signed, t.bytes)).ok);
      sent.push(t);
    }
    assert.equal(devnet.store.getAccount('u0.test.near'), null, 'not before the block');
    const included = await Promise.all(sent.map((t) => devnet.waitFor(t.signed.hash, 5000)));
    assert.ok(included.every((r) => r?.ok));
    const clients = keys.map((k, i) => new Client(devnet, `u${i}.test.near`, k));
    const transfers = await Promise.all(clients.map((c) => c.sign('test.near', [actions.transfer(NEAR / 10n)])));
    for (const t of transfers) assert.ok((await devnet.submit(t.signed, t.bytes)).ok);
    const done = await Promise.all(transfers.map((t) => devnet.waitFor(t.signed.hash, 5000)));
    assert.ok(done.every((r) => r?.ok));
    const heights = new Set(transfers.map((t) => devnet.store.getTransaction(t.signed.hash)!.blockHeight));
    assert.equal(heights.size, 1, 'submitted together, included in one block');
    for (let i = 0; i < 3; i++) assert.ok(devnet.store.getAccount(`u${i}.test.near`)!.amount < NEAR - NEAR / 10n);
    await devnet.stop();
  });
});
