/** How `run`, `sh` and `request` print a result object: JSON, or stdout + stderr lines + a summary of a failure. */
import type { ExecutionResult } from '../sandbox/result.js';
import type { CliIO } from './run.js';

export function printResult(result: ExecutionResult, json: boolean, io: CliIO): void {
  if (json) {
    io.stdout(`${JSON.stringify(result)}\n`);
    return;
  }
  io.stdout(result.output);
  for (const line of result.logs) io.stderr(`${line}\n`);
  const summary = `fuel_used=${result.fuel_used} exit_code=${result.exit_code ?? '-'} duration_ms=${result.duration_ms.toFixed(2)}`;
  if (result.error) io.stderr(`outlayer: ${result.error.kind}: ${result.error.message} (${summary})\n`);
}
