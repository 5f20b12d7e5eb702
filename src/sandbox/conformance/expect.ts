/**
 * Assertions for conformance suites. Plain `Error`s instead of node:assert, so the suites run
 * unchanged in a browser.
 */
import type { ExecutionResult } from '../result.js';

export function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** The result is `ok`; the message shows the error and the first logs otherwise. */
export function ok(r: ExecutionResult, what: string): void {
  if (r.status !== 'ok') throw new Error(`${what}: expected status ok, got ${JSON.stringify(r.error)} (logs ${JSON.stringify(r.logs.slice(0, 5))})`);
}

/** The result failed with error `kind`. */
export function failed(r: ExecutionResult, kind: string, what: string): void {
  equal(r.status, 'error', `${what} status`);
  equal(r.error?.kind, kind, `${what} error kind (${r.error?.message})`);
}
