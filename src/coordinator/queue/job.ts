/**
 * Validation of enqueued jobs (safe defaults, unknown keys rejected): a job that passes is one a
 * worker can run. Limits follow the contract's caps (../shared/ARCHITECTURE.md): at most
 * 500,000,000,000 instructions and 180 s.
 */
import type { CodeKind, JobCode, JobSpec } from '../storage/types.js';
import { QueueError } from './errors.js';

/** What `enqueue` takes: a job spec whose `created_at` defaults to the queue's clock. */
export type NewJob = Omit<JobSpec, 'created_at'> & { readonly created_at?: number };

export const MAX_INSTRUCTIONS = 500_000_000_000;
export const MAX_EXECUTION_SECONDS = 180;
/** wasm32 can address at most 4 GiB. */
export const MAX_MEMORY_MB = 4096;
const MAX_ID_LENGTH = 256;

const JOB_KEYS = new Set(['id', 'source', 'request_id', 'code', 'input', 'limits', 'env', 'secrets_ref', 'payer', 'contract_id', 'response_format', 'seed', 'block_timestamp_ns', 'created_at']);

function bad(message: string): never {
  throw new QueueError('bad_job', message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exactKeys(v: Record<string, unknown>, keys: readonly string[], what: string): void {
  for (const k of Object.keys(v)) if (!keys.includes(k)) bad(`${what} has an unknown field "${k}"`);
  for (const k of keys) if (v[k] === undefined) bad(`${what} is missing "${k}"`);
}

function nonEmpty(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0) bad(`${what} must be a non-empty string`);
  return v;
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (!isObject(v)) bad(`${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') bad(`${what}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}

function intIn(v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) bad(`${what} must be an integer in [${min}, ${max}]`);
  return v;
}

function code(v: unknown): { code: JobCode; kind: CodeKind } {
  if (!isObject(v)) bad('code must be an object');
  if ('sha256' in v) {
    exactKeys(v, ['sha256', 'kind'], 'code');
    if (typeof v.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(v.sha256)) bad('code.sha256 must be 64 lowercase hex digits');
    if (v.kind !== 'wasm' && v.kind !== 'js' && v.kind !== 'sh') bad('code.kind must be "wasm", "js" or "sh"');
    return { code: { sha256: v.sha256, kind: v.kind }, kind: v.kind };
  }
  exactKeys(v, ['repo', 'commit', 'build_target', 'build_path'], 'code');
  return {
    code: { repo: nonEmpty(v.repo, 'code.repo'), commit: nonEmpty(v.commit, 'code.commit'), build_target: nonEmpty(v.build_target, 'code.build_target'), build_path: nonEmpty(v.build_path, 'code.build_path') },
    kind: 'repo',
  };
}

function format(v: unknown): 'Text' | 'Json' | 'Bytes' {
  if (v !== 'Text' && v !== 'Json' && v !== 'Bytes') bad('response_format must be "Text", "Json" or "Bytes"');
  return v;
}

function bounded(v: unknown, what: string, max: number): string {
  if (typeof v !== 'string' || v.length > max) bad(`${what} must be a string of at most ${max} characters`);
  return v;
}

function decimal(v: unknown, what: string): string {
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(v)) bad(`${what} must be a decimal string`);
  return v;
}

/** Checks a job and returns a fresh copy holding only known fields, plus its code kind. */
export function validateJob(job: unknown, now: number): { spec: JobSpec; kind: CodeKind } {
  if (!isObject(job)) bad('a job must be an object');
  for (const k of Object.keys(job)) if (!JOB_KEYS.has(k)) bad(`the job has an unknown field "${k}"`);
  const id = nonEmpty(job.id, 'id');
  if (id.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) bad(`id must be at most ${MAX_ID_LENGTH} printable characters`);
  if (job.source !== 'chain' && job.source !== 'api') bad('source must be "chain" or "api"');
  if (job.source === 'chain' && job.request_id === undefined) bad('a chain job needs request_id');
  const c = code(job.code);
  if (typeof job.input !== 'string') bad('input must be a string');
  if (!isObject(job.limits)) bad('limits must be an object');
  exactKeys(job.limits, ['max_instructions', 'max_memory_mb', 'max_execution_seconds'], 'limits');
  const spec: JobSpec = {
    id,
    source: job.source,
    ...(job.request_id !== undefined && { request_id: intIn(job.request_id, 0, Number.MAX_SAFE_INTEGER, 'request_id') }),
    code: c.code,
    input: job.input,
    limits: {
      max_instructions: intIn(job.limits.max_instructions, 1, MAX_INSTRUCTIONS, 'limits.max_instructions'),
      max_memory_mb: intIn(job.limits.max_memory_mb, 1, MAX_MEMORY_MB, 'limits.max_memory_mb'),
      max_execution_seconds: intIn(job.limits.max_execution_seconds, 1, MAX_EXECUTION_SECONDS, 'limits.max_execution_seconds'),
    },
    ...(job.env !== undefined && { env: stringMap(job.env, 'env') }),
    ...(job.secrets_ref !== undefined && { secrets_ref: stringMap(job.secrets_ref, 'secrets_ref') }),
    ...(job.payer !== undefined && { payer: nonEmpty(job.payer, 'payer') }),
    ...(job.contract_id !== undefined && { contract_id: nonEmpty(job.contract_id, 'contract_id') }),
    ...(job.response_format !== undefined && { response_format: format(job.response_format) }),
    ...(job.seed !== undefined && { seed: bounded(job.seed, 'seed', 256) }),
    ...(job.block_timestamp_ns !== undefined && { block_timestamp_ns: decimal(job.block_timestamp_ns, 'block_timestamp_ns') }),
    created_at: job.created_at === undefined ? now : intIn(job.created_at, 0, Number.MAX_SAFE_INTEGER, 'created_at'),
  };
  return { spec, kind: c.kind };
}
