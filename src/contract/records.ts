/**
 * The two records of a request: the pending one (`req:<id>`, from request_execution until the
 * yield callback settles it) and the settled one (`done:<id>`, kept for get_request and the
 * history). Views render both with u64 timestamps as JSON numbers (exact digits, via toJson).
 */
import type { CodeSource } from './lib/code-source.js';
import type { ResourcesUsed } from './lib/pricing.js';
import { keys, readJson } from './storage.js';

export type ResponseFormat = 'Text' | 'Json' | 'Bytes';

export interface SecretsRef {
  profile: string;
  account_id: string;
}

export interface LimitsJson {
  max_instructions: number;
  max_memory_mb: number;
  max_execution_seconds: number;
}

export interface PendingRequest {
  request_id: number;
  /** The yield's data id, hex. */
  data_id: string;
  sender_id: string;
  payer_account_id: string;
  code_source: CodeSource;
  resource_limits: LimitsJson;
  input_data: string | null;
  secrets_ref: SecretsRef | null;
  response_format: ResponseFormat;
  /** yoctoNEAR attached, decimal. */
  payment: string;
  /** Block timestamp (ns) of the request, decimal. */
  timestamp: string;
  /** 'resolved' once the operator resumed the yield; the callback settles it in a later block. */
  status: 'pending' | 'resolved';
  output_submitted: boolean;
  /** The code hash the worker attested, once resolved with an attestation. */
  code_hash: string | null;
}

export type SettledStatus = 'completed' | 'failed' | 'timed_out' | 'cancelled';

export interface SettledRequest {
  request_id: number;
  sender_id: string;
  payer_account_id: string;
  code_source: CodeSource;
  resource_limits: LimitsJson;
  response_format: ResponseFormat;
  status: SettledStatus;
  success: boolean;
  error: string | null;
  /** As reported (decimal strings), null when there was no report (timed out, cancelled). */
  resources_used: { instructions: string; time_ms: string; compile_time_ms: string | null } | null;
  payment: string;
  payment_charged: string;
  payment_refunded: string;
  timestamp: string;
  settled_at: string;
  code_hash: string | null;
  /** UTF-8 bytes of the returned output (null when none). */
  output_size: number | null;
}

export const loadPending = (id: number): PendingRequest | null => readJson<PendingRequest>(keys.request(id));
export const loadSettled = (id: number): SettledRequest | null => readJson<SettledRequest>(keys.done(id));

function hexToBytes(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

export function resourcesJson(r: ResourcesUsed): SettledRequest['resources_used'] {
  return { instructions: String(r.instructions), time_ms: String(r.time_ms), compile_time_ms: r.compile_time_ms === null ? null : String(r.compile_time_ms) };
}

/** A request as views show it: pending or settled, or null when the id is unknown. */
export function requestView(id: number): Record<string, unknown> | null {
  const p = loadPending(id);
  if (p) {
    return {
      request_id: p.request_id,
      status: p.status,
      data_id: hexToBytes(p.data_id),
      sender_id: p.sender_id,
      payer_account_id: p.payer_account_id,
      code_source: p.code_source,
      resource_limits: p.resource_limits,
      payment: p.payment,
      timestamp: BigInt(p.timestamp),
      secrets_ref: p.secrets_ref,
      response_format: p.response_format,
      input_data: p.input_data,
      output_submitted: p.output_submitted,
    };
  }
  const s = loadSettled(id);
  if (!s) return null;
  const used = s.resources_used;
  return {
    ...s,
    resources_used: used && { instructions: BigInt(used.instructions), time_ms: BigInt(used.time_ms), compile_time_ms: used.compile_time_ms === null ? null : BigInt(used.compile_time_ms) },
    timestamp: BigInt(s.timestamp),
    settled_at: BigInt(s.settled_at),
  };
}
