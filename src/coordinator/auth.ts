/**
 * Who is calling: a worker (its bearer token, stored only as a hash, binds to one registered
 * ed25519 key), a client with an API key (tier "keyed"), or an anonymous client. Raw tokens and
 * keys never reach storage or logs; identities are hash prefixes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashSecret } from './storage/secrets.js';
import type { CoordinatorStorage, WorkerRecord } from './storage/types.js';

export function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string' || !h.startsWith('Bearer ')) return null;
  const token = h.slice(7).trim();
  return token === '' ? null : token;
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

export class Auth {
  /** Hashes of the worker tokens this coordinator accepts (configured, not stored per worker until it registers). */
  readonly #workerTokens: Set<string>;

  constructor(
    readonly storage: CoordinatorStorage,
    workerTokens: readonly string[],
  ) {
    this.#workerTokens = new Set(workerTokens.map((t) => hashSecret(t)));
  }

  isWorkerToken(token: string): boolean {
    return this.#workerTokens.has(hashSecret(token));
  }

  /** The registered worker calling, or null (after sending 401). */
  async worker(req: FastifyRequest, reply: FastifyReply): Promise<WorkerRecord | null> {
    const token = bearer(req);
    const record = token ? await this.storage.findWorkerByToken(hashSecret(token)) : null;
    if (!record || record.revoked_at !== null) {
      sendError(reply, 401, 'unauthorized', token ? 'unknown or revoked worker token (register first)' : 'a worker token is required (Authorization: Bearer <token>)');
      return null;
    }
    return record;
  }

  /** The API key's id when the request carries a valid one. */
  async apiKeyId(req: FastifyRequest): Promise<string | null> {
    const key = bearer(req);
    if (!key) return null;
    const record = await this.storage.findApiKey(hashSecret(key));
    return record && record.revoked_at === null ? record.id : null;
  }
}
