// Promises on the devnet (in-process, instant blocks): cross-contract calls run in later blocks,
// callbacks get the promise results and the predecessor, and yield/resume with its timeout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { KeyPair, KeyPairSigner, actions, createTransaction, encodeTransaction } from 'near-api-js';
import { nodeQuickJsSource } from '../js/node/source.js';
import { JsRuntime } from '../js/runtime.js';
import { ModulePreparer } from '../sandbox/prepare.js';
import { wat } from '../testing/wat.js';
import { base58Decode, base64Decode } from './codec/encoding.js';
import { keyPairToString } from './codec/keys.js';
import { decodeSignedTransaction } from './codec/transaction.js';
import { Devnet } from './devnet.js';
import { YIELD_TIMEOUT_BLOCKS, type PostponedPayload } from './runtime/promises.js';
import type { ExecutionOutcomeWithIdView } from './runtime/types.js';
import { ENV_SIGNATURES, type EnvFunctionName } from './wasm/abi.js';

const preparer = new ModulePreparer();
const engines = { preparer, js: new JsRuntime({ source: nodeQuickJsSource, preparer }) };
after(() => engines.js.dispose());

const TGAS = 10n ** 12n;
const NEAR = 10n ** 24n;
const utf8 = (s: string) => new TextEncoder().encode(s);
const COUNTER = readFileSync(new URL('./wasm/testdata/counter.wasm', import.meta.url));

function nearWat(imports: EnvFunctionName[], body: string): string {
  const decl = imports.map((name) => {
    const { params, results } = ENV_SIGNATURES[name];
    return `(import "env" "${name}" (func $${name} (param ${params.join(' ')}) (result ${results.join(' ')})))`;
  });
  return `(module\n${decl.join('\n')}\n${body}\n)`;
}

// Calls counter.test.near's increment, then its own on_done with the result.
const CALLER = nearWat(
  ['promise_create', 'promise_then', 'promise_return', 'promise_result', 'value_return', 'predecessor_account_id', 'storage_write'],
  `(memory 1)
   (data (i32.const 0) "counter.test.near")
   (data (i32.const 32) "increment")
   (data (i32.const 48) "caller.test.near")
   (data (i32.const 80) "on_done")
   (data (i32.const 96) "pred")
   (data (i32.const 128) "failed")
   (func (export "start")
     (call $promise_return
       (call $promise_then
         (call $promise_create (i64.const 17) (i64.const 0) (i64.const 9) (i64.const 32) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 10000000000000))
         (i64.const 16) (i64.const 48) (i64.const 7) (i64.const 80) (i64.const 0) (i64.const 0) (i64.const 112) (i64.const 10000000000000))))
   (func (export "on_done")
     (call $predecessor_account_id (i64.const 4))
     (drop (call $storage_write (i64.const 4) (i64.const 96) (i64.const -1) (i64.const 4) (i64.const 5)))
     (if (i64.eq (call $promise_result (i64.const 0) (i64.const 3)) (i64.const 1))
       (then (call $value_return (i64.const -1) (i64.const 3)))
       (else (call $value_return (i64.const 6) (i64.const 128)))))`,
);

const YIELDER = nearWat(
  ['promise_yield_create', 'promise_yield_resume', 'promise_result', 'value_return', 'input', 'storage_write'],
  `(memory 1)
   (data (i32.const 0) "on_resume")
   (data (i32.const 16) "{}")
   (data (i32.const 32) "hi")
   (data (i32.const 48) "got")
   (data (i32.const 64) "failed")
   (func (export "yield")
     (drop (call $promise_yield_create (i64.const 9) (i64.const 0) (i64.const 2) (i64.const 16) (i64.const 5000000000000) (i64.const 0) (i64.const 1)))
     (call $value_return (i64.const -1) (i64.const 1)))
   (func (export "resume")
     (call $input (i64.const 0))
     (i64.store (i32.const 300) (i64.extend_i32_u (call $promise_yield_resume (i64.const -1) (i64.const 0) (i64.const 2) (i64.const 32))))
     (call $value_return (i64.const 1) (i64.const 300)))
   (func (export "on_resume")
     (if (i64.eq (call $promise_result (i64.const 0) (i64.const 3)) (i64.const 1))
       (then
         (drop (call $storage_write (i64.const 3) (i64.const 48) (i64.const -1) (i64.const 3) (i64.const 5)))
         (call $value_return (i64.const -1) (i64.const 3)))
       (else
         (drop (call $storage_write (i64.const 3) (i64.const 48) (i64.const 6) (i64.const 64) (i64.const 5)))
         (call $value_return (i64.const 6) (i64.const 64)))))`,
);

