// One request end to end on the devnet: a contract call asks for an execution, the coordinator
// sees it, a worker runs it, and the result is resolved on-chain — for WASI and JS code.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTRACT_ID, Harness, NEAR, OPERATOR_ID } from '../contract/node/harness.js';
import { createPool } from '../js/node/pool.js';
import { OutlayerClient } from '../sdk/client.js';
import { WorkerSigner } from '../worker/signer.js';
import { ServerWorker } from '../worker/worker.js';
import { lcgExpected } from '../sandbox/conformance/cases.js';
import { wat } from '../testing/wat.js';
import { Coordinator } from './app.js';

const HELLO = new Uint8Array(readFileSync(new URL('../../examples/hello.wasm', import.meta.url)));
const DETERMINISM = new Uint8Array(readFileSync(new URL('../../examples/determinism.wasm', import.meta.url)));
const LOOP = new Uint8Array(readFileSync(new URL('../../examples/wat/loop-forever.wasm', import.meta.url)));
const JS = new TextEncoder().encode('export function execute(input) { return { doubled: input.n * 2 } }');

describe('coordinator + worker + contract on the devnet', () => {
  let h: Harness;
  let coordinator: Coordinator;
  let worker: ServerWorker;
  let client: OutlayerClient;
  let dir: string;

  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
    dir = mkdtempSync(join(tmpdir(), 'coordinator-e2e-'));
    coordinator = await Coordinator.open({ dataDir: dir, rpcUrl: h.server.url, contractId: CONTRACT_ID, operator: { accountId: OPERATOR_ID, privateKey: h.keys.get(OPERATOR_ID)! }, workerTokens: ['worker-token'], apiKeys: ['api-key'], logger: false, pollMs: 50 });
    const url = await coordinator.listen(0);
    worker = await ServerWorker.start({ coordinator: url, token: 'worker-token', signer: WorkerSigner.generate(), claimWaitMs: 2000 });
    client = new OutlayerClient({ coordinator: url, apiKey: 'api-key' });
  });
  after(async () => {
    await worker[Symbol.asyncDispose]();
    await coordinator[Symbol.asyncDispose]();
    await h[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves a WASI request on-chain with the same output and fuel as a local run', async () => {
    const sha256 = await client.uploadArtifact(HELLO);
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'wasm' } }, resource_limits: { max_instructions: 100_000_000, max_execution_seconds: 10 } }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.error, null);
    const pool = await createPool({ size: 1 });
    const local = await pool.run(HELLO, { maxInstructions: 100_000_000n });
    await pool.dispose();
    assert.equal(final.value, local.output);
    const settled = await h.view<{ status: string; resources_used: { instructions: number } }>('get_request', { request_id: r.requestId });
    assert.equal(settled.status, 'completed');
    assert.equal(settled.resources_used.instructions, local.fuel_used);
    // The worker's key was registered on the contract, and its attestation was checked there.
    assert.ok((await h.view<unknown[]>('list_worker_keys')).length >= 2);
  });

  it('resolves a JS request with a Json response', async () => {
    const sha256 = await client.uploadArtifact(JS);
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'js' } }, input_data: '{"n":21}', response_format: 'Json' }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.error, null);
    assert.deepEqual(final.value, { doubled: 42 });
  });

  it('resolves a shell script (kind sh) run by the guest OS, its NEAR system calls wired to the request', async () => {
    const script = [
      "tr ' ' '\\n' | sort | uniq -c | sort -k1,1nr | head -n 1 | awk '{print $2 \"=\" $1}'",
      "qjs -e 'print(os.syscall(410), os.syscall(411))'",
      "sqlite3 :memory: 'select 6 * 7'",
    ].join('\n');
    const sha256 = await client.uploadArtifact(new TextEncoder().encode(script));
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'sh' } }, input_data: 'b a b c b', resource_limits: { max_instructions: 2_000_000_000, max_execution_seconds: 30 } }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.error, null);
    assert.equal(final.value, `b=3\n${CONTRACT_ID} alice.test.near\n42\n`);
    const settled = await h.view<{ status: string; resources_used: { instructions: number } }>('get_request', { request_id: r.requestId });
    assert.equal(settled.status, 'completed');
    assert.ok(settled.resources_used.instructions > 0);
  });

  it('the determinism vectors come back on-chain exactly, with the fuel of a local run', async () => {
    const sha256 = await client.uploadArtifact(DETERMINISM);
    const pool = await createPool({ size: 1 });
    try {
      for (const [seed, iterations] of [[42n, 1000], [7n, 1], [123456789n, 5000]] as const) {
        const input = `{"seed": ${seed}, "iterations": ${iterations}}`;
        const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'wasm' } }, input_data: input }, NEAR / 10n);
        const final = await h.txResult(r.txHash, 'alice.test.near');
        assert.equal(final.value, lcgExpected(seed, iterations));
        const local = await pool.run(DETERMINISM, { input });
        const settled = await h.view<{ resources_used: { instructions: number } }>('get_request', { request_id: r.requestId });
        assert.equal(settled.resources_used.instructions, local.fuel_used);
      }
    } finally {
      await pool.dispose();
    }
  });

  it('running out of fuel resolves as a failure that keeps only the base fee', async () => {
    const sha256 = await client.uploadArtifact(LOOP);
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'wasm' } }, resource_limits: { max_instructions: 1_000_000 } }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, null);
    const settled = await h.view<{ status: string; payment_charged: string; payment_refunded: string; error: string }>('get_request', { request_id: r.requestId });
    assert.equal(settled.status, 'failed');
    assert.match(settled.error, /out_of_fuel/);
    assert.equal(settled.payment_charged, '1000000000000000000000');
    assert.equal(settled.payment_refunded, String(NEAR / 10n - 10n ** 21n));
  });

  it('an invalid module resolves as a failure that keeps only the base fee', async () => {
    const sha256 = await client.uploadArtifact(new TextEncoder().encode('\0asm not really'));
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'wasm' } } }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, null);
    const settled = await h.view<{ status: string; payment_charged: string; error: string }>('get_request', { request_id: r.requestId });
    assert.equal(settled.status, 'failed');
    assert.equal(settled.payment_charged, '1000000000000000000000');
    assert.match(settled.error, /invalid_module/);
  });

  it('the Bytes format returns stdout byte for byte, even bytes that are not UTF-8', async () => {
    // A WASI command writing 0xff 0x00 0x80 'A' to stdout.
    const code = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "\\ff\\00\\80A")
      (func (export "_start") (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 4))
        (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
    const sha256 = await client.uploadArtifact(code);
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'wasm' } }, response_format: 'Bytes' }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, Buffer.from([0xff, 0x00, 0x80, 0x41]).toString('base64'));
  });

  it('a large output goes through submit_execution_output_and_resolve and arrives whole', async () => {
    const sha256 = await client.uploadArtifact(new TextEncoder().encode("export function execute() { return 'x'.repeat(5000) }"));
    const r = await h.request('alice.test.near', { code_source: { artifact: { sha256, kind: 'js' } }, response_format: 'Json' }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, 'x'.repeat(5000));
    const view = await client.get(`chain:${CONTRACT_ID}:${r.requestId}`);
    assert.ok(view.resolution_tx);
    const tx = await h.provider.viewTransactionStatus({ txHash: view.resolution_tx!, accountId: OPERATOR_ID, waitUntil: 'EXECUTED_OPTIMISTIC' });
    const logs = (tx as unknown as { receipts_outcome: Array<{ outcome: { logs: string[] } }> }).receipts_outcome.flatMap((o) => o.outcome.logs);
    assert.ok(logs.some((l) => l.includes('(combined flow)')), logs.join('\n'));
  });

  it('a repository that cannot be reached resolves as build_failed', async () => {
    const r = await h.request('alice.test.near', { code_source: { repo: 'github.com/outlayer-test/unreachable', commit: 'a'.repeat(40), build_target: 'wasm32-wasip1' } }, NEAR / 10n);
    const final = await h.txResult(r.txHash, 'alice.test.near');
    assert.equal(final.value, null);
    const settled = await h.view<{ status: string; error: string; payment_charged: string }>('get_request', { request_id: r.requestId });
    assert.equal(settled.status, 'failed');
    assert.match(settled.error, /^build_failed: .*github\.com\/outlayer-test\/unreachable/);
    assert.equal(settled.payment_charged, '1000000000000000000000');
  });

  it('runs HTTPS API executions through the same queue and workers', async () => {
    const sha256 = await client.uploadArtifact(JS);
    const done = await client.run({ code: { sha256, kind: 'js' }, input: '{"n":5}', response_format: 'Json' }, { idempotencyKey: 'k1' });
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.response?.output, { Json: { doubled: 10 } });
    const again = await client.submit({ code: { sha256, kind: 'js' }, input: '{"n":5}', response_format: 'Json' }, { idempotencyKey: 'k1' });
    assert.equal(again.id, done.id, 'the same Idempotency-Key answers with the same execution');
  });
});
