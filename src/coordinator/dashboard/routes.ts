/**
 * The operators' dashboard: `GET /` (one HTML page, vanilla JS and CSS from ./assets/, read at
 * startup), the JSON it polls, and the browser worker's bundle from dist/ when it was built.
 *
 *   GET /v1/dashboard/summary?limit=  everything below plus /v1/stats and /v1/throttle/metrics in one answer
 *   GET /v1/dashboard/jobs?limit=     recent jobs, newest first (1–200, default 50)
 *   GET /v1/dashboard/workers         registered workers
 *   GET /v1/dashboard/series          finished jobs per 10 s and latency p50/p90 over 10 minutes
 *
 * The page polls only `summary` (and the never-throttled `/v1/health`) every 2 s, so one tab
 * uses 0.5 req/s of the anonymous profile's 5 req/s on that route. Every route here is throttled
 * like any other.
 *
 * @example
 * registerDashboardRoutes(app, { queue, storage, throttle, stats });
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendError } from '../auth.js';
import type { JobQueue } from '../queue/queue.js';
import type { JobRecord, WorkerStore } from '../storage/types.js';
import { throttleMetrics, type Throttle } from '../throttle/fastify.js';
import { buildSeries, jobView, workerView, type Series } from './views.js';

export interface DashboardOptions {
  queue: JobQueue;
  storage: Pick<WorkerStore, 'listWorkers'>;
  throttle: Throttle;
  /** The extra figures of `/v1/stats` (the summary adds the queue counts, as that route does). */
  stats: () => Promise<Record<string, unknown>>;
  /** Where outlayer.iife.js, outlayer.worker.js and quickjs.wasm are (default: the package's dist/). */
  distDir?: string;
  /** Where dashboard.html/.css/.js are (default: ./assets from src, ./dashboard from dist). */
  assetsDir?: string;
  now?: () => number;
  /** How long one series computation is reused (default 1000 ms; the page polls every 2 s). */
  seriesCacheMs?: number;
  /** The most job records read for the series (default 2000). */
  maxScan?: number;
}

const MAX_LIMIT = 200;
const PAGE = 500;

/** The browser worker's files, served from dist/ when they exist. */
const DIST_FILES: Record<string, string> = {
  '/outlayer.iife.js': 'text/javascript; charset=utf-8',
  '/outlayer.worker.js': 'text/javascript; charset=utf-8',
  '/quickjs.wasm': 'application/wasm',
};

const here = import.meta.url;
// Run from src (tsx): src/coordinator/dashboard/ → the package's dist/ and ./assets/. From the
// bundle: code lives in dist/*.js and the build copies the assets to dist/dashboard/.
const fromSrc = /\/src\/coordinator\/dashboard\/[^/]*$/.test(here);

function defaultDistDir(): string {
  return fileURLToPath(new URL(fromSrc ? '../../../dist/' : './', here));
}

function defaultAssetsDir(): string {
  return fileURLToPath(new URL(fromSrc ? './assets/' : './dashboard/', here));
}

interface Assets {
  html: string;
  css: string;
  js: string;
}

function loadAssets(dir: string): Assets | null {
  const file = (name: string) => readFileSync(join(dir, name), 'utf8');
  try {
    return { html: file('dashboard.html'), css: file('dashboard.css'), js: file('dashboard.js') };
  } catch {
    return null;
  }
}

function limitOf(q: unknown, reply: FastifyReply): number | null {
  const raw = (q as { limit?: unknown } | null)?.limit;
  if (raw === undefined) return 50;
  const n = typeof raw === 'string' && /^[0-9]{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LIMIT) {
    sendError(reply, 400, 'bad_request', `limit must be an integer in [1, ${MAX_LIMIT}]`);
    return null;
  }
  return n;
}

export function registerDashboardRoutes(app: FastifyInstance, o: DashboardOptions): void {
  const now = o.now ?? Date.now;
  const cacheMs = o.seriesCacheMs ?? 1000;
  const maxScan = o.maxScan ?? 2000;
  const distDir = o.distDir ?? defaultDistDir();
  const assetsDir = o.assetsDir ?? defaultAssetsDir();
  const assets = loadAssets(assetsDir);
  if (!assets) app.log.warn({ dir: assetsDir }, 'dashboard assets not found; GET / answers 404');
  let cached: { at: number; series: Series } | null = null;

  const page = (reply: FastifyReply, type: string, body: string | undefined) => {
    if (body === undefined) return sendError(reply, 404, 'not_found', `the dashboard's files are missing from ${assetsDir}`);
    return reply.type(type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(body);
  };
  app.get('/', (_req, reply) => page(reply, 'text/html; charset=utf-8', assets?.html));
  app.get('/dashboard.css', (_req, reply) => page(reply, 'text/css; charset=utf-8', assets?.css));
  app.get('/dashboard.js', (_req, reply) => page(reply, 'text/javascript; charset=utf-8', assets?.js));

  for (const [path, type] of Object.entries(DIST_FILES)) {
    app.get(path, (_req, reply) => {
      const file = join(distDir, path.slice(1));
      // Looked up per request: the bundle may be built while the coordinator runs.
      if (!existsSync(file) || !statSync(file).isFile()) return sendError(reply, 404, 'not_found', `${path.slice(1)} is not built (run the browser build into dist/)`);
      return reply.type(type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(createReadStream(file));
    });
  }

  const jobs = async (limit: number) => (await o.queue.list({ limit })).jobs.map(jobView);
  const workers = async () => (await o.storage.listWorkers()).map(workerView);
  // A bounded scan, newest first, stopping at jobs enqueued before the window (a job enqueued
  // earlier that finished inside the window is missed; jobs last seconds, not minutes).
  const series = async (): Promise<Series> => {
    const t = now();
    if (cached && t - cached.at < cacheMs) return cached.series;
    const windowMs = 600_000;
    const seen: JobRecord[] = [];
    let cursor: string | undefined;
    while (seen.length < maxScan) {
      const p = await o.queue.list({ limit: Math.min(PAGE, maxScan - seen.length), ...(cursor !== undefined && { cursor }) });
      seen.push(...p.jobs);
      const oldest = p.jobs[p.jobs.length - 1];
      if (!p.next_cursor || !oldest || oldest.enqueued_at < t - windowMs - 10_000) break;
      cursor = p.next_cursor;
    }
    const s = buildSeries(seen, t, 10_000, windowMs);
    cached = { at: t, series: s };
    return s;
  };
  const stats = async () => ({ queue: await o.queue.stats(), ...(await o.stats()) });

  app.get('/v1/dashboard/jobs', async (req, reply) => {
    const limit = limitOf(req.query, reply);
    return limit === null ? reply : { jobs: await jobs(limit) };
  });
  app.get('/v1/dashboard/workers', async () => ({ workers: await workers() }));
  app.get('/v1/dashboard/series', () => series());
  app.get('/v1/dashboard/summary', async (req, reply) => {
    const limit = limitOf(req.query, reply);
    if (limit === null) return reply;
    const [j, w, s, t, st] = await Promise.all([jobs(limit), workers(), series(), throttleMetrics(o.throttle), stats()]);
    return { now: now(), stats: st, jobs: j, workers: w, series: s, throttle: t };
  });
}
