/**
 * The devnet's JSON-RPC as a pure async function, `handle(request) → response`, so tests run
 * in-process; server.ts puts it on HTTP. Errors use nearcore's shapes (../codec/errors.ts),
 * which near-api-js 7.2.0 turns into its typed errors.
 *
 * State queries always answer from the latest state: a `block_id` or `finality` must name a
 * known block, but older state is not kept (the devnet is final at once, so `final` and
 * `optimistic` are the same block).
 *
 * Watchers read receipt logs by block with `devnet_block_outcomes` `{block_id}` (a devnet
 * extension): every transaction and receipt outcome executed in that block, with logs.
 *
 * @example
 * const rpc = new DevnetRpc(devnet);
 * await rpc.handle({ jsonrpc: '2.0', id: 1, method: 'block', params: { finality: 'final' } });
 */
import { base64Decode, base64Encode } from '../codec/encoding.js';
import {
  callFunctionErrorResult,
  internalError,
  invalidAccountError,
  invalidTransactionError,
  methodNotFoundError,
  noContractCodeError,
  parseError,
  rpcErrorResponse,
  timeoutError,
  transactionParseError,
  unknownAccessKeyResult,
  unknownAccountError,
  unknownBlockError,
  unknownTransactionError,
  type RpcError,
} from '../codec/errors.js';
import { isValidAccountId } from '../codec/account-id.js';
import { decodeSignedTransactionBase64 } from '../codec/transaction.js';
import { accessKeyView } from '../codec/views.js';
import type { Devnet } from '../devnet.js';
import { GAS_PRICE, STORAGE_AMOUNT_PER_BYTE } from '../runtime/fees.js';
import { viewCall } from '../runtime/view.js';
import type { BlockHeader } from '../store/types.js';
import { CHAIN_ID, PROTOCOL_VERSION, blockView, chunkView, finalOutcomeView } from './views.js';

/** `sandbox_fast_forward` produces at most this many blocks per call. */
const MAX_FAST_FORWARD = 10_000;

export interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

export type RpcResponse = { jsonrpc: '2.0'; id: unknown; result: unknown } | { jsonrpc: '2.0'; id: unknown; error: RpcError };

export interface DevnetRpcOptions {
  /** How long `send_tx`/`broadcast_tx_commit`/`tx` wait for inclusion (default 30 s). */
  waitTimeoutMs?: number;
}

class Fail {
  constructor(readonly error: RpcError) {}
}
const fail = (error: RpcError): never => {
  throw new Fail(error);
};

type Params = Record<string, unknown>;

function objectParams(params: unknown): Params {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return fail(parseError('Failed parsing args: expected an object'));
  return params as Params;
}

function str(p: Params, key: string): string {
  const v = p[key];
  if (typeof v !== 'string') return fail(parseError(`Failed parsing args: missing field \`${key}\``));
  return v;
}

const blockRef = (b: BlockHeader) => ({ blockHash: b.hash, blockHeight: Number(b.height) });

export class DevnetRpc {
  readonly #waitTimeoutMs: number;
  constructor(
    readonly devnet: Devnet,
    options: DevnetRpcOptions = {},
  ) {
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  }

