/**
 * HTTP routes for the artifact store:
 *
 *   PUT  /v1/artifacts/:sha256   raw body, streamed to disk (201 created, 200 already stored)
 *   GET  /v1/artifacts/:sha256   the blob, immutable-cacheable, 304 on a matching If-None-Match
 *   HEAD /v1/artifacts/:sha256   the same headers, no body
 *
 * Errors are `{error: {code, message}}` with the ArtifactError's status. The routes live in their
 * own encapsulated plugin, whose only content-type parser hands the request stream through
 * unread, so a body is never buffered and other routes keep their parsers.
 * Authentication and throttling are the caller's: pass them as `preHandler`.
 *
 * @example
 * registerArtifactRoutes(app, { store, maxBytes: 16 << 20, preHandler: [auth, throttle] });
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Readable } from 'node:stream';
import { ArtifactError, type ArtifactKind, type ArtifactStore, assertSha256 } from './store.js';

export interface ArtifactRoutesOptions {
  store: ArtifactStore;
  /** Largest accepted upload (default: the store's maxBlobBytes). */
  maxBytes?: number;
  /** Run before every artifact route (authentication, throttling). */
  preHandler?: preHandlerHookHandler | preHandlerHookHandler[];
}

const CACHE_CONTROL = 'public, max-age=31536000, immutable';

function contentType(kind: ArtifactKind | null): string {
  if (kind === 'wasm') return 'application/wasm';
  if (kind === 'js') return 'text/javascript; charset=utf-8';
  if (kind === 'sh') return 'text/x-shellscript; charset=utf-8';
  return 'application/octet-stream';
}

function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  if (e instanceof ArtifactError) return reply.code(e.status).send({ error: { code: e.code, message: e.message } });
  throw e;
}

/** True when an If-None-Match header names this entity tag (weak or strong, or `*`). */
function matchesEtag(header: string | string[] | undefined, sha256: string): boolean {
  if (header === undefined) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim());
  return tags.some((t) => t === '*' || t === `"${sha256}"` || t === `W/"${sha256}"`);
}

function cacheHeaders(reply: FastifyReply, sha256: string): void {
  reply.header('etag', `"${sha256}"`).header('cache-control', CACHE_CONTROL);
}

/** The artifact routes as a fastify plugin (encapsulated: its content-type parser stays inside). */
export const artifactRoutes: FastifyPluginAsync<ArtifactRoutesOptions> = async (app, options) => {
  const { store } = options;
  const maxBytes = options.maxBytes ?? store.maxBlobBytes;
  const preHandler = options.preHandler ?? [];

  // Every content type (and none) reaches the handler as the unread request stream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request: FastifyRequest, payload: Readable, done: (err: Error | null, body?: unknown) => void) => {
    done(null, payload);
  });

  app.put<{ Params: { sha256: string } }>('/v1/artifacts/:sha256', { preHandler }, async (request, reply) => {
    try {
      assertSha256(request.params.sha256);
      const declared = request.headers['content-length'];
      if (declared !== undefined && Number(declared) > maxBytes) {
        // Refused before reading; the unread body makes the connection unusable for another request.
        reply.header('connection', 'close');
        throw new ArtifactError('too_large', `artifact is ${declared} bytes, more than the ${maxBytes}-byte limit`);
      }
      const body = (request.body ?? request.raw) as Readable;
      try {
        // Not destroyed when put() stops early: destroying the request would also kill the socket
        // before the 413 is sent.
        const chunks = body.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
        const result = await store.put(request.params.sha256, chunks, { maxBytes });
        return reply.code(result.created ? 201 : 200).send({ sha256: result.sha256, size: result.size });
      } catch (e) {
        if (e instanceof ArtifactError && e.code === 'too_large') reply.header('connection', 'close');
        throw e;
      }
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.get<{ Params: { sha256: string } }>('/v1/artifacts/:sha256', { preHandler, exposeHeadRoute: false }, async (request, reply) => {
    try {
      const { sha256 } = request.params;
      assertSha256(sha256);
      if (matchesEtag(request.headers['if-none-match'], sha256) && store.has(sha256)) {
        cacheHeaders(reply, sha256);
        return reply.code(304).send();
      }
      const blob = await store.get(sha256);
      if (!blob) throw new ArtifactError('not_found', `no artifact ${sha256}`);
      cacheHeaders(reply, sha256);
      return reply.header('content-type', contentType(blob.kind)).header('content-length', blob.size).send(blob.stream);
    } catch (e) {
      return sendError(reply, e);
    }
  });

  app.head<{ Params: { sha256: string } }>('/v1/artifacts/:sha256', { preHandler }, async (request, reply) => {
    try {
      const { sha256 } = request.params;
      assertSha256(sha256);
      const meta = store.stat(sha256);
      if (!meta) throw new ArtifactError('not_found', `no artifact ${sha256}`);
      cacheHeaders(reply, sha256);
      if (matchesEtag(request.headers['if-none-match'], sha256)) return reply.code(304).send();
      return reply.header('content-type', contentType(meta.kind)).header('content-length', meta.size).send();
    } catch (e) {
      if (e instanceof ArtifactError) return reply.code(e.status).send(); // HEAD: status only
      throw e;
    }
  });
};

/** Registers {@link artifactRoutes} on `app` (the routes exist once `app.ready()` resolves). */
export function registerArtifactRoutes(app: FastifyInstance, options: ArtifactRoutesOptions): void {
  void app.register(artifactRoutes, options);
}
