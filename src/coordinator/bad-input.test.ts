// Bad input at the coordinator's HTTP surface: every refusal is a clear 4xx with a stable
// `{error: {code, message}}`, and nothing queued, leased or stored is lost or changed by it —
// a good request right after still works.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { JobStats } from './storage/types.js';
import { WorkerSigner } from '../worker/signer.js';
import { Coordinator } from './app.js';
import { DEFAULT_THROTTLE_CONFIG } from './throttle/profiles.js';

const API_KEY = 'api-key';
const TOKEN = 'worker-token';
const JS = new TextEncoder().encode('export function execute(input) { return input }');
const SHA = createHash('sha256').update(JS).digest('hex');
const UNKNOWN_SHA = 'ab'.repeat(32);
const auth = (t: string) => ({ authorization: `Bearer ${t}` });
// Generous limits: this file tests input handling, not throttling.
const THROTTLE = { ...DEFAULT_THROTTLE_CONFIG, anonymous: { rps: 1000, burst: 1000, concurrency: 100 }, keyed: { rps: 1000, burst: 1000, concurrency: 100 } };

function errorOf(res: LightMyRequestResponse, status: number, code: string): string {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  assert.ok(body.error, `no {error} in ${res.body}`);
  assert.equal(body.error.code, code, res.body);
  assert.equal(typeof body.error.message, 'string');
  assert.ok((body.error.message as string).length > 0);
  return body.error.message as string;
}

