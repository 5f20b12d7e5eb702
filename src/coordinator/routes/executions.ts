/**
 * The HTTPS executions API for callers that are not on-chain (API key required):
 * `POST /v1/executions` queues a job on the same queue workers claim (an `Idempotency-Key`
 * returns the first answer again, and a key reused for a different body is refused), and
 * `GET /v1/executions/:id` reads it back.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ExecutionView, JobReport } from '../../sdk/types.js';
import { sendError, type Auth } from '../auth.js';
import { QueueError } from '../queue/errors.js';
import type { JobQueue } from '../queue/queue.js';
import type { JobRecord } from '../storage/types.js';

const DEFAULT_LIMITS = { max_instructions: 1_000_000_000, max_memory_mb: 128, max_execution_seconds: 60 };
const MAX_INPUT_BYTES = 1_048_576;

export function executionView(job: JobRecord, resolutionTx: string | null = null): ExecutionView {
  const outcome = job.outcome;
  const report = outcome?.status === 'done' ? (outcome.result as JobReport) : null;
  const status = job.state === 'queued' ? 'queued' : job.state === 'leased' ? 'running' : outcome?.status === 'done' ? 'completed' : 'failed';
  return {
    id: job.spec.id,
    status,
    created_at: job.spec.created_at,
    finished_at: job.finished_at,
    response: report ? report.response : outcome?.status === 'failed' ? { success: false, output: null, error: `${outcome.error.kind}: ${outcome.error.message}`, resources_used: { instructions: 0, time_ms: 0, compile_time_ms: null } } : null,
    result: report ? report.result : null,
    attestation: report ? report.attestation : null,
    request_id: job.spec.request_id ?? null,
    resolution_tx: resolutionTx,
    seed: job.spec.seed ?? '0',
    block_timestamp_ns: job.spec.block_timestamp_ns ?? '0',
  };
}

export function registerExecutionRoutes(app: FastifyInstance, o: { auth: Auth; queue: JobQueue; now?: () => number }): void {
  const now = o.now ?? Date.now;

  app.post('/v1/executions', async (req, reply) => {
    const keyId = await o.auth.apiKeyId(req);
    if (!keyId) return sendError(reply, 401, 'unauthorized', 'an API key is required (Authorization: Bearer <key>)');
    const body = req.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return sendError(reply, 400, 'bad_request', 'the body must be a JSON object {code, input?, limits?, response_format?, seed?}');
    for (const k of Object.keys(body)) if (!['code', 'input', 'limits', 'response_format', 'seed'].includes(k)) return sendError(reply, 400, 'bad_request', `unknown field "${k}"`);
    const input = body.input ?? '';
    if (typeof input !== 'string' || Buffer.byteLength(input) > MAX_INPUT_BYTES) return sendError(reply, 400, 'bad_request', `input must be a string of at most ${MAX_INPUT_BYTES} bytes`);
    const idemKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (idemKey) {
      if (idemKey.length > 200) return sendError(reply, 400, 'bad_request', 'Idempotency-Key is at most 200 characters');
      const seen = await o.auth.storage.getIdempotency(`executions:${keyId}`, idemKey);
      if (seen) {
        if (seen.fingerprint !== fingerprint) return sendError(reply, 409, 'idempotency_conflict', 'this Idempotency-Key was used for a different request');
        const job = await o.queue.get(String((seen.response as { id: string }).id));
        return reply.code(200).send(job ? executionView(job) : seen.response);
      }
    }
    const id = `api:${randomUUID()}`;
    try {
      const { job } = await o.queue.enqueue({
        id,
        source: 'api',
        code: body.code as JobRecord['spec']['code'],
        input,
        limits: { ...DEFAULT_LIMITS, ...(body.limits as object | undefined) },
        ...(body.response_format !== undefined && { response_format: body.response_format as 'Text' }),
        ...(body.seed !== undefined && { seed: body.seed as string }),
      });
      if (idemKey) {
        const stored = await o.auth.storage.putIdempotency({ scope: `executions:${keyId}`, key: idemKey, fingerprint, response: { id }, created_at: now() });
        if (!stored.created) {
          // A concurrent request with the same key won the race: answer with its job.
          const first = await o.queue.get(String((stored.record.response as { id: string }).id));
          return reply.code(200).send(first ? executionView(first) : stored.record.response);
        }
      }
      return reply.code(202).send(executionView(job));
    } catch (e) {
      if (e instanceof QueueError) return sendError(reply, 400, e.code, e.message);
      throw e;
    }
  });

  app.get<{ Params: { id: string } }>('/v1/executions/:id', async (req, reply) => {
    const job = await o.queue.get(req.params.id);
    if (!job) return sendError(reply, 404, 'not_found', `no execution ${req.params.id}`);
    const resolution = job.spec.request_id !== undefined && job.spec.contract_id ? await o.auth.storage.getResolution(job.spec.contract_id, job.spec.request_id) : null;
    return executionView(job, resolution?.tx_hash ?? null);
  });
}
