/**
 * Each account's requests in order (as sender, and as payer when someone else sent them), for
 * `get_request_history` — what the dashboard lists. Kept as a counter plus one key per entry, so
 * appending and reading a page cost what they touch.
 */
import { argsOf, accountIdArg, u64Arg } from './method-args.js';
import { ContractError } from './lib/errors.js';
import { requestView } from './records.js';
import { keys, readJson, writeJson } from './storage.js';

export const DEFAULT_HISTORY_PAGE = 50;
export const MAX_HISTORY_PAGE = 100;

export function appendHistory(account: string, requestId: number): void {
  const n = readJson<number>(keys.historyCount(account)) ?? 0;
  writeJson(keys.historyItem(account, n), requestId);
  writeJson(keys.historyCount(account), n + 1);
}

/**
 * View `get_request_history({account_id, from_index?, limit?})`: up to `limit` (default 50,
 * at most 100) of the account's requests from position `from_index` (default 0, oldest first),
 * each as get_request shows it, and `total` so a client can page from the end.
 */
export function get_request_history(input: unknown): { account_id: string; total: number; from_index: number; items: unknown[] } {
  const a = argsOf(input, 'get_request_history', ['account_id', 'from_index', 'limit'], ['account_id']);
  const account = accountIdArg(a.account_id, 'account_id');
  const from = a.from_index === undefined || a.from_index === null ? 0 : u64Arg(a.from_index, 'from_index');
  const limit = a.limit === undefined || a.limit === null ? DEFAULT_HISTORY_PAGE : u64Arg(a.limit, 'limit');
  if (limit < 1 || limit > MAX_HISTORY_PAGE) throw new ContractError(`limit must be between 1 and ${MAX_HISTORY_PAGE}, got ${limit}`);
  const total = readJson<number>(keys.historyCount(account)) ?? 0;
  const items: unknown[] = [];
  for (let i = from; i < total && items.length < limit; i++) {
    const id = readJson<number>(keys.historyItem(account, i));
    if (id !== null) items.push(requestView(id));
  }
  return { account_id: account, total, from_index: from, items };
}