const JS_A = `
export function start({ target }) {
  const p = near.promiseCreate(target, 'set', JSON.stringify({ key: 'x', value: 'from-a' }), 0n, 20000000000000n);
  const t = near.promiseThen(p, near.currentAccountId(), 'cb', '', 0n, 20000000000000n);
  near.promiseReturn(t);
}
export function cb() {
  near.storageWrite('cb', near.predecessorAccountId());
  return ['cb done', near.promiseResultsCount(), near.promiseResult(0)];
}
`;
const JS_B = `
export function set({ key, value }) { near.storageWrite(key, value + ' via ' + near.predecessorAccountId()); return 'stored'; }
export function fail() { throw new Error('nope'); }`;

// A JS contract that yields in `request` until `respond` resumes it (near.promiseYieldCreate/Resume).
const JS_YIELDER = `
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));
export function request({ q, weight }) {
  const y = near.promiseYieldCreate('on_response', JSON.stringify({ q }), 20000000000000n, weight ?? 0);
  near.storageWrite('pending', hex(y.dataId));
  near.storageWrite('index', String(y.promiseIndex));
  near.promiseReturn(y.promiseIndex);
}
export function respond({ dataId, answer }) {
  return near.promiseYieldResume(unhex(dataId), JSON.stringify({ answer }));
}
export function on_response({ q }) {
  const r = near.promiseResult(0);
  near.storageWrite('got', r === null ? 'timeout' : r);
  return { q, r: r === null ? null : JSON.parse(r), count: near.promiseResultsCount(), pred: near.predecessorAccountId() };
}`;

// A JS batch: a transfer + function call receipt, a plain transfer, joined, then a callback.
const JS_BATCH = `
export function pay({ to, target }) {
  const c = near.promiseBatchCreate(target);
  near.promiseBatchActionTransfer(c, 5n);
  near.promiseBatchActionFunctionCall(c, 'set', JSON.stringify({ key: 'k', value: 'v' }), 0n, 20000000000000n);
  const b = near.promiseBatchCreate(to);
  near.promiseBatchActionTransfer(b, 10n ** 24n);
  const j = near.promiseAnd(c, b);
  let refused = '';
  try { near.promiseBatchActionTransfer(j, 1n); } catch (e) { refused = e.message; }
  near.storageWrite('refused', refused);
  const t = near.promiseBatchThen(j, near.currentAccountId());
  near.promiseBatchActionFunctionCall(t, 'cb', '', 0n, 20000000000000n);
  near.promiseReturn(t);
}
export function cb() {
  return [near.promiseResultsCount(), near.promiseResult(0), near.promiseResult(1), String(near.predecessorAccountId())];
}`;

