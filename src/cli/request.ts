/**
 * `outlayer request <file.wasm | file.js> [--input ..] [--max-instructions ..] [--rpc URL]
 * [--coordinator URL] [--data-dir DIR] [--json]`: uploads the code to the coordinator, signs
 * `request_execution` as the dev account (its key from the data dir), waits until the request is
 * resolved on-chain, and prints the result object plus `request_id`. Output and fuel_used equal
 * `outlayer run` for the same code and input.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Account, JsonRpcProvider, actions } from 'near-api-js';
import { readCredentials } from '../contract/node/deploy.js';
import { bundleContract, BundleError } from '../js/node/bundle.js';
import { OutlayerClient } from '../sdk/client.js';
import type { ExecutionView } from '../sdk/types.js';
import type { CliIO } from './run.js';
import { parseFlags, parseIntegerFlag, UsageError } from './usage.js';

export const REQUEST_HELP = `Usage: outlayer request <file.wasm | file.js | file.sh> [options]

Asks the OutLayer contract for an execution, as a NEAR contract would, and waits for the result:
uploads the code to the coordinator, signs request_execution as the dev account, and prints the
result once the request is resolved on-chain. Start the system first with: outlayer dev

Options:
  --input <text>              input (stdin for WASI, the argument for JS)
  --max-instructions <n>      fuel budget (default 1e9)
  --max-execution-seconds <n> wall-clock limit (default 60)
  --format <Text|Json|Bytes>  how the contract returns the output (default Text)
  --rpc <url>                 NEAR RPC (default http://127.0.0.1:3030)
  --coordinator <url>         coordinator (default http://127.0.0.1:8080)
  --data-dir <path>           where outlayer dev keeps keys (default .outlayer)
  --account <file>            credentials to sign with (default <data-dir>/dev.test.near.json)
  --contract <id>             the OutLayer contract (default outlayer.test.near)
  --timeout <s>               give up waiting after this many seconds (default 300)
  --json                      print the result object as JSON
  -h, --help                  show this help

Exit status: 0 success, 1 the execution failed, 2 usage error, 3 the request could not be made.`;

const TGAS = 10n ** 12n;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function requestCommand(argv: string[], io: CliIO & { isTTY?: boolean }): Promise<number> {
  const parsed = parseFlags(argv, {
    input: { type: 'string' },
    'max-instructions': { type: 'string' },
    'max-execution-seconds': { type: 'string' },
    format: { type: 'string' },
    rpc: { type: 'string' },
    coordinator: { type: 'string' },
    'data-dir': { type: 'string' },
    account: { type: 'string' },
    contract: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
  }, REQUEST_HELP, true);
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.stdout(`${REQUEST_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing <file.wasm | file.js | file.sh>' : `expected one file, got ${positionals.length}`, REQUEST_HELP);
  const format = v.format ?? 'Text';
  if (format !== 'Text' && format !== 'Json' && format !== 'Bytes') throw new UsageError(`--format must be Text, Json or Bytes, got ${JSON.stringify(format)}`, REQUEST_HELP);
  const maxInstructions = Number(parseIntegerFlag('max-instructions', v['max-instructions'] ?? '1000000000', REQUEST_HELP));
  const maxSeconds = Number(parseIntegerFlag('max-execution-seconds', v['max-execution-seconds'] ?? '60', REQUEST_HELP));
  const timeoutS = Number(parseIntegerFlag('timeout', v.timeout ?? '300', REQUEST_HELP));
  const dataDir = resolve(v['data-dir'] ?? '.outlayer');
  const rpcUrl = v.rpc ?? 'http://127.0.0.1:3030';
  const contractId = v.contract ?? 'outlayer.test.near';
  const file = positionals[0]!;
  const isJs = /\.[cm]?js$/i.test(file);
  const isSh = /\.sh$/i.test(file);

  let code: Uint8Array;
  try {
    code = isJs ? new TextEncoder().encode(await bundleContract(file)) : new Uint8Array(await readFile(file));
  } catch (e) {
    if (e instanceof BundleError) {
      io.stderr(`outlayer request: ${e.message}\n`);
      return 1;
    }
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`, REQUEST_HELP);
  }
  let creds;
  try {
    creds = readCredentials(v.account ?? join(dataDir, 'dev.test.near.json'));
  } catch (e) {
    io.stderr(`outlayer request: no dev account key (${(e as Error).message}); is 'outlayer dev' running with this --data-dir?\n`);
    return 3;
  }

  const status = new Status(io);
  try {
    const client = new OutlayerClient({ coordinator: v.coordinator ?? 'http://127.0.0.1:8080' });
    status.set('uploading the code');
    const sha256 = await client.uploadArtifact(code);
    const provider = new JsonRpcProvider({ url: rpcUrl });
    const limits = { max_instructions: maxInstructions, max_execution_seconds: maxSeconds };
    const deposit = BigInt((await provider.callFunction({ contractId, method: 'estimate_execution_cost', args: { resource_limits: limits } })) as string);
    status.set(`sending request_execution as ${creds.account_id}`);
    const account = new Account(creds.account_id, provider, creds.private_key);
    const args = { code_source: { artifact: { sha256, kind: isJs ? 'js' : isSh ? 'sh' : 'wasm' } }, resource_limits: limits, response_format: format, ...(v.input !== undefined && { input_data: v.input }) };
    const sent = (await account.signAndSendTransaction({
      receiverId: contractId,
      actions: [actions.functionCall('request_execution', new TextEncoder().encode(JSON.stringify(args)), 300n * TGAS, deposit)],
      waitUntil: 'INCLUDED',
      throwOnFailure: false,
    })) as unknown as { transaction: { hash: string } };
    const requestId = await requestIdOf(provider, sent.transaction.hash, creds.account_id, contractId);
    const deadline = Date.now() + timeoutS * 1000;
    let view: ExecutionView | null = null;
    for (;;) {
      status.set(`request ${requestId}: waiting for the result`);
      const settled = (await provider.callFunction({ contractId, method: 'get_request', args: { request_id: requestId } })) as { status: string; error?: string | null } | null;
      if (settled && !['pending', 'resolved'].includes(settled.status)) {
        view = await client.get(`chain:${contractId}:${requestId}`).catch(() => null);
        status.clear();
        const result = view?.result ?? { status: 'error', output: '', fuel_used: 0, exit_code: null, logs: [], error: { kind: 'trap', message: settled.error ?? settled.status }, duration_ms: 0 };
        const out = { ...result, request_id: requestId, request_status: settled.status, resolution_tx: view?.resolution_tx ?? null, seed: view?.seed ?? null, block_timestamp_ns: view?.block_timestamp_ns ?? null };
        if (v.json) io.stdout(`${JSON.stringify(out)}\n`);
        else {
          io.stdout(result.output);
          for (const line of result.logs) io.stderr(`${line}\n`);
          io.stderr(`request_id=${requestId} status=${settled.status} fuel_used=${result.fuel_used}${result.error ? ` error=${result.error.kind}: ${result.error.message}` : ''}\n`);
          if (view) io.stderr(`reproduce: outlayer run ${file} --seed ${view.seed} --block-timestamp-ns ${view.block_timestamp_ns}${v.input !== undefined ? ' --input …' : ''}\n`);
        }
        return settled.status === 'completed' ? 0 : 1;
      }
      if (Date.now() > deadline) {
        status.clear();
        io.stderr(`outlayer request: request ${requestId} was not resolved within ${timeoutS} s\n`);
        return 3;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    status.clear();
    io.stderr(`outlayer request: ${(e as Error).message}\n`);
    return 3;
  }
}

/** The request id from the execution_requested event of the transaction's receipts. */
async function requestIdOf(provider: JsonRpcProvider, txHash: string, signer: string, contractId: string): Promise<number> {
  const o = (await provider.viewTransactionStatus({ txHash, accountId: signer, waitUntil: 'INCLUDED' })) as unknown as { receipts_outcome: Array<{ outcome: { executor_id: string; logs: string[]; status: { Failure?: unknown } } }> };
  for (const r of o.receipts_outcome) {
    if (r.outcome.status.Failure !== undefined) throw new Error(`request_execution failed: ${JSON.stringify(r.outcome.status.Failure)}`);
    if (r.outcome.executor_id !== contractId) continue;
    for (const line of r.outcome.logs) {
      if (!line.startsWith('EVENT_JSON:')) continue;
      const e = JSON.parse(line.slice(11)) as { event: string; data: Array<{ request_id: number }> };
      if (e.event === 'execution_requested') return e.data[0]!.request_id;
    }
  }
  throw new Error('the transaction logged no execution_requested event');
}

/** A one-line spinner on a terminal; nothing otherwise. */
class Status {
  #timer: ReturnType<typeof setInterval> | null = null;
  #text = '';
  #frame = 0;
  constructor(readonly io: CliIO & { isTTY?: boolean }) {}
  set(text: string): void {
    this.#text = text;
    if (!this.io.isTTY || this.#timer) return;
    this.#timer = setInterval(() => this.io.stderr(`\r${SPINNER[this.#frame++ % SPINNER.length]} ${this.#text}\u001b[K`), 80);
  }
  clear(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.io.isTTY) this.io.stderr('\r\u001b[K');
  }
}
