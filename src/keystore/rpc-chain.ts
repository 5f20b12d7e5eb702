/**
 * The access rules' chain lookups ({@link AccessChain}) over NEAR JSON-RPC, with plain `fetch`.
 *
 * Two kinds of failure are kept apart, because the keystore answers them differently:
 * - the RPC could not be used (network error, timeout, HTTP error, malformed answer):
 *   `OutlayerError('keystore_unavailable')` — retry later;
 * - the chain answered with an error about the query itself (no such contract, method missing,
 *   the view panicked): {@link RpcQueryError} — the keystore refuses access, naming the reason.
 * A missing account is neither: `nearBalance` answers null (the rule is simply not met).
 *
 * @example
 * const chain = new RpcChain({ rpcUrl: 'https://rpc.mainnet.near.org' });
 * await chain.nearBalance('alice.near'); // 1000000000000000000000000n or null
 */
import type { AccessChain } from '../contract/lib/access.js';
import { OutlayerError } from '../errors.js';

export const RPC_TIMEOUT_MS = 10_000;
/** How many tokens `nftOwned` asks `nft_tokens_for_owner` for (any one is enough). */
const NFT_PAGE = 100;

/** The chain answered a query with an error (`cause` is nearcore's error name when it gave one). */
export class RpcQueryError extends Error {
  override name = 'RpcQueryError';
  constructor(
    message: string,
    readonly cause_name: string | null,
  ) {
    super(message);
  }
}

export interface RpcChainOptions {
  rpcUrl: string;
  /** Per-request timeout (default {@link RPC_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function unavailable(why: string): OutlayerError {
  return new OutlayerError('keystore_unavailable', `NEAR RPC: ${why}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toU128(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^[0-9]{1,39}$/.test(v)) throw new RpcQueryError(`${what} is not a U128 decimal string: ${JSON.stringify(v)?.slice(0, 80)}`, null);
  return BigInt(v);
}

export class RpcChain implements AccessChain {
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  #nextId = 1;

  constructor(options: RpcChainOptions) {
    this.#url = options.rpcUrl;
    this.#timeoutMs = options.timeoutMs ?? RPC_TIMEOUT_MS;
    this.#fetch = options.fetch ?? fetch;
  }

  /** One `query` request at final finality; returns `result`. */
  async query(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: this.#nextId++, method: 'query', params: { finality: 'final', ...params } }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      throw unavailable(`${this.#url} did not answer (${e instanceof Error ? e.message : String(e)})`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw unavailable(`${this.#url} answered HTTP ${response.status} without JSON`);
    }
    if (!isObject(body)) throw unavailable(`${this.#url} answered HTTP ${response.status} with a non-object`);
    if (isObject(body.error)) {
      const cause = isObject(body.error.cause) && typeof body.error.cause.name === 'string' ? body.error.cause.name : null;
      const detail = typeof body.error.data === 'string' ? body.error.data : String(body.error.message ?? 'error');
      // HANDLER_ERROR is about the query (unknown account, no code, method failed); the rest is the node's.
      if (body.error.name === 'HANDLER_ERROR') throw new RpcQueryError(`${cause ?? 'HANDLER_ERROR'}: ${detail}`, cause);
      throw unavailable(`${body.error.name ?? 'error'}${cause ? ` (${cause})` : ''}: ${detail}`);
    }
    if (!response.ok) throw unavailable(`${this.#url} answered HTTP ${response.status}`);
    if (!isObject(body.result)) throw unavailable('the answer has no result object');
    // Older nodes put call_function failures into the result as {error: "..."}.
    if (typeof body.result.error === 'string') throw new RpcQueryError(body.result.error, null);
    return body.result;
  }

  /** Calls a view method with JSON `args` and parses its JSON result. */
  async viewFunction(contractId: string, method: string, args: Record<string, unknown>): Promise<unknown> {
    const bytes = encoder.encode(JSON.stringify(args));
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    const result = await this.query({ request_type: 'call_function', account_id: contractId, method_name: method, args_base64: btoa(binary) });
    if (!Array.isArray(result.result) || !result.result.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
      throw unavailable(`${contractId}.${method} answered without result bytes`);
    }
    try {
      return JSON.parse(decoder.decode(Uint8Array.from(result.result as number[]))) as unknown;
    } catch {
      throw new RpcQueryError(`${contractId}.${method} returned something that is not UTF-8 JSON`, null);
    }
  }

  async nearBalance(accountId: string): Promise<bigint | null> {
    try {
      const result = await this.query({ request_type: 'view_account', account_id: accountId });
      return toU128(result.amount, `the balance of ${accountId}`);
    } catch (e) {
      if (e instanceof RpcQueryError && e.cause_name === 'UNKNOWN_ACCOUNT') return null;
      throw e;
    }
  }

  async ftBalance(contract: string, accountId: string): Promise<bigint | null> {
    const value = await this.viewFunction(contract, 'ft_balance_of', { account_id: accountId });
    return value === null ? null : toU128(value, `${contract}.ft_balance_of`);
  }

  async nftOwned(contract: string, accountId: string, tokenId: string | null): Promise<boolean> {
    if (tokenId !== null) {
      const token = await this.viewFunction(contract, 'nft_token', { token_id: tokenId });
      return isObject(token) && token.owner_id === accountId;
    }
    const tokens = await this.viewFunction(contract, 'nft_tokens_for_owner', { account_id: accountId, from_index: '0', limit: NFT_PAGE });
    if (!Array.isArray(tokens)) throw new RpcQueryError(`${contract}.nft_tokens_for_owner did not return an array`, null);
    return tokens.length > 0;
  }
}