const JS_CHILD = `export function hello({ who }) { near.storageWrite('greeted', who); return 'hi ' + who + ' from ' + near.currentAccountId(); }`;
const JS_FACTORY = `
export function make({ name, code, key, limitedKey }) {
  const id = name + '.' + near.currentAccountId();
  const p = near.promiseBatchCreate(id);
  near.promiseBatchActionCreateAccount(p);
  near.promiseBatchActionTransfer(p, 3n * 10n ** 24n);
  near.promiseBatchActionDeployContract(p, code);
  near.promiseBatchActionAddKeyWithFullAccess(p, key, 0n);
  near.promiseBatchActionAddKeyWithFunctionCall(p, limitedKey, 0n, 10n ** 24n, id, ['hello']);
  near.promiseBatchActionFunctionCall(p, 'hello', JSON.stringify({ who: 'factory' }), 0n, 30000000000000n);
  near.promiseReturn(p);
}
export function temp({ key }) {
  const p = near.promiseBatchCreate('tmp.' + near.currentAccountId());
  near.promiseBatchActionCreateAccount(p);
  near.promiseBatchActionTransfer(p, 10n ** 24n);
  near.promiseBatchActionAddKeyWithFunctionCall(p, key, 5n, 0n, 'x.test.near', '');
  near.promiseBatchActionDeleteKey(p, key);
  near.promiseBatchActionDeleteAccount(p, near.currentAccountId());
}
export function badKey() {
  const p = near.promiseBatchCreate('bad.' + near.currentAccountId());
  let refused = '';
  try { near.promiseBatchActionAddKeyWithFullAccess(p, 'not-a-key', 0n); } catch (e) { refused = e.message; }
  near.storageWrite('refused', refused);
  near.promiseBatchActionCreateAccount(p);
  near.promiseBatchActionAddKeyWithFullAccess(p, 'ed25519:1111111111111111111111111111111111', 0n);
}`;

async function setup() {
  const devnet = Devnet.open({ blockTimeMs: 0, engines });
  const key = KeyPair.fromString(keyPairToString(devnet.rootKey) as `ed25519:${string}`);
  const signer = new KeyPairSigner(key);
  let nonce = 0n;
  const send = async (receiverId: string, acts: Parameters<typeof createTransaction>[4]) => {
    const tx = createTransaction('test.near', key.getPublicKey(), receiverId, ++nonce, acts, base58Decode(devnet.latestBlock().hash)!);
    const { signedTransaction } = await signer.signTransaction(tx);
    const bytes = encodeTransaction(signedTransaction);
    const decoded = decodeSignedTransaction(bytes);
    assert.ok(decoded.ok);
    const r = await devnet.submit(decoded.value, bytes);
    assert.ok(r.ok, JSON.stringify(r));
    const outcomes = devnet.store.outcomesOfTransaction(decoded.value.hash).map((o) => o.body as ExecutionOutcomeWithIdView);
    return { hash: decoded.value.hash, outcomes };
  };
  const deploy = (id: string, code: Uint8Array) => send(id, [actions.createAccount(), actions.transfer(10n * NEAR), actions.deployContract(code)]);
  return { devnet, send, deploy };
}

const valueOf = (o: ExecutionOutcomeWithIdView): string => {
  const s = o.outcome.status;
  assert.ok('SuccessValue' in s, JSON.stringify(s));
  const b = base64Decode(s.SuccessValue);
  assert.ok(b.ok);
  return new TextDecoder().decode(b.value);
};
const data = (devnet: Devnet, id: string, key: string) => {
  const v = devnet.store.getData(id, utf8(key));
  return v ? new TextDecoder().decode(v) : null;
};