  /** Answers one JSON-RPC request (a parsed body). Never throws for client input. */
  async handle(request: unknown): Promise<RpcResponse> {
    const req = (request !== null && typeof request === 'object' ? request : {}) as RpcRequest;
    const id = req.id ?? null;
    if (typeof req.method !== 'string') return rpcErrorResponse(id, parseError('Failed parsing args: missing field `method`'));
    try {
      return { jsonrpc: '2.0', id, result: await this.#dispatch(req.method, req.params) };
    } catch (e) {
      if (e instanceof Fail) return rpcErrorResponse(id, e.error);
      return rpcErrorResponse(id, internalError(e instanceof Error ? e.message : String(e)));
    }
  }

  async #dispatch(method: string, params: unknown): Promise<unknown> {
    switch (method) {
      case 'status':
        return this.#status();
      case 'block':
        return this.#blockView(this.#block(params));
      case 'chunk':
        return this.#chunk(params);
      case 'gas_price': {
        const id = Array.isArray(params) ? params[0] : objectParams(params ?? {})['block_id'];
        return { gas_price: this.#blockById(id ?? null).gasPrice.toString() };
      }
      case 'query':
        return this.#query(objectParams(params));
      case 'send_tx': {
        const p = objectParams(params);
        return this.#send(str(p, 'signed_tx_base64'), typeof p['wait_until'] === 'string' ? p['wait_until'] : 'EXECUTED_OPTIMISTIC');
      }
      case 'broadcast_tx_commit':
        return this.#send(this.#firstString(params), 'FINAL');
      case 'broadcast_tx_async':
        return this.#send(this.#firstString(params), 'NONE', true);
      case 'tx':
      case 'EXPERIMENTAL_tx_status':
        return this.#txStatus(params, method === 'EXPERIMENTAL_tx_status');
      case 'EXPERIMENTAL_protocol_config': {
        const b = this.#block(params);
        return {
          protocol_version: PROTOCOL_VERSION,
          chain_id: CHAIN_ID,
          genesis_height: 0,
          genesis_time: new Date(Number(this.devnet.store.getBlock(0n)!.timestampNs / 1_000_000n)).toISOString(),
          min_gas_price: GAS_PRICE.toString(),
          max_gas_price: GAS_PRICE.toString(),
          epoch_length: 43200,
          transaction_validity_period: Number(this.devnet.transactionValidityPeriod),
          block_height: Number(b.height),
          runtime_config: { storage_amount_per_byte: STORAGE_AMOUNT_PER_BYTE.toString() },
        };
      }
      case 'devnet_block_outcomes': {
        const b = this.#block(params);
        return { block_hash: b.hash, block_height: Number(b.height), outcomes: this.devnet.store.outcomesOfBlock(b.height).map((o) => o.body) };
      }
      case 'sandbox_fast_forward': {
        // nearcore sandbox's time travel: `delta_height` blocks, the clock moving one second each.
        const n = objectParams(params)['delta_height'];
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_FAST_FORWARD) return fail(parseError(`Failed parsing args: delta_height must be an integer from 1 to ${MAX_FAST_FORWARD}`));
        for (let i = 0; i < n; i++) {
          this.devnet.advanceTime(1);
          await this.devnet.produceBlock();
        }
        return {};
      }
      case 'devnet_advance_time': {
        const s = objectParams(params)['seconds'];
        if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 10 * 365 * 86_400) return fail(parseError('Failed parsing args: seconds must be a whole number of seconds up to ten years'));
        this.devnet.advanceTime(s);
        return {};
      }
      default:
        return fail(methodNotFoundError(method));
    }
  }

  /** The view of the block last asked for, kept while it is asked for again (blocks never change). */
  #lastBlockView: { hash: string; view: ReturnType<typeof blockView> } | null = null;

  #blockView(b: BlockHeader): ReturnType<typeof blockView> {
    const cached = this.#lastBlockView;
    if (cached !== null && cached.hash === b.hash) return cached.view;
    const view = blockView(b);
    this.#lastBlockView = { hash: b.hash, view };
    return view;
  }

  #firstString(params: unknown): string {
    const v = Array.isArray(params) ? params[0] : undefined;
    if (typeof v !== 'string') return fail(parseError('Failed parsing args: expected [signed_tx_base64]'));
    return v;
  }

  #status() {
    const latest = this.devnet.latestBlock();
    const genesis = this.devnet.store.getBlock(0n)!;
    return {
      chain_id: CHAIN_ID,
      protocol_version: PROTOCOL_VERSION,
      latest_protocol_version: PROTOCOL_VERSION,
      genesis_hash: genesis.hash,
      rpc_addr: null,
      node_public_key: 'ed25519:11111111111111111111111111111111',
      node_key: null,
      validator_account_id: null,
      validator_public_key: null,
      validators: [{ account_id: this.devnet.rootAccountId }],
      version: { version: 'outlayer-devnet', build: 'embedded', rustc_version: '' },
      uptime_sec: 0,
      sync_info: {
        latest_block_hash: latest.hash,
        latest_block_height: Number(latest.height),
        latest_state_root: '11111111111111111111111111111111',
        latest_block_time: new Date(Number(latest.timestampNs / 1_000_000n)).toISOString(),
        syncing: false,
        earliest_block_hash: genesis.hash,
        earliest_block_height: 0,
        earliest_block_time: new Date(Number(genesis.timestampNs / 1_000_000n)).toISOString(),
        epoch_id: '11111111111111111111111111111111',
        epoch_start_height: 0,
      },
    };
  }

  #blockById(id: unknown): BlockHeader {
    if (id === null || id === undefined) return this.devnet.latestBlock();
    let b: BlockHeader | null = null;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) b = this.devnet.store.getBlock(BigInt(id));
    else if (typeof id === 'string') b = this.devnet.store.getBlock(id);
    else return fail(parseError('Failed parsing args: block_id must be a height or a hash'));
    return b ?? fail(unknownBlockError(String(id)));
  }

  /** `{finality}`, `{block_id}` or `[block_id]`. */
  #block(params: unknown): BlockHeader {
    if (Array.isArray(params)) return this.#blockById(params[0]);
    const p = objectParams(params ?? {});
    if (p['block_id'] !== undefined && p['block_id'] !== null) return this.#blockById(p['block_id']);
    if (p['finality'] !== undefined && !['final', 'optimistic', 'near-final'].includes(p['finality'] as string)) {
      return fail(parseError('Failed parsing args: unknown finality'));
    }
    return this.devnet.latestBlock();
  }

  #chunk(params: unknown) {
    const p: Params = Array.isArray(params) ? { chunk_id: params[0] } : objectParams(params);
    if (typeof p['chunk_id'] === 'string') {
      const hash = p['chunk_id'];
      // Chunk hashes are derived from block hashes; search back from the tip.
      for (let h = this.devnet.latestBlock().height; h >= 0n; h--) {
        const b = this.devnet.store.getBlock(h)!;
        if (b.chunkHash === hash) return chunkView(this.devnet.store, b);
      }
      return fail(unknownBlockError(`chunk ${hash}`));
    }
    return chunkView(this.devnet.store, this.#blockById(p['block_id']));
  }

  async #query(p: Params): Promise<unknown> {
    const block = p['block_id'] !== undefined && p['block_id'] !== null ? this.#blockById(p['block_id']) : this.devnet.latestBlock();
    const at = { block_height: Number(block.height), block_hash: block.hash };
    const store = this.devnet.store;
    const requestType = str(p, 'request_type');
    const accountId = str(p, 'account_id');
    if (!isValidAccountId(accountId)) return fail(invalidAccountError(accountId, blockRef(block)));
    const account = store.getAccount(accountId);
    switch (requestType) {
      case 'view_account':
        if (!account) return fail(unknownAccountError(accountId, blockRef(block)));
        return {
          amount: account.amount.toString(),
          locked: account.locked.toString(),
          code_hash: account.codeHash,
          storage_usage: Number(account.storageUsage),
          storage_paid_at: 0,
          global_contract_hash: null,
          global_contract_account_id: null,
          ...at,
        };
      case 'view_access_key': {
        const pk = str(p, 'public_key');
        if (!account) return fail(unknownAccountError(accountId, blockRef(block)));
        const key = store.getAccessKey(accountId, pk);
        if (!key) return unknownAccessKeyResult(pk, blockRef(block));
        return { ...accessKeyView(key), ...at };
      }
      case 'view_access_key_list':
        if (!account) return fail(unknownAccountError(accountId, blockRef(block)));
        return { keys: store.listAccessKeys(accountId).map(([public_key, key]) => ({ public_key, access_key: accessKeyView(key) })), ...at };
      case 'view_code': {
        if (!account) return fail(unknownAccountError(accountId, blockRef(block)));
        const code = store.getCode(accountId);
        if (!code) return fail(noContractCodeError(accountId, blockRef(block)));
        return { code_base64: base64Encode(code), hash: account.codeHash, ...at };
      }
      case 'view_state': {
        if (!account) return fail(unknownAccountError(accountId, blockRef(block)));
        const prefix = base64Decode(typeof p['prefix_base64'] === 'string' ? p['prefix_base64'] : '');
        if (!prefix.ok) return fail(parseError(`Failed parsing args: ${prefix.error.message}`));
        const values = store.iterData(accountId, prefix.value).map(([k, v]) => ({ key: base64Encode(k), value: base64Encode(v) }));
        return { values, ...at };
      }
      case 'call_function': {
        const args = base64Decode(typeof p['args_base64'] === 'string' ? p['args_base64'] : '');
        if (!args.ok) return fail(parseError(`Failed parsing args: ${args.error.message}`));
        const r = await viewCall(this.devnet.engines, store, { height: block.height, timestampNs: block.timestampNs }, accountId, str(p, 'method_name'), args.value);
        if (!r.ok) {
          if (r.error === 'failed') return { ...callFunctionErrorResult(`FunctionCallError(${debugText(r.failure)})`, blockRef(block)), logs: r.logs };
          if (r.error === 'no_account') return fail(unknownAccountError(accountId, blockRef(block)));
          return fail(noContractCodeError(accountId, blockRef(block)));
        }
        return { result: [...r.result], logs: r.logs, ...at };
      }
      default:
        return fail(parseError(`Failed parsing args: unknown variant \`${requestType}\``));
    }
  }

  async #send(base64: string, waitUntil: string, hashOnly = false): Promise<unknown> {
    const decoded = decodeSignedTransactionBase64(base64);
    if (!decoded.ok) return fail(transactionParseError(decoded.error));
    const bytes = base64Decode(base64);
    if (!bytes.ok) return fail(transactionParseError(bytes.error));
    const signed = decoded.value;
    const sent = await this.devnet.submit(signed, bytes.value);
    if (!sent.ok) return fail(invalidTransactionError(sent.error));
    if (hashOnly) return signed.hash;
    if (waitUntil === 'NONE') return { final_execution_status: 'NONE' };
    return this.#waitOutcome(signed.hash, false, waitUntil);
  }

  /** After inclusion; `EXECUTED*`/`FINAL` also wait until every receipt of the transaction ran. */
  async #waitOutcome(hash: string, withReceipts: boolean, waitUntil: unknown): Promise<unknown> {
    const started = Date.now();
    const included = await this.devnet.waitFor(hash, this.#waitTimeoutMs);
    if (included === null) return fail(timeoutError());
    if (!included.ok) return fail(invalidTransactionError(included.error));
    if (waitUntil !== 'INCLUDED' && waitUntil !== 'INCLUDED_FINAL') {
      const left = this.#waitTimeoutMs - (Date.now() - started);
      if (!(await this.devnet.waitSettled(hash, Math.max(left, 0)))) return fail(timeoutError());
    }
    const tx = this.devnet.store.getTransaction(hash);
    if (!tx) return fail(unknownTransactionError(hash));
    return finalOutcomeView(this.devnet.store, tx, withReceipts);
  }

  async #txStatus(params: unknown, withReceipts: boolean): Promise<unknown> {
    let hash: unknown;
    let waitUntil: unknown = 'EXECUTED_OPTIMISTIC';
    if (Array.isArray(params)) hash = params[0];
    else {
      const p = objectParams(params);
      if (typeof p['signed_tx_base64'] === 'string') {
        const decoded = decodeSignedTransactionBase64(p['signed_tx_base64']);
        if (!decoded.ok) return fail(transactionParseError(decoded.error));
        hash = decoded.value.hash;
      } else hash = p['tx_hash'];
      waitUntil = p['wait_until'] ?? waitUntil;
    }
    if (typeof hash !== 'string') return fail(parseError('Failed parsing args: missing field `tx_hash`'));
    const tx = this.devnet.store.getTransaction(hash);
    if (!tx && (waitUntil === 'NONE' || !this.devnet.isQueued(hash))) return fail(unknownTransactionError(hash));
    return this.#waitOutcome(hash, withReceipts, waitUntil);
  }
}

/** nearcore's Rust debug text of a FunctionCallError, e.g. `MethodResolveError(MethodNotFound)`. */
function debugText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object') {
    const [[k, v]] = Object.entries(e) as [[string, unknown]];
    if (typeof v === 'string' && k === 'ExecutionError') return `HostError(GuestPanic { panic_msg: ${JSON.stringify(v.replace(/^Smart contract panicked: /, ''))} })`;
    return `${k}(${debugText(v)})`;
  }
  return String(e);
}

