/**
 * The coordinator's HTTP protocol, as TypeScript types: what clients submit and read, and what
 * workers claim and report. Shared by the coordinator, the worker and `OutlayerClient`.
 */
import type { ExecutionResult } from '../sandbox/result.js';

/** 'sh': a shell script run by the guest OS (L2). */
export type CodeKind = 'wasm' | 'js' | 'sh';
export type ResponseFormat = 'Text' | 'Json' | 'Bytes';

/** Code by content address, or a repository the coordinator builds. */
export type JobCode = { readonly sha256: string; readonly kind: CodeKind } | { readonly repo: string; readonly commit: string; readonly build_target: string; readonly build_path: string };

export interface JobLimits {
  max_instructions: number;
  max_memory_mb: number;
  max_execution_seconds: number;
}

/** What a worker needs to run a job (and to sign its result); optional fields have defaults. */
export interface JobSpec {
  readonly id: string;
  readonly source: 'chain' | 'api';
  /** Chain jobs: the request id the result resolves. */
  readonly request_id?: number;
  readonly code: JobCode;
  readonly input: string;
  readonly limits: JobLimits;
  /** Extra guest environment (NEAR_* for chain jobs). */
  readonly env?: Readonly<Record<string, string>>;
  readonly secrets_ref?: Readonly<Record<string, string>>;
  readonly payer?: string;
  /** Chain jobs: the OutLayer contract (the attestation's contract id). */
  readonly contract_id?: string;
  /** Default Text. */
  readonly response_format?: ResponseFormat;
  /** Seeds guest randomness (default "0"); chain jobs use the request's yield data id (hex). */
  readonly seed?: string;
  /** The guest's clock starts here (ns since the epoch, decimal; default "0"). */
  readonly block_timestamp_ns?: string;
  readonly created_at: number;
}

/** The contract's `ExecutionResponse`, with Bytes as base64. */
export interface ContractResponse {
  success: boolean;
  output: { Text: string } | { Json: unknown } | { Bytes: string } | null;
  error: string | null;
  resources_used: { instructions: number; time_ms: number; compile_time_ms: number | null };
}

export interface Attestation {
  public_key: string;
  signature: string;
  code_hash: string;
}

/** A worker's report of a finished job. */
export interface JobReport {
  response: ContractResponse;
  attestation: Attestation;
  /** The sandbox's own result object (output, fuel_used, logs, error, duration). */
  result: ExecutionResult;
}

export interface Lease {
  lease_id: string;
  expires_at: number;
  attempt: number;
  job: JobSpec;
}

export type ExecutionStatus = 'queued' | 'running' | 'completed' | 'failed';

/** `GET /v1/executions/:id`. */
export interface ExecutionView {
  id: string;
  status: ExecutionStatus;
  created_at: number;
  finished_at: number | null;
  response: ContractResponse | null;
  result: ExecutionResult | null;
  attestation: Attestation | null;
  /** Chain jobs: the request and the resolving transaction. */
  request_id: number | null;
  resolution_tx: string | null;
  /** What the guest ran with: `outlayer run --seed <seed> --block-timestamp-ns <ts>` reproduces the result. */
  seed: string;
  block_timestamp_ns: string;
}

/** `POST /v1/executions`. */
export interface ExecutionRequest {
  code: JobCode;
  input?: string;
  limits?: Partial<JobLimits>;
  response_format?: ResponseFormat;
  seed?: string;
}
