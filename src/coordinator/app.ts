/**
 * The coordinator (`npx outlayer coordinator`): one fastify app that watches the chain for
 * OutLayer requests, queues them as jobs with leases, serves workers and API clients, stores
 * artifacts, throttles every public route, and resolves results on-chain with the operator key.
 * Everything durable lives in `<dataDir>`: coordinator.sqlite (jobs, leases, workers, API keys,
 * cursors, resolutions), artifacts/, keystore/, coordinator-key.json.
 *
 * @example
 * const c = await Coordinator.open({ dataDir: '.outlayer', rpcUrl: 'http://127.0.0.1:3030', contractId: 'outlayer.test.near', operator, workerTokens: [token] });
 * const url = await c.listen(8080);
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import type { KeyPairString } from 'near-api-js';
import { base58Decode, base58Encode } from '../chain/codec/encoding.js';
import { publicKeyString, signAttestation } from '../contract/node/attest.js';
import { NearRpcClient } from '../sdk/near-rpc.js';
import { registerArtifactRoutes } from './artifacts/routes.js';
import { ArtifactStore } from './artifacts/store.js';
import { Auth } from './auth.js';
import { Builder } from './builder/builder.js';
import { ChainBridge } from './chain/bridge.js';
import { ChainResolver } from './chain/resolver.js';
import { ChainWatcher, type WatchCursor } from './chain/watcher.js';
import { registerDashboardRoutes } from './dashboard/routes.js';
import { JobQueue } from './queue/queue.js';
import { Keystore } from '../keystore/keystore.js';
import { registerExecutionRoutes } from './routes/executions.js';
import { registerSecretRoutes } from './routes/secrets.js';
import { createMetrics, registerOpsRoutes } from './routes/ops.js';
import { registerWorkerRoutes } from './routes/workers.js';
import { hashSecret } from './storage/secrets.js';
import { SqliteStorage } from './storage/sqlite.js';
import { registerThrottle, registerThrottleMetrics } from './throttle/fastify.js';
import { MemoryStore } from './throttle/memory-store.js';
import { loadThrottleConfig, type ThrottleConfig } from './throttle/profiles.js';
import type { BucketStore } from './throttle/store.js';

export interface CoordinatorOptions {
  dataDir: string;
  /** The NEAR RPC to watch and resolve through (the devnet or any NEAR node). */
  rpcUrl: string;
  /** The OutLayer contract; omit to serve only the HTTPS executions API. */
  contractId?: string;
  /** The contract's operator, who resolves requests. Required with `contractId`. */
  operator?: { accountId: string; privateKey: KeyPairString };
  /** Worker tokens accepted at registration (raw; stored hashed once used). */
  workerTokens?: readonly string[];
  /** API keys (raw; tier "keyed"), e.g. from `--api-key`. */
  apiKeys?: readonly string[];
  /** Throttle profiles (default: OUTLAYER_THROTTLE_* environment / file, else the reference figures). */
  throttle?: ThrottleConfig;
  /** Bucket store (default: in memory; pass a RedisStore to share budgets between replicas). */
  bucketStore?: BucketStore;
  leaseMs?: number;
  maxAttempts?: number;
  /** Chain poll interval (default 100 ms). */
  pollMs?: number;
  /** Build `file://` repositories (tests). */
  allowLocalRepos?: boolean;
  /** Clone these canonical repositories from local mirrors (a coordinator without internet; tests). */
  repoMirrors?: Readonly<Record<string, string>>;
  /** pino logger options (default: info level to stdout; `false` silences). */
  logger?: boolean | object;
  /**
   * Page origins allowed to call the API from a browser (CORS), e.g. a site running
   * `OutLayer.BrowserWorker`; `['*']` allows any. Default: none (no CORS headers).
   */
  corsOrigins?: readonly string[];
}

/**
 * CORS for browser workers and pages (docs/browser.md): answers preflights before throttling and
 * auth (a preflight carries no credentials), and marks answers readable by the allowed origins.
 */
function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const any = origins.includes('*');
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !(any || origins.includes(origin))) return;
    reply.header('access-control-allow-origin', any ? '*' : origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', 'retry-after');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      reply.header('access-control-allow-methods', 'GET, POST, PUT, DELETE');
      reply.header('access-control-allow-headers', 'authorization, content-type, idempotency-key');
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    }
  });
}