describe('coordinator: bad input gets a clear 4xx and changes nothing', () => {
  let dir: string;
  let c: Coordinator;
  let signer: WorkerSigner;
  let known: string; // an execution that exists (queued)
  let before_: JobStats;

  const stats = () => c.queue.stats();
  const inject = (opts: InjectOptions): Promise<LightMyRequestResponse> => c.app.inject(opts);

  /** The queue is as it was, and good requests still work. */
  async function unchanged(): Promise<void> {
    const { oldest_queued_age_ms: _a, ...now } = await stats();
    const { oldest_queued_age_ms: _b, ...was } = before_;
    assert.deepEqual(now, was, 'queue stats changed');
    const art = await inject({ method: 'GET', url: `/v1/artifacts/${SHA}` });
    assert.equal(art.statusCode, 200);
    assert.deepEqual(new Uint8Array(art.rawPayload), JS);
    const exec = await inject({ method: 'GET', url: `/v1/executions/${encodeURIComponent(known)}` });
    assert.equal(exec.statusCode, 200, exec.body);
    assert.equal(exec.json().status, 'queued');
    const health = await inject({ method: 'GET', url: '/v1/health' });
    assert.equal(health.statusCode, 200);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coordinator-bad-input-'));
    c = await Coordinator.open({ dataDir: dir, rpcUrl: 'http://127.0.0.1:9', workerTokens: [TOKEN], apiKeys: [API_KEY], logger: false, throttle: THROTTLE });
    signer = WorkerSigner.generate();
    const reg = await inject({ method: 'POST', url: '/v1/workers/register', headers: auth(TOKEN), payload: { public_key: signer.publicKey } });
    assert.equal(reg.statusCode, 200, reg.body);
    const put = await inject({ method: 'PUT', url: `/v1/artifacts/${SHA}`, payload: Buffer.from(JS), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(put.statusCode, 201, put.body);
    const sub = await inject({ method: 'POST', url: '/v1/executions', headers: auth(API_KEY), payload: { code: { sha256: SHA, kind: 'js' }, input: '{"n":1}' } });
    assert.equal(sub.statusCode, 202, sub.body);
    known = sub.json().id;
    before_ = await stats();
    assert.equal(before_.queued, 1);
  });
  after(async () => {
    await c[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  it('unknown artifact: GET 404 not_found, HEAD 404; a malformed hash is 400', async () => {
    errorOf(await inject({ method: 'GET', url: `/v1/artifacts/${UNKNOWN_SHA}` }), 404, 'not_found');
    const head = await inject({ method: 'HEAD', url: `/v1/artifacts/${UNKNOWN_SHA}` });
    assert.equal(head.statusCode, 404);
    assert.equal(head.body, '');
    const bad = await inject({ method: 'GET', url: '/v1/artifacts/not-a-hash' });
    assert.ok(bad.statusCode >= 400 && bad.statusCode < 500, bad.body);
    assert.equal(typeof bad.json().error.code, 'string');
    await unchanged();
  });

  it('PUT with content that hashes differently: 422 hash_mismatch, nothing stored', async () => {
    const other = new TextEncoder().encode('export function execute() { return 1 }');
    errorOf(await inject({ method: 'PUT', url: `/v1/artifacts/${UNKNOWN_SHA}`, payload: Buffer.from(other), headers: { 'content-type': 'application/octet-stream' } }), 422, 'hash_mismatch');
    assert.equal((await inject({ method: 'HEAD', url: `/v1/artifacts/${UNKNOWN_SHA}` })).statusCode, 404);
    // A mismatch against an existing hash leaves the stored blob alone.
    errorOf(await inject({ method: 'PUT', url: `/v1/artifacts/${SHA}`, payload: Buffer.from(other), headers: { 'content-type': 'application/octet-stream' } }), 422, 'hash_mismatch');
    await unchanged();
  });

  it('an upload over the store cap: 413 too_large, nothing stored', async () => {
    const cap = c.artifacts.maxBlobBytes;
    const big = Buffer.alloc(cap + 1, 1);
    const sha = createHash('sha256').update(big).digest('hex');
    errorOf(await inject({ method: 'PUT', url: `/v1/artifacts/${sha}`, payload: big, headers: { 'content-type': 'application/octet-stream' } }), 413, 'too_large');
    assert.equal((await inject({ method: 'HEAD', url: `/v1/artifacts/${sha}` })).statusCode, 404);
    await unchanged();
  });

  it('a JSON body over the app body limit: 413 too_large', async () => {
    const huge = JSON.stringify({ code: { sha256: SHA, kind: 'js' }, input: 'x'.repeat(9 * 1024 * 1024) });
    errorOf(await inject({ method: 'POST', url: '/v1/executions', headers: { ...auth(API_KEY), 'content-type': 'application/json' }, payload: huge }), 413, 'too_large');
    await unchanged();
  });

  it('bad worker token on /v1/workers/register and /v1/jobs/claim: 401 unauthorized', async () => {
    errorOf(await inject({ method: 'POST', url: '/v1/workers/register', headers: auth('nope'), payload: { public_key: WorkerSigner.generate().publicKey } }), 401, 'unauthorized');
    errorOf(await inject({ method: 'POST', url: '/v1/workers/register', payload: { public_key: WorkerSigner.generate().publicKey } }), 401, 'unauthorized');
    errorOf(await inject({ method: 'POST', url: '/v1/jobs/claim', headers: auth('nope'), payload: { wait_ms: 0 } }), 401, 'unauthorized');
    errorOf(await inject({ method: 'POST', url: '/v1/jobs/claim', payload: { wait_ms: 0 } }), 401, 'unauthorized');
    // An API key is not a worker token.
    errorOf(await inject({ method: 'POST', url: '/v1/jobs/claim', headers: auth(API_KEY), payload: { wait_ms: 0 } }), 401, 'unauthorized');
    assert.equal((await c.storage.listWorkers()).length, 1);
    await unchanged();
  });

  it('malformed JSON on POST /v1/executions and /v1/jobs/claim: 400 bad_request', async () => {
    const json = { 'content-type': 'application/json' };
    errorOf(await inject({ method: 'POST', url: '/v1/executions', headers: { ...auth(API_KEY), ...json }, payload: '{"code": {' }), 400, 'bad_request');
    errorOf(await inject({ method: 'POST', url: '/v1/jobs/claim', headers: { ...auth(TOKEN), ...json }, payload: '{wait_ms: 0' }), 400, 'bad_request');
    errorOf(await inject({ method: 'POST', url: '/v1/executions', headers: { ...auth(API_KEY), ...json }, payload: '' }), 400, 'bad_request');
    // Not JSON at all, and valid JSON of the wrong shape.
    const media = await inject({ method: 'POST', url: '/v1/executions', headers: { ...auth(API_KEY), 'content-type': 'application/x-nonsense' }, payload: 'hello' });
    assert.equal(media.statusCode, 415, media.body);
    assert.equal(media.json().error.code, 'bad_request');
    errorOf(await inject({ method: 'POST', url: '/v1/executions', headers: auth(API_KEY), payload: [1, 2] }), 400, 'bad_request');
    errorOf(await inject({ method: 'POST', url: '/v1/executions', headers: auth(API_KEY), payload: { code: { sha256: SHA, kind: 'js' }, extra: 1 } }), 400, 'bad_request');
    errorOf(await inject({ method: 'POST', url: '/v1/executions', headers: auth(API_KEY), payload: { code: { sha256: 'zz', kind: 'js' } } }), 400, 'bad_job');
    // The malformed claim did not lease anything.
    await unchanged();
  });

  it('POST /v1/executions without (or with a wrong) API key: 401 unauthorized', async () => {
    const body = { code: { sha256: SHA, kind: 'js' }, input: '{}' };
    errorOf(await inject({ method: 'POST', url: '/v1/executions', payload: body }), 401, 'unauthorized');
    errorOf(await inject({ method: 'POST', url: '/v1/executions', headers: auth('wrong-key'), payload: body }), 401, 'unauthorized');
    // A worker token is not an API key either.
    errorOf(await inject({ method: 'POST', url: '/v1/executions', headers: auth(TOKEN), payload: body }), 401, 'unauthorized');
    await unchanged();
  });

  it('unknown execution id and unknown route: 404 not_found', async () => {
    errorOf(await inject({ method: 'GET', url: '/v1/executions/api:does-not-exist' }), 404, 'not_found');
    errorOf(await inject({ method: 'GET', url: '/v1/nothing-here' }), 404, 'not_found');
    await unchanged();
  });

  it('a report with a forged attestation: 422 bad_attestation, the lease and job stay as they were', async () => {
    const claim = await inject({ method: 'POST', url: '/v1/jobs/claim', headers: auth(TOKEN), payload: { wait_ms: 0 } });
    assert.equal(claim.statusCode, 200, claim.body);
    const lease = claim.json() as { lease_id: string; job: { id: string; input: string } };
    assert.equal(lease.job.id, known);
    before_ = await stats();
    assert.equal(before_.leased, 1);
    const contractId = `coordinator:${lease.job.id}`;
    const output = { Text: '{"n":1}' };
    const response = { success: true, output, error: null, resources_used: { instructions: 7, time_ms: 0, compile_time_ms: null } };
    const result = { status: 'ok', output: '{"n":1}', fuel_used: 7, exit_code: null, logs: [], error: null, duration_ms: 1 };
    const facts = { requestId: 0, input: lease.job.input, output, fuel: 7 };
    const report = (attestation: unknown, resp: unknown = response) => ({ method: 'POST' as const, url: `/v1/leases/${lease.lease_id}/complete`, headers: auth(TOKEN), payload: { response: resp, attestation, result } });

    // Signed by a key this worker did not register.
    errorOf(await inject(report(WorkerSigner.generate().attest(contractId, SHA, facts))), 422, 'bad_attestation');
    // The right key, but over another output than the one reported.
    errorOf(await inject(report(signer.attest(contractId, SHA, { ...facts, output: { Text: 'something else' } }))), 422, 'bad_attestation');
    // The right key over the right facts, but for other code.
    errorOf(await inject(report(signer.attest(contractId, UNKNOWN_SHA, facts))), 422, 'bad_attestation');
    // The right key, then the signature tampered with.
    const good = signer.attest(contractId, SHA, facts);
    const sig = good.signature;
    const flipped = `${sig.slice(0, -2)}${sig.slice(-2) === 'AA' ? 'AB' : 'AA'}`;
    errorOf(await inject(report({ ...good, signature: flipped })), 422, 'bad_attestation');
    // A correct signature with a different fuel figure in the response.
    errorOf(await inject(report(good, { ...response, resources_used: { ...response.resources_used, instructions: 8 } })), 422, 'bad_attestation');
    // Not a report at all.
    errorOf(await inject({ method: 'POST', url: `/v1/leases/${lease.lease_id}/complete`, headers: auth(TOKEN), payload: { response: 1 } }), 400, 'bad_request');
    // Another worker's lease id, or none.
    errorOf(await inject({ ...report(good), url: '/v1/leases/no-such-lease/complete' }), 404, 'lease_unknown');

    const job = await c.queue.get(known);
    assert.equal(job?.state, 'leased');
    assert.equal(job?.lease_id, lease.lease_id);
    assert.equal(job?.outcome, null);
    const { oldest_queued_age_ms: _a, ...now } = await stats();
    const { oldest_queued_age_ms: _b, ...was } = before_;
    assert.deepEqual(now, was);

    // The honest report is still accepted; repeating it gets the same answer and changes nothing.
    const ok = await inject(report(good));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'accepted');
    const finished = await c.queue.get(known);
    assert.equal(finished?.state, 'done');
    const again = await inject(report(good));
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().status, 'accepted');
    // A report after the job finished, forged or not, changes nothing either.
    errorOf(await inject(report(WorkerSigner.generate().attest(contractId, SHA, facts))), 422, 'bad_attestation');
    assert.deepEqual(await c.queue.get(known), finished);
    const done = await inject({ method: 'GET', url: `/v1/executions/${encodeURIComponent(known)}` });
    assert.equal(done.json().status, 'completed');
    assert.deepEqual(done.json().response.output, output);
  });
});
