/**
 * The worker protocol: register a key with a worker token, long-poll for a job, heartbeat the
 * lease, report a signed result or a failure. A result is accepted only when the lease is the
 * caller's and its attestation is signed by the caller's registered key over exactly this job's
 * request, input, output and fuel (and, for an artifact, its code hash).
 */
import type { FastifyInstance } from 'fastify';
import { verifyAttestation } from '../../contract/node/attest.js';
import { API_ERROR_CODES } from '../../errors.js';
import type { JobReport } from '../../sdk/types.js';
import { bearer, sendError, type Auth } from '../auth.js';
import { QueueError } from '../queue/errors.js';
import type { JobQueue } from '../queue/queue.js';
import { hashSecret } from '../storage/secrets.js';
import type { JobSpec } from '../storage/types.js';

/** Longest long poll a claim may ask for. */
export const MAX_CLAIM_WAIT_MS = 30_000;

export interface WorkerRoutesOptions {
  auth: Auth;
  queue: JobQueue;
  /** Called when a worker registers a key (the coordinator registers it on the contract). */
  onWorkerKey?: (publicKey: string) => Promise<void>;
  now?: () => number;
}


function queueError(reply: import('fastify').FastifyReply, e: unknown) {
  if (e instanceof QueueError) return sendError(reply, API_ERROR_CODES[e.code].status, e.code, e.message);
  throw e;
}

/** The facts an attestation covers, decoded from a report (Bytes output back to bytes). */
function factsOf(job: JobSpec, report: JobReport) {
  const o = report.response.output;
  const output = o === null ? null : 'Bytes' in o ? { Bytes: new Uint8Array(Buffer.from(o.Bytes, 'base64')) } : o;
  return { requestId: job.request_id ?? 0, input: job.input, output, fuel: report.response.resources_used.instructions };
}

function isReport(v: unknown): v is JobReport {
  const r = v as JobReport;
  return !!r && typeof r === 'object' && !!r.response && typeof r.response.success === 'boolean' && !!r.response.resources_used && Number.isSafeInteger(r.response.resources_used.instructions) && !!r.attestation && typeof r.attestation.signature === 'string' && !!r.result && typeof r.result === 'object';
}

export function registerWorkerRoutes(app: FastifyInstance, o: WorkerRoutesOptions): void {
  const now = o.now ?? Date.now;

  app.post('/v1/workers/register', async (req, reply) => {
    const token = bearer(req);
    if (!token || !o.auth.isWorkerToken(token)) return sendError(reply, 401, 'unauthorized', 'a valid worker token is required');
    const body = req.body as { public_key?: unknown; label?: unknown } | null;
    const pk = body?.public_key;
    if (typeof pk !== 'string' || !/^ed25519:[1-9A-HJ-NP-Za-km-z]{32,50}$/.test(pk)) return sendError(reply, 400, 'bad_request', 'public_key must be an ed25519 key "ed25519:<base58>"');
    const hash = hashSecret(token);
    const existing = await o.auth.storage.findWorkerByToken(hash);
    if (existing) {
      if (existing.public_key !== pk) return sendError(reply, 409, 'worker_key_conflict', 'this token is bound to another key; use a new token to register a new key');
      return { worker_id: existing.id };
    }
    const id = `w_${hash.slice(0, 16)}`;
    await o.auth.storage.registerWorker({ id, label: typeof body?.label === 'string' ? body.label.slice(0, 64) : id, token_hash: hash, public_key: pk, created_at: now() });
    await o.onWorkerKey?.(pk);
    req.log.info({ worker: id }, 'worker registered');
    return { worker_id: id };
  });

  app.post('/v1/jobs/claim', async (req, reply) => {
    const worker = await o.auth.worker(req, reply);
    if (!worker) return reply;
    const wait = Number((req.body as { wait_ms?: unknown } | null)?.wait_ms ?? 0);
    const waitMs = Number.isFinite(wait) ? Math.min(Math.max(0, wait), MAX_CLAIM_WAIT_MS) : 0;
    const abort = new AbortController();
    req.raw.once('close', () => abort.abort());
    await o.auth.storage.touchWorker(worker.id, now());
    const lease = await o.queue.claim(worker.id, { waitMs, signal: abort.signal }).catch((e) => queueError(reply, e));
    if (reply.sent) return reply;
    if (!lease) return reply.code(204).send();
    return lease;
  });

  app.post<{ Params: { lease: string } }>('/v1/leases/:lease/heartbeat', async (req, reply) => {
    const worker = await o.auth.worker(req, reply);
    if (!worker) return reply;
    try {
      const lease = await o.queue.lease(req.params.lease);
      if (!lease || lease.worker_id !== worker.id) return sendError(reply, 404, 'lease_unknown', 'no such lease for this worker');
      return { expires_at: await o.queue.heartbeat(req.params.lease) };
    } catch (e) {
      return queueError(reply, e);
    }
  });

  app.post<{ Params: { lease: string } }>('/v1/leases/:lease/complete', async (req, reply) => {
    const worker = await o.auth.worker(req, reply);
    if (!worker) return reply;
    const lease = await o.queue.lease(req.params.lease);
    if (!lease || lease.worker_id !== worker.id) return sendError(reply, 404, 'lease_unknown', 'no such lease for this worker');
    const job = (await o.queue.get(lease.job_id))!.spec;
    const report = req.body;
    if (!isReport(report)) return sendError(reply, 400, 'bad_request', 'a report is {response, attestation, result}');
    const a = report.attestation;
    const contractId = job.contract_id ?? `coordinator:${job.id}`;
    if (a.public_key !== worker.public_key) return sendError(reply, 422, 'bad_attestation', "the attestation is not signed with this worker's registered key");
    if ('sha256' in job.code && a.code_hash !== job.code.sha256) return sendError(reply, 422, 'bad_attestation', `the attested code hash ${a.code_hash} is not the job's ${job.code.sha256}`);
    if (!verifyAttestation(a, contractId, factsOf(job, report))) return sendError(reply, 422, 'bad_attestation', 'the attestation signature does not match this result');
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    try {
      const answer = await o.queue.complete(req.params.lease, report, key);
      return { status: answer.duplicate ? 'duplicate' : 'accepted', job_id: answer.job_id };
    } catch (e) {
      return queueError(reply, e);
    }
  });

  app.post<{ Params: { lease: string } }>('/v1/leases/:lease/fail', async (req, reply) => {
    const worker = await o.auth.worker(req, reply);
    if (!worker) return reply;
    const lease = await o.queue.lease(req.params.lease);
    if (!lease || lease.worker_id !== worker.id) return sendError(reply, 404, 'lease_unknown', 'no such lease for this worker');
    const error = (req.body as { error?: { kind?: unknown; message?: unknown } } | null)?.error;
    if (!error || typeof error.kind !== 'string' || typeof error.message !== 'string') return sendError(reply, 400, 'bad_request', 'a failure is {error: {kind, message}}');
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    try {
      const answer = await o.queue.fail(req.params.lease, { kind: error.kind.slice(0, 64), message: error.message.slice(0, 2000) }, key);
      return { status: answer.duplicate ? 'duplicate' : 'accepted', job_id: answer.job_id };
    } catch (e) {
      return queueError(reply, e);
    }
  });
}
