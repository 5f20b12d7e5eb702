/**
 * The contract's state layout: JSON values under short ASCII keys. Amounts and nanosecond
 * timestamps are stored as decimal strings so that JSON round-trips them exactly.
 *
 * | key | value |
 * |---|---|
 * | `cfg` | `Config` (config.ts) |
 * | `req:<id>` | a request not yet settled (requests.ts) |
 * | `out:<id>` | its large output, until the callback reads it |
 * | `done:<id>` | a settled request's record (completed, failed, timed out, cancelled) |
 * | `hist:<account>` / `hist:<account>:<n>` | how many requests an account has / the n-th request id |
 * | `sec:<owner>\x01<repo>\x01<branch>\x01<profile>`, `seci:<owner>` | secrets and each owner's list of them |
 * | `wk` | the registered worker keys (at most 100) |
 */
import { near } from './near.js';

export function readJson<T>(key: string): T | null {
  const text = near.storageRead(key);
  return text === null ? null : (JSON.parse(text) as T);
}

export function writeJson(key: string, value: unknown): void {
  near.storageWrite(key, JSON.stringify(value));
}

export function remove(key: string): boolean {
  return near.storageRemove(key);
}

export const keys = {
  config: 'cfg',
  request: (id: number) => `req:${id}`,
  output: (id: number) => `out:${id}`,
  done: (id: number) => `done:${id}`,
  historyCount: (account: string) => `hist:${account}`,
  historyItem: (account: string, n: number) => `hist:${account}:${n}`,
  // \x01 separates the parts: none of them may contain a control character (branch names are
  // checked), and \x00 must not be used — the host reads string keys as C strings, so a key
  // would be cut at its first NUL and every profile of an owner would share one record.
  secret: (owner: string, repo: string, branch: string | null, profile: string) => `sec:${owner}\u0001${repo}\u0001${branch ?? ''}\u0001${profile}`,
  secretIndex: (owner: string) => `seci:${owner}`,
  workerKeys: 'wk',
} as const;
