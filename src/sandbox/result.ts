/**
 * The result object of ../shared/ARCHITECTURE.md: what `outlayer run --json` prints, what workers
 * report and what the SDK returns. Guest failures are results, never exceptions.
 */
import type { ResultErrorKind } from '../errors.js';

export interface ExecutionResult {
  status: 'ok' | 'error';
  /** stdout (WASI) or JSON.stringify(return value) (JS), decoded as UTF-8. */
  output: string;
  /** Deterministic: instructions and other metered work, charged by the meter. */
  fuel_used: number;
  /** WASI only: the exit status, or null when the guest did not exit (trap, fuel, ...). */
  exit_code: number | null;
  /** stderr lines (WASI), console / near.log lines (JS). */
  logs: string[];
  error: { kind: ResultErrorKind; message: string } | null;
  /** Informational wall-clock time; not deterministic. */
  duration_ms: number;
  /**
   * WASI: stdout's exact bytes — only when the run asked for them (`rawOutput`), e.g. a job whose
   * response format is Bytes (`output` is the UTF-8 decoding, which loses invalid bytes). Not
   * JSON: drop it before serialising a result (workers do).
   */
  output_bytes?: Uint8Array;
}

const decoder = new TextDecoder('utf-8');

/** Splits captured stderr into lines (a trailing newline does not make an empty last line). */
export function toLines(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return [];
  const text = decoder.decode(bytes);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function decodeOutput(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** A result for a failure that happened before any guest code ran. */
export function failure(kind: ResultErrorKind, message: string, durationMs = 0): ExecutionResult {
  return { status: 'error', output: '', fuel_used: 0, exit_code: null, logs: [], error: { kind, message }, duration_ms: durationMs };
}
