/**
 * What the dashboard shows of jobs and workers, and the throughput/latency series. Views are
 * built field by field from the records (an allowlist), so a job's input, environment, secrets
 * reference, seed or output and a worker's token hash can never reach the page.
 */
import type { JobRecord, JobState, WorkerRecord } from '../storage/types.js';

/** Where a job is, as an operator reads it. `resolving`: done, waiting in the outbox for its resolution. */
export type JobStage = 'queued' | 'claimed' | 'resolving' | 'resolved' | 'failed';

export interface DashboardJob {
  id: string;
  source: 'chain' | 'api';
  request_id: number | null;
  kind: 'wasm' | 'js' | 'sh' | 'repo';
  state: JobState;
  stage: JobStage;
  attempts: number;
  worker: string | null;
  enqueued_at: number;
  updated_at: number;
  finished_at: number | null;
  latency_ms: number | null;
  /** Null until the job finished. `error_kind` is a code (e.g. `out_of_fuel`), never a message. */
  outcome: { success: boolean; fuel: number | null; error_kind: string | null } | null;
}

export interface DashboardWorker {
  id: string;
  label: string;
  /** 'browser' when the worker registered with a label starting with "browser". */
  kind: 'server' | 'browser';
  public_key: string;
  created_at: number;
  last_seen_at: number | null;
  revoked: boolean;
}

export interface SeriesBucket {
  /** Start of the bucket, epoch ms. */
  t: number;
  /** Jobs that finished in the bucket (done or failed). */
  finished: number;
  failed: number;
  /** Enqueue → finish latency of the bucket's jobs; null when none finished. */
  p50_ms: number | null;
  p90_ms: number | null;
}

export interface Series {
  now: number;
  bucket_ms: number;
  window_ms: number;
  buckets: SeriesBucket[];
  finished: number;
  p50_ms: number | null;
  p90_ms: number | null;
  /** Job records read to build it (bounded; older jobs are not looked at). */
  scanned: number;
}

const ERROR_KIND = /^[a-z][a-z0-9_]{0,63}$/;

function errorKind(v: unknown): string | null {
  if (typeof v === 'string') {
    // Contract responses carry "kind: message"; keep only a code-shaped kind.
    const kind = v.split(':', 1)[0]!.trim();
    return ERROR_KIND.test(kind) ? kind : 'error';
  }
  if (v && typeof v === 'object' && typeof (v as { kind?: unknown }).kind === 'string') return errorKind((v as { kind: string }).kind);
  return null;
}

function outcomeOf(job: JobRecord): DashboardJob['outcome'] {
  const o = job.outcome;
  if (!o) return null;
  if (o.status === 'failed') return { success: false, fuel: null, error_kind: errorKind(o.error.kind) ?? 'error' };
  const report = o.result as { response?: { success?: unknown; error?: unknown; resources_used?: { instructions?: unknown } }; result?: { error?: unknown } } | null;
  const r = report?.response;
  const success = r?.success === true;
  const fuel = r?.resources_used?.instructions;
  return {
    success,
    fuel: typeof fuel === 'number' && Number.isSafeInteger(fuel) ? fuel : null,
    error_kind: success ? null : (errorKind(report?.result?.error) ?? errorKind(r?.error) ?? 'error'),
  };
}

function stageOf(job: JobRecord): JobStage {
  switch (job.state) {
    case 'queued':
      return 'queued';
    case 'leased':
      return 'claimed';
    case 'done':
      return job.acked ? 'resolved' : 'resolving';
    case 'failed':
      return 'failed';
  }
}

export function jobView(job: JobRecord): DashboardJob {
  const s = job.spec;
  return {
    id: s.id,
    source: s.source,
    request_id: s.request_id ?? null,
    kind: 'sha256' in s.code ? s.code.kind : 'repo',
    state: job.state,
    stage: stageOf(job),
    attempts: job.attempts,
    worker: job.worker_id,
    enqueued_at: job.enqueued_at,
    updated_at: job.updated_at,
    finished_at: job.finished_at,
    latency_ms: job.finished_at === null ? null : Math.max(0, job.finished_at - job.enqueued_at),
    outcome: outcomeOf(job),
  };
}

export function workerView(w: WorkerRecord): DashboardWorker {
  return {
    id: w.id,
    label: w.label,
    kind: /^browser/i.test(w.label) ? 'browser' : 'server',
    public_key: w.public_key,
    created_at: w.created_at,
    last_seen_at: w.last_seen_at,
    revoked: w.revoked_at !== null,
  };
}

/** The q-quantile of sorted numbers (nearest rank), null for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Finished jobs per `bucketMs` over the last `windowMs` before `now`, with latency quantiles,
 * from whatever job records the caller scanned (newest first is fine; order does not matter).
 */
export function buildSeries(jobs: readonly JobRecord[], now: number, bucketMs = 10_000, windowMs = 600_000): Series {
  const count = Math.ceil(windowMs / bucketMs);
  const end = Math.floor(now / bucketMs) * bucketMs + bucketMs; // the current bucket is the last one
  const start = end - count * bucketMs;
  const latencies: number[][] = Array.from({ length: count }, () => []);
  const failed = new Array<number>(count).fill(0);
  for (const j of jobs) {
    if (j.finished_at === null || j.finished_at < start || j.finished_at >= end) continue;
    const i = Math.floor((j.finished_at - start) / bucketMs);
    latencies[i]!.push(Math.max(0, j.finished_at - j.enqueued_at));
    if (j.state === 'failed') failed[i]!++;
  }
  const all: number[] = [];
  const buckets = latencies.map((l, i) => {
    l.sort((a, b) => a - b);
    all.push(...l);
    return { t: start + i * bucketMs, finished: l.length, failed: failed[i]!, p50_ms: quantile(l, 0.5), p90_ms: quantile(l, 0.9) };
  });
  all.sort((a, b) => a - b);
  return { now, bucket_ms: bucketMs, window_ms: count * bucketMs, buckets, finished: all.length, p50_ms: quantile(all, 0.5), p90_ms: quantile(all, 0.9), scanned: jobs.length };
}
