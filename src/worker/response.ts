/**
 * Turns a sandbox result into the contract's `ExecutionResponse` in the format the caller asked
 * for, and the facts a worker signs about it.
 *
 * - success: the execution ended with status 'ok' (for WASI, exit code 0);
 * - output: Text → stdout as a string; Json → stdout parsed (a failure when it is not JSON);
 *   Bytes → stdout's exact bytes (WASI; the UTF-8 of the output for JS), base64;
 * - resources_used: instructions = fuel_used; time_ms = the execution's virtual time
 *   (1 ns per unit of fuel, as the guest's clocks count it, so the charge is deterministic too).
 *
 * Environment-neutral (no Node API): the browser worker (src/browser) uses it too.
 */
import { base64Encode } from '../chain/codec/encoding.js';
import type { OutputValue } from '../contract/lib/attestation-message.js';
import type { ExecutionResult } from '../sandbox/result.js';
import type { ContractResponse, JobSpec, ResponseFormat } from '../sdk/types.js';

const encoder = new TextEncoder();

export function virtualTimeMs(fuel: number): number {
  return Math.floor(fuel / 1_000_000);
}

/** The response, and the output value it carries (for hashing). */
export function toResponse(result: ExecutionResult, format: ResponseFormat): { response: ContractResponse; output: OutputValue | null } {
  const resources_used = { instructions: result.fuel_used, time_ms: virtualTimeMs(result.fuel_used), compile_time_ms: null };
  const failed = (error: string) => ({ response: { success: false, output: null, error, resources_used }, output: null });
  if (result.status !== 'ok' || result.error) return failed(result.error ? `${result.error.kind}: ${result.error.message}` : 'the execution failed');
  if (format === 'Json') {
    let value: unknown;
    try {
      value = JSON.parse(result.output);
    } catch {
      return failed('invalid_output: the output is not valid JSON (response_format Json)');
    }
    return { response: { success: true, output: { Json: value }, error: null, resources_used }, output: { Json: value } };
  }
  if (format === 'Bytes') {
    // WASI stdout's exact bytes when the run kept them (jobRunOptions asks for Bytes jobs), else
    // the UTF-8 of the output (a JS guest's JSON text).
    const bytes = result.output_bytes ?? encoder.encode(result.output);
    return { response: { success: true, output: { Bytes: base64Encode(bytes) }, error: null, resources_used }, output: { Bytes: bytes } };
  }
  return { response: { success: true, output: { Text: result.output }, error: null, resources_used }, output: { Text: result.output } };
}

/** The sandbox run options of a leased job (with its decrypted secrets added to the environment). */
export function jobRunOptions(job: JobSpec, secrets: Readonly<Record<string, string>> = {}) {
  return {
    input: job.input,
    maxInstructions: BigInt(job.limits.max_instructions),
    maxMemoryMb: job.limits.max_memory_mb,
    timeoutMs: job.limits.max_execution_seconds * 1000,
    seed: job.seed ?? '0',
    blockTimestampNs: job.block_timestamp_ns ?? '0',
    env: { ...job.env, ...secrets },
    ...(job.response_format === 'Bytes' && { rawOutput: true }),
  };
}

/** The result as a report carries it: JSON-safe (the raw stdout bytes travel as the response's Bytes). */
export function reportable({ output_bytes: _raw, ...result }: ExecutionResult): ExecutionResult {
  return result;
}
