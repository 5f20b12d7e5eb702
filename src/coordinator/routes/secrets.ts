/**
 * Secrets for running jobs. `GET /v1/keystore/public-key` gives clients the key to seal secrets
 * to (src/keystore/seal.ts); `POST /v1/leases/:lease/secrets` gives the worker holding a lease the
 * decrypted environment of its job's `secrets_ref` — only after the keystore checked the stored
 * access rule for the request's sender. Values are never logged; errors never carry them.
 */
import type { FastifyInstance } from 'fastify';
import { OutlayerError } from '../../errors.js';
import type { Keystore } from '../../keystore/keystore.js';
import { sendError, type Auth } from '../auth.js';
import type { JobQueue } from '../queue/queue.js';

export function registerSecretRoutes(app: FastifyInstance, o: { auth: Auth; queue: JobQueue; keystore: Keystore }): void {
  app.get('/v1/keystore/public-key', async () => o.keystore.publicKey());

  app.post<{ Params: { lease: string } }>('/v1/leases/:lease/secrets', async (req, reply) => {
    const worker = await o.auth.worker(req, reply);
    if (!worker) return reply;
    const lease = await o.queue.lease(req.params.lease);
    if (!lease || lease.worker_id !== worker.id || lease.ended !== null) return sendError(reply, 404, 'lease_unknown', 'no current lease with this id for this worker');
    const job = (await o.queue.get(lease.job_id))!.spec;
    const ref = job.secrets_ref;
    if (!ref) return sendError(reply, 404, 'not_found', 'this job has no secrets_ref');
    if (!ref.repo) return sendError(reply, 400, 'bad_request', 'secrets are stored per repository: a job with secrets_ref needs a repository code source');
    const requester = job.env?.['NEAR_SENDER_ID'];
    if (!requester) return sendError(reply, 400, 'bad_request', 'the job names no requester');
    try {
      const env = await o.keystore.secretsFor({ owner: ref.account_id!, repo: ref.repo, branch: ref.branch || null, profile: ref.profile!, requester });
      return { env };
    } catch (e) {
      if (e instanceof OutlayerError) return reply.code(e.status).send({ error: { code: e.code, message: e.message } });
      throw e;
    }
  });
}
