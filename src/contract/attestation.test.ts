// The OutLayer contract on the devnet: worker attestations. Once a worker key is registered,
// every resolution must carry an ed25519 signature by a registered key over
// `outlayer-result:v1|<contract>|<request id>|<code hash>|<input hash>|<output hash>|<fuel>`
// (src/contract/attestation.ts); anything that does not match what the contract knows is refused.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58Encode } from '../chain/codec/encoding.js';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from './node/harness.js';

const CODE_HASH = '5'.repeat(64);
const ARTIFACT = { artifact: { sha256: CODE_HASH, kind: 'wasm' } };
const REPO = { repo: 'https://github.com/u/r', commit: 'main' };
const sha = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

interface Worker {
  secret: Uint8Array;
  publicKey: string;
}

function newWorker(): Worker {
  const secret = ed25519.utils.randomSecretKey();
  return { secret, publicKey: `ed25519:${base58Encode(ed25519.getPublicKey(secret))}` };
}

function attest(w: Worker, f: { requestId: number; codeHash: string; input: string; output: string | Uint8Array; fuel: number | bigint }): { public_key: string; signature: string; code_hash: string } {
  const message = `outlayer-result:v1|${CONTRACT_ID}|${f.requestId}|${f.codeHash}|${sha(f.input)}|${sha(f.output)}|${f.fuel}`;
  const signature = ed25519.sign(new TextEncoder().encode(message), w.secret);
  return { public_key: w.publicKey, signature: `ed25519:${base58Encode(signature)}`, code_hash: f.codeHash };
}