describe('devnet promises', () => {
  it('a WASM cross-contract call runs in later blocks and its callback gets the result', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('counter.test.near', COUNTER);
    await deploy('caller.test.near', await wat(CALLER));
    const start = devnet.latestBlock().height;
    const r = await send('caller.test.near', [actions.functionCall('start', new Uint8Array(0), 100n * TGAS, 0n)]);
    assert.equal(r.outcomes.length, 4, 'tx, start, increment, on_done');
    const [, startOutcome, inc, done] = r.outcomes as [ExecutionOutcomeWithIdView, ExecutionOutcomeWithIdView, ExecutionOutcomeWithIdView, ExecutionOutcomeWithIdView];
    assert.deepEqual(startOutcome.outcome.receipt_ids.length, 2);
    assert.deepEqual(startOutcome.outcome.status, { SuccessReceiptId: done.id });
    assert.equal(valueOf(inc), '1');
    assert.equal(valueOf(done), '1', 'the callback returns the promise result');
    assert.equal(data(devnet, 'caller.test.near', 'pred'), 'caller.test.near', 'the predecessor of a callback is the caller');
    const heights = r.outcomes.map((o) => devnet.store.getOutcome(o.id)!.blockHeight - start);
    assert.deepEqual(heights, [1n, 1n, 2n, 3n]);
    assert.equal(devnet.isSettled(r.hash), true);
  });

  it('a JS contract calls another with promiseCreate/promiseThen/promiseReturn', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('a.test.near', utf8(JS_A));
    await deploy('b.test.near', utf8(JS_B));
    const r = await send('a.test.near', [actions.functionCall('start', { target: 'b.test.near' }, 100n * TGAS, 0n)]);
    assert.equal(r.outcomes.length, 4);
    assert.equal(valueOf(r.outcomes[3]!), '["cb done",1,"\\"stored\\""]', 'the callback reads the promise result');
    assert.equal(data(devnet, 'b.test.near', 'x'), 'from-a via a.test.near');
    assert.equal(data(devnet, 'a.test.near', 'cb'), 'a.test.near');
  });

  it('a JS callback of a failed call reads null', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('a.test.near', utf8(JS_A.replace("'set'", "'fail'")));
    await deploy('b.test.near', utf8(JS_B));
    const r = await send('a.test.near', [actions.functionCall('start', { target: 'b.test.near' }, 100n * TGAS, 0n)]);
    assert.ok('Failure' in r.outcomes[2]!.outcome.status);
    assert.equal(valueOf(r.outcomes[3]!), '["cb done",1,null]');
  });

  it('a callback of a failed call gets a failed result', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('counter.test.near', utf8('export function other() {}')); // no `increment`
    await deploy('caller.test.near', await wat(CALLER));
    const r = await send('caller.test.near', [actions.functionCall('start', new Uint8Array(0), 100n * TGAS, 0n)]);
    assert.ok('Failure' in r.outcomes[2]!.outcome.status);
    assert.equal(valueOf(r.outcomes[3]!), 'failed');
  });

  it('promise_yield_resume delivers the payload to the yield callback', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('yield.test.near', await wat(YIELDER));
    const y = await send('yield.test.near', [actions.functionCall('yield', new Uint8Array(0), 100n * TGAS, 0n)]);
    const dataId = base64Decode((y.outcomes[1]!.outcome.status as { SuccessValue: string }).SuccessValue);
    assert.ok(dataId.ok && dataId.value.length === 32);
    assert.equal(devnet.isSettled(y.hash), false, 'the callback waits for the resume');
    const resume = await send('yield.test.near', [actions.functionCall('resume', dataId.value, 100n * TGAS, 0n)]);
    assert.equal(valueOf(resume.outcomes[1]!), '\u0001');
    assert.equal(data(devnet, 'yield.test.near', 'got'), 'hi');
    assert.equal(devnet.isSettled(y.hash), true);
    const final = devnet.store.outcomesOfTransaction(y.hash).map((o) => o.body as ExecutionOutcomeWithIdView);
    assert.equal(valueOf(final[final.length - 1]!), 'hi');
    const again = await send('yield.test.near', [actions.functionCall('resume', dataId.value, 100n * TGAS, 0n)]);
    assert.equal(valueOf(again.outcomes[1]!), '\u0000', 'a yield resumes once');
  });

  it(`a yield that is not resumed times out after ${YIELD_TIMEOUT_BLOCKS} blocks with a failed result`, async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('yield.test.near', await wat(YIELDER));
    const y = await send('yield.test.near', [actions.functionCall('yield', new Uint8Array(0), 100n * TGAS, 0n)]);
    const created = devnet.latestBlock().height;
    for (let i = 1n; i < YIELD_TIMEOUT_BLOCKS; i++) await devnet.produceBlock();
    assert.equal(data(devnet, 'yield.test.near', 'got'), null);
    await devnet.produceBlock();
    assert.equal(devnet.latestBlock().height, created + YIELD_TIMEOUT_BLOCKS);
    assert.equal(data(devnet, 'yield.test.near', 'got'), 'failed');
    assert.equal(devnet.isSettled(y.hash), true);
  });

  it('a JS contract yields in request and its callback gets the payload promiseYieldResume gives', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('y.test.near', utf8(JS_YIELDER));
    const y = await send('y.test.near', [actions.functionCall('request', { q: '2+2' }, 100n * TGAS, 0n)]);
    assert.equal(y.outcomes.length, 2, 'tx and request; the callback waits');
    assert.equal(devnet.isSettled(y.hash), false);
    const dataId = data(devnet, 'y.test.near', 'pending')!;
    assert.match(dataId, /^[0-9a-f]{64}$/);
    assert.equal(data(devnet, 'y.test.near', 'index'), '0');
    const resume = await send('y.test.near', [actions.functionCall('respond', { dataId, answer: 4 }, 100n * TGAS, 0n)]);
    assert.equal(valueOf(resume.outcomes[1]!), 'true');
    assert.equal(devnet.isSettled(y.hash), true);
    assert.equal(data(devnet, 'y.test.near', 'got'), '{"answer":4}');
    const final = devnet.store.outcomesOfTransaction(y.hash).map((o) => o.body as ExecutionOutcomeWithIdView);
    assert.deepEqual(final[1]!.outcome.status, { SuccessReceiptId: final[2]!.id }, 'request returned the yield promise');
    assert.deepEqual(JSON.parse(valueOf(final[final.length - 1]!)), { q: '2+2', r: { answer: 4 }, count: 1, pred: 'y.test.near' });
    const again = await send('y.test.near', [actions.functionCall('respond', { dataId, answer: 5 }, 100n * TGAS, 0n)]);
    assert.equal(valueOf(again.outcomes[1]!), 'false', 'a yield resumes once');
    const unknown = await send('y.test.near', [actions.functionCall('respond', { dataId: '00'.repeat(32), answer: 5 }, 100n * TGAS, 0n)]);
    assert.equal(valueOf(unknown.outcomes[1]!), 'false', 'no such yield');
  });

  it('a JS yield from another account cannot be resumed, and times out with a failed result', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('y.test.near', utf8(JS_YIELDER));
    await deploy('other.test.near', utf8(JS_YIELDER));
    const y = await send('y.test.near', [actions.functionCall('request', { q: 'late', weight: 1 }, 100n * TGAS, 0n)]);
    const created = devnet.latestBlock().height;
    const waiting = devnet.store.listPostponed().map((p) => (p.payload as PostponedPayload).receipt.actions[0]);
    assert.equal(waiting.length, 1);
    const gas = waiting[0]!.type === 'FunctionCall' ? waiting[0]!.gas : 0n;
    assert.ok(gas > 20n * TGAS && gas < 100n * TGAS, `the weighted callback gets the unused gas (${gas})`);
    const dataId = data(devnet, 'y.test.near', 'pending')!;
    const foreign = await send('other.test.near', [actions.functionCall('respond', { dataId, answer: 1 }, 100n * TGAS, 0n)]);
    assert.equal(valueOf(foreign.outcomes[1]!), 'false', 'only the yielding account resumes');
    while (devnet.latestBlock().height < created + YIELD_TIMEOUT_BLOCKS - 1n) await devnet.produceBlock();
    assert.equal(data(devnet, 'y.test.near', 'got'), null);
    await devnet.produceBlock();
    assert.equal(data(devnet, 'y.test.near', 'got'), 'timeout');
    assert.equal(devnet.isSettled(y.hash), true);
    const final = devnet.store.outcomesOfTransaction(y.hash).map((o) => o.body as ExecutionOutcomeWithIdView);
    assert.deepEqual(JSON.parse(valueOf(final[final.length - 1]!)), { q: 'late', r: null, count: 1, pred: 'y.test.near' });
    const late = await send('y.test.near', [actions.functionCall('respond', { dataId, answer: 1 }, 100n * TGAS, 0n)]);
    assert.equal(valueOf(late.outcomes[1]!), 'false', 'a timed-out yield cannot be resumed');
  });

  it('a JS batch: transfer + function call, a transfer, promiseAnd and a callback', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('a.test.near', utf8(JS_BATCH));
    await deploy('b.test.near', utf8(JS_B));
    await send('c.test.near', [actions.createAccount(), actions.transfer(NEAR)]);
    const before = { a: devnet.store.getAccount('a.test.near')!.amount, b: devnet.store.getAccount('b.test.near')!.amount, c: devnet.store.getAccount('c.test.near')!.amount };
    const r = await send('a.test.near', [actions.functionCall('pay', { to: 'c.test.near', target: 'b.test.near' }, 100n * TGAS, 0n)]);
    assert.equal(r.outcomes.length, 5, 'tx, pay, the two batches, cb');
    assert.deepEqual(JSON.parse(valueOf(r.outcomes[4]!)), [2, '"stored"', '', 'a.test.near']);
    assert.equal(data(devnet, 'b.test.near', 'k'), 'v via a.test.near');
    assert.match(data(devnet, 'a.test.near', 'refused')!, /joint promise/);
    assert.equal(devnet.store.getAccount('c.test.near')!.amount - before.c, NEAR);
    assert.ok(devnet.store.getAccount('b.test.near')!.amount >= before.b + 5n);
    assert.ok(before.a - devnet.store.getAccount('a.test.near')!.amount >= NEAR + 5n);
  });

  it('a JS factory creates a sub-account, deploys a JS contract, adds keys, and the new contract is callable', async () => {
    const { devnet, send, deploy } = await setup();
    using _ = devnet;
    await deploy('factory.test.near', utf8(JS_FACTORY));
    const full = KeyPair.fromRandom('ed25519').getPublicKey().toString();
    const limited = KeyPair.fromRandom('ed25519').getPublicKey().toString();
    const r = await send('factory.test.near', [actions.functionCall('make', { name: 'kid', code: JS_CHILD, key: full, limitedKey: limited }, 200n * TGAS, 0n)]);
    assert.equal(r.outcomes.length, 3, 'tx, make, the batch');
    assert.equal(JSON.parse(valueOf(r.outcomes[2]!)), 'hi factory from kid.factory.test.near');
    const kid = 'kid.factory.test.near';
    assert.equal(devnet.store.getAccount(kid)!.amount >= 3n * NEAR, true);
    assert.equal(new TextDecoder().decode(devnet.store.getCode(kid)!), JS_CHILD);
    assert.deepEqual(devnet.store.getAccessKey(kid, full), { nonce: 0n, permission: { kind: 'FullAccess' } });
    assert.deepEqual(devnet.store.getAccessKey(kid, limited), { nonce: 0n, permission: { kind: 'FunctionCall', allowance: NEAR, receiverId: kid, methodNames: ['hello'] } });
    const call = await send(kid, [actions.functionCall('hello', { who: 'root' }, 50n * TGAS, 0n)]);
    assert.equal(JSON.parse(valueOf(call.outcomes[1]!)), 'hi root from kid.factory.test.near');
    assert.equal(data(devnet, kid, 'greeted'), 'root');

    // Create, add and delete a key, delete the account: the balance goes back to the factory.
    const before = devnet.store.getAccount('factory.test.near')!.amount;
    const t = await send('factory.test.near', [actions.functionCall('temp', { key: full }, 100n * TGAS, 0n)]);
    assert.equal(t.outcomes.length, 3);
    assert.deepEqual(t.outcomes[2]!.outcome.status, { SuccessValue: '' });
    assert.equal(devnet.store.getAccount('tmp.factory.test.near'), null);
    assert.equal(devnet.store.getAccount('factory.test.near')!.amount, before);

    // Key strings are checked in the guest; a malformed ed25519 key fails the call.
    const bad = await send('factory.test.near', [actions.functionCall('badKey', {}, 100n * TGAS, 0n)]);
    assert.match(JSON.stringify(bad.outcomes[1]!.outcome.status), /invalid public key/);
    assert.equal(devnet.store.getAccount('bad.factory.test.near'), null);
  });
});