/** The coordinator's own ed25519 key (attests failures it decides itself), in `<dataDir>/coordinator-key.json`. */
function coordinatorKey(dataDir: string): Uint8Array {
  const file = join(dataDir, 'coordinator-key.json');
  if (existsSync(file)) {
    const text = (JSON.parse(readFileSync(file, 'utf8')) as { secret_key: string }).secret_key;
    const bytes = base58Decode(text.replace(/^ed25519:/, ''));
    if (!bytes || bytes.length !== 32) throw new Error(`${file} holds no valid ed25519 secret key`);
    return bytes;
  }
  const secret = ed25519.utils.randomSecretKey();
  writeFileSync(file, `${JSON.stringify({ public_key: publicKeyString(secret), secret_key: `ed25519:${base58Encode(secret)}` }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export class Coordinator implements AsyncDisposable {
  readonly app: FastifyInstance;
  readonly storage: SqliteStorage;
  readonly queue: JobQueue;
  readonly artifacts: ArtifactStore;
  readonly watcher: ChainWatcher | null;
  readonly resolver: ChainResolver | null;
  readonly publicKey: string;
  readonly keystore: Keystore | null;
  #redeliver: ReturnType<typeof setInterval> | null = null;

  private constructor(parts: { app: FastifyInstance; storage: SqliteStorage; queue: JobQueue; artifacts: ArtifactStore; watcher: ChainWatcher | null; resolver: ChainResolver | null; publicKey: string; keystore: Keystore | null }) {
    this.keystore = parts.keystore;
    this.app = parts.app;
    this.storage = parts.storage;
    this.queue = parts.queue;
    this.artifacts = parts.artifacts;
    this.watcher = parts.watcher;
    this.resolver = parts.resolver;
    this.publicKey = parts.publicKey;
  }

  static async open(o: CoordinatorOptions): Promise<Coordinator> {
    mkdirSync(o.dataDir, { recursive: true });
    if (o.contractId && !o.operator) throw new Error('a coordinator watching a contract needs its operator key');
    const storage = SqliteStorage.open(o.dataDir);
    const now = Date.now;
    for (const key of o.apiKeys ?? []) await storage.createApiKey({ id: `k_${hashSecret(key).slice(0, 16)}`, key_hash: hashSecret(key), tier: 'keyed', label: 'cli', created_at: now() });
    const queue = new JobQueue(storage, { ...(o.leaseMs !== undefined && { leaseMs: o.leaseMs }), ...(o.maxAttempts !== undefined && { maxAttempts: o.maxAttempts }) });
    const artifacts = await ArtifactStore.open({ dataDir: o.dataDir });
    const builder = new Builder({ store: artifacts, dataDir: o.dataDir, ...(o.allowLocalRepos && { allowLocalRepos: true }), ...(o.repoMirrors && { repoMirrors: o.repoMirrors }) });
    const secret = coordinatorKey(o.dataDir);
    const auth = new Auth(storage, o.workerTokens ?? []);
    const metrics = createMetrics();
    // Per-request access logs are off (workers long-poll all day); the coordinator logs its own events.
    const app = Fastify({ logger: o.logger ?? { level: 'info' }, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 8 * 1024 * 1024, forceCloseConnections: true });

    // Every refusal is `{error: {code, message}}`, fastify's own ones too (a body that is not
    // JSON, too large, of an unsupported media type; a route that does not exist).
    app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const status = Number.isInteger(err.statusCode) && err.statusCode! >= 400 && err.statusCode! < 600 ? err.statusCode! : 500;
      if (status >= 500) {
        req.log.error({ err }, 'request failed');
        return reply.code(status).send({ error: { code: 'internal', message: 'internal error' } });
      }
      const code = status === 413 ? 'too_large' : status === 404 ? 'not_found' : status === 401 ? 'unauthorized' : status === 429 ? 'rate_limited' : 'bad_request';
      return reply.code(status).send({ error: { code, message: err.message } });
    });

    if (o.corsOrigins?.length) registerCors(app, o.corsOrigins);

    const bucketStore = o.bucketStore ?? new MemoryStore();
    const throttle = registerThrottle(app, {
      store: bucketStore,
      config: o.throttle ?? loadThrottleConfig(),
      isValidApiKey: async (key) => auth.isWorkerToken(key) || (await storage.findApiKey(hashSecret(key))) !== null,
    });
    registerThrottleMetrics(app, throttle);

    let resolver: ChainResolver | null = null;
    let watcher: ChainWatcher | null = null;
    let keystore: Keystore | null = null;
    const rpc = new NearRpcClient({ url: o.rpcUrl });
    if (o.contractId && o.operator) {
      const contractId = o.contractId;
      keystore = Keystore.open({ dataDir: o.dataDir, rpcUrl: o.rpcUrl, contractId });
      resolver = new ChainResolver({ rpcUrl: o.rpcUrl, contractId, operatorId: o.operator.accountId, operatorKey: o.operator.privateKey });
      // The coordinator attests failures it decides itself; the contract must know its key.
      await resolver.registerWorkerKey(publicKeyString(secret));
      const bridge = new ChainBridge({
        contractId,
        queue,
        storage,
        resolver,
        builder,
        log: app.log,
        attestFailure: (j, fuel) => signAttestation(secret, j.contractId, j.codeHash, { requestId: j.requestId, input: j.input, output: null, fuel }),
      });
      queue.onFinished(async (job, outcome) => {
        metrics.jobsFinished.inc({ status: outcome.status });
        await bridge.onFinished(job, outcome);
      });
      const blocks = `${contractId}#blocks`;
      const ids = `${contractId}#requests`;
      watcher = new ChainWatcher({
        rpc,
        contractId,
        pollMs: o.pollMs ?? 100,
        onRequest: async (r) => {
          await bridge.onRequest(r);
          metrics.jobsEnqueued.inc();
        },
        loadCursor: async (): Promise<WatchCursor | null> => {
          const b = await storage.getCursor('near', blocks);
          const i = await storage.getCursor('near', ids);
          return b && i ? { height: Number(b.height), nextRequestId: Number(i.height) } : null;
        },
        saveCursor: async (c) => {
          await storage.setCursor('near', blocks, { height: BigInt(c.height), hash: '' }, now());
          await storage.setCursor('near', ids, { height: BigInt(c.nextRequestId), hash: '' }, now());
        },
        onError: (e) => app.log.warn({ err: (e as Error).message }, 'chain poll failed'),
      });
    } else {
      queue.onFinished((_job, outcome) => {
        metrics.jobsFinished.inc({ status: outcome.status });
        return queue.ackFinished(_job.id).then(() => {});
      });
    }

    const stats = async () => ({
      workers: (await storage.listWorkers()).filter((w) => w.revoked_at === null).length,
      resolving: (await storage.listResolving()).length,
      contract_id: o.contractId ?? null,
      rpc: rpc.stats,
    });
    registerOpsRoutes(app, { queue, rpcUrl: o.rpcUrl, stats }, metrics);
    registerDashboardRoutes(app, { queue, storage, throttle, stats });
    registerArtifactRoutes(app, { store: artifacts });
    registerWorkerRoutes(app, { auth, queue, ...(resolver && { onWorkerKey: (pk: string) => resolver.registerWorkerKey(pk) }) });
    registerExecutionRoutes(app, { auth, queue });
    if (keystore) registerSecretRoutes(app, { auth, queue, keystore });
    await app.ready();

    const c = new Coordinator({ app, storage, queue, artifacts, watcher, resolver, publicKey: publicKeyString(secret), keystore });
    watcher?.start();
    // Finished jobs whose resolution failed (RPC down) are offered again.
    c.#redeliver = setInterval(() => void queue.redeliver().catch((e) => app.log.warn({ err: (e as Error).message }, 'redelivery failed')), 5000);
    return c;
  }

  /** Listens on 127.0.0.1 (port 0: any free port); returns the base URL. */
  async listen(port = 8080, host = '127.0.0.1'): Promise<string> {
    await this.app.listen({ port, host });
    const address = this.app.server.address();
    const p = typeof address === 'object' && address ? address.port : port;
    return `http://${host}:${p}`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#redeliver) clearInterval(this.#redeliver);
    await this.watcher?.[Symbol.asyncDispose]();
    this.queue.close();
    await this.app.close();
    await this.artifacts.dispose();
    await this.storage.close();
    this.keystore?.dispose();
  }
}