describe('OutLayer contract: worker attestations', () => {
  let h: Harness;
  const worker = newWorker();
  const stranger = newWorker();
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
  });
  after(async () => h[Symbol.asyncDispose]());

  const used = (fuel: number) => ({ instructions: fuel, time_ms: 1 });
  const resolve = (id: number, text: string, fuel: number, attestation?: unknown) =>
    h.call(OPERATOR_ID, 'resolve_execution', { request_id: id, response: { success: true, output: { Text: text }, resources_used: used(fuel) }, ...(attestation ? { attestation } : {}) });

  it('without registered keys the operator alone is trusted', async () => {
    assert.deepEqual(await h.view('list_worker_keys'), []);
    const r = await h.request('alice.test.near', { code_source: ARTIFACT }, NEAR / 10n);
    assert.equal((await resolve(r.requestId, 'trusted', 1)).error, null);
    assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, 'trusted');
  });

  it('register_worker_key: by the owner or the operator only; well-formed keys only', async () => {
    assert.equal((await h.call('alice.test.near', 'register_worker_key', { public_key: worker.publicKey })).error, 'register_worker_key: only the owner or the operator can manage worker keys');
    assert.match((await h.call(OPERATOR_ID, 'register_worker_key', { public_key: 'ed25519:abc' })).error ?? '', /^public_key must be an ed25519 key 'ed25519:<base58 of 32 bytes>'/);
    assert.match((await h.call(OPERATOR_ID, 'register_worker_key', { public_key: worker.publicKey.replace('ed25519:', 'secp256k1:') })).error ?? '', /public_key must be an ed25519 key/);
    assert.deepEqual(await h.view('list_worker_keys'), []);
    const res = await h.call(OPERATOR_ID, 'register_worker_key', { public_key: worker.publicKey });
    assert.equal(res.error, null);
    assert.equal(res.value, true);
    assert.equal((await h.call('test.near', 'register_worker_key', { public_key: worker.publicKey })).value, false, 'already registered');
    const listed = await h.view<Array<Record<string, unknown>>>('list_worker_keys');
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.public_key, worker.publicKey);
    assert.equal(listed[0]!.added_by, OPERATOR_ID);
  });

  it('with a registered key: no attestation, a stranger\'s key, or any mismatch is refused; the valid one is accepted', async () => {
    const input = '{"question":"6×7"}';
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, input_data: input }, NEAR / 10n);
    const id = r.requestId;
    const good = { requestId: id, codeHash: CODE_HASH, input, output: '42', fuel: 3_000_000 };
    assert.equal((await resolve(id, '42', 3_000_000)).error, 'A resolution must carry an attestation signed by a registered worker key');
    assert.equal((await resolve(id, '42', 3_000_000, attest(stranger, good))).error, `attestation key ${stranger.publicKey} is not a registered worker key`);
    const mismatch = 'attestation signature does not match this result (request, code, input, output and fuel)';
    assert.equal((await resolve(id, '42', 3_000_000, attest(worker, { ...good, output: '43' }))).error, mismatch, 'output');
    assert.equal((await resolve(id, '43', 3_000_000, attest(worker, good))).error, mismatch, 'reported output');
    assert.equal((await resolve(id, '42', 3_000_001, attest(worker, good))).error, mismatch, 'reported fuel');
    assert.equal((await resolve(id, '42', 3_000_000, attest(worker, { ...good, fuel: 2_999_999 }))).error, mismatch, 'fuel');
    assert.equal((await resolve(id, '42', 3_000_000, attest(worker, { ...good, requestId: id + 1 }))).error, mismatch, 'request id');
    assert.equal((await resolve(id, '42', 3_000_000, attest(worker, { ...good, input: '{"question":"6x7"}' }))).error, mismatch, 'input');
    const otherCode = '6'.repeat(64);
    assert.equal((await resolve(id, '42', 3_000_000, attest(worker, { ...good, codeHash: otherCode }))).error, `attestation code_hash ${otherCode} does not match the requested artifact ${CODE_HASH}`);
    // A signature for this result with the claimed code hash swapped.
    assert.equal((await resolve(id, '42', 3_000_000, { ...attest(worker, good), code_hash: otherCode })).error, `attestation code_hash ${otherCode} does not match the requested artifact ${CODE_HASH}`);
    const tampered = attest(worker, good);
    assert.equal((await resolve(id, '42', 3_000_000, { ...tampered, signature: tampered.signature.slice(0, -2) + (tampered.signature.endsWith('1') ? '22' : '11') })).error, mismatch, 'signature bytes');
    assert.match((await resolve(id, '42', 3_000_000, { ...good, public_key: worker.publicKey })).error ?? '', /attestation: unknown argument/);
    assert.match((await resolve(id, '42', 3_000_000, { ...attest(worker, good), code_hash: 'ABC' })).error ?? '', /attestation\.code_hash must be 64 lower-case hex characters/);
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: id })).status, 'pending');
    // The right one.
    const ok = await resolve(id, '42', 3_000_000, attest(worker, good));
    assert.equal(ok.error, null);
    assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, '42');
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: id })).code_hash, CODE_HASH);
  });

  it('a repository source: any code hash the worker attests, recorded; a failure attests an empty output', async () => {
    const r = await h.request('alice.test.near', { code_source: REPO }, NEAR / 10n);
    const built = 'a1'.repeat(32);
    const res = await h.call(OPERATOR_ID, 'resolve_execution', {
      request_id: r.requestId,
      response: { success: false, error: 'trap', resources_used: used(5) },
      attestation: attest(worker, { requestId: r.requestId, codeHash: built, input: '', output: '', fuel: 5 }),
    });
    assert.equal(res.error, null);
    assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, null);
    assert.equal((await h.view<Record<string, unknown>>('get_request', { request_id: r.requestId })).code_hash, built);
  });

  it('large outputs: the attestation covers the stored output (Json hashed as sent, Bytes as bytes)', async () => {
    const value = { list: Array.from({ length: 150 }, (_, i) => i), z: 'last', a: 'first' };
    const r = await h.request('alice.test.near', { code_source: ARTIFACT, response_format: 'Json' }, NEAR / 10n);
    const att = attest(worker, { requestId: r.requestId, codeHash: CODE_HASH, input: '', output: JSON.stringify(value), fuel: 7 });
    const res = await h.call(OPERATOR_ID, 'submit_execution_output_and_resolve', { request_id: r.requestId, output: { Json: value }, success: true, resources_used: used(7), attestation: att });
    assert.equal(res.error, null);
    assert.deepEqual((await h.txResult(r.txHash, 'alice.test.near')).value, value);

    const bytes = new Uint8Array(2000).map((_, i) => i % 251);
    const b = await h.request('alice.test.near', { code_source: ARTIFACT, response_format: 'Bytes' }, NEAR / 10n);
    assert.equal((await h.call(OPERATOR_ID, 'submit_execution_output', { request_id: b.requestId, output: { Bytes: Buffer.from(bytes).toString('base64') } })).error, null);
    const wrong = attest(worker, { requestId: b.requestId, codeHash: CODE_HASH, input: '', output: Buffer.from(bytes).toString('base64'), fuel: 7 });
    assert.match((await h.call(OPERATOR_ID, 'resolve_execution', { request_id: b.requestId, response: { success: true, resources_used: used(7) }, attestation: wrong })).error ?? '', /attestation signature does not match/);
    const right = attest(worker, { requestId: b.requestId, codeHash: CODE_HASH, input: '', output: bytes, fuel: 7 });
    assert.equal((await h.call(OPERATOR_ID, 'resolve_execution', { request_id: b.requestId, response: { success: true, resources_used: used(7) }, attestation: right })).error, null);
    assert.equal((await h.txResult(b.txHash, 'alice.test.near')).value, Buffer.from(bytes).toString('base64'));
  });

  it('remove_worker_key: owner or operator only; with no key left the operator alone is trusted again', async () => {
    assert.equal((await h.call('alice.test.near', 'remove_worker_key', { public_key: worker.publicKey })).error, 'remove_worker_key: only the owner or the operator can manage worker keys');
    assert.equal((await h.call('test.near', 'remove_worker_key', { public_key: stranger.publicKey })).value, false);
    const removed = await h.call('test.near', 'remove_worker_key', { public_key: worker.publicKey });
    assert.equal(removed.error, null);
    assert.equal(removed.value, true);
    assert.deepEqual(await h.view('list_worker_keys'), []);
    const r = await h.request('alice.test.near', { code_source: ARTIFACT }, NEAR / 10n);
    assert.equal((await resolve(r.requestId, 'trusted again', 1)).error, null);
    assert.equal((await h.txResult(r.txHash, 'alice.test.near')).value, 'trusted again');
  });
});
