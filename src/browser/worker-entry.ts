/**
 * The Web Worker script (dist/outlayer.worker.js): runs WASI jobs with the L1 executor and JS jobs
 * with the L3 runtime, one at a time, exactly as a Node pool thread does (src/js/node/worker.ts),
 * and signs results for the BrowserWorker. QuickJS is built on the first JS job, not before.
 */
import { OutlayerError } from '../errors.js';
import type { QuickJsSource } from '../js/engine/source.js';
import { JsRuntime } from '../js/runtime.js';
import { createGuestOs, QjsRuntime, toExecutionResult } from '../os/index.js';
import { sqlite3Program, type Sqlite3Program } from '../os/sqlite/program.js';
import { executeWasm } from '../sandbox/execute.js';
import { ModulePreparer } from '../sandbox/prepare.js';
import { toResponse } from '../worker/response.js';
import type { InitMessage, JobMessage, JobOutcome, WorkerReply } from './protocol.js';
import { browserQuickJsSource } from './quickjs-source.js';
import { browserSqliteSource } from './sqlite-source.js';
import { publicKeyString, sha256Hex, signAttestation } from './sign.js';

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: { data: InitMessage | JobMessage }) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

const preparer = new ModulePreparer();
let wasmUrl = '';
let secretKey: Uint8Array | null = null;
let js: JsRuntime | null = null;
let quickjs: QuickJsSource | null = null;
/** One QuickJS source for contracts/jobs and for qjs processes: the wasm is fetched once. */
const quickjsSource = (): QuickJsSource => (quickjs ??= browserQuickJsSource(wasmUrl));
const runtime = (): JsRuntime => (js ??= new JsRuntime({ source: quickjsSource(), preparer }));
let qjs: Promise<QjsRuntime> | null = null;
/** The guest OS's qjs engines, built when a script first runs qjs. */
const qjsRuntime = (): Promise<QjsRuntime> => {
  qjs ??= QjsRuntime.create({ source: quickjsSource(), preparer });
  qjs.catch(() => (qjs = null));
  return qjs;
};

let sqlite3: Sqlite3Program | null = null;
/** sqlite3 for the guest OS: sql.js's files sit next to quickjs.wasm and load on first use. */
const sqlite3Tool = (): Sqlite3Program =>
  (sqlite3 ??= sqlite3Program({ source: browserSqliteSource(new URL('sql-wasm-browser.wasm', wasmUrl).href, new URL('sql-wasm-browser.js', wasmUrl).href), preparer }));

/** OutLayer.sh: `sh -c script` in a fresh guest OS, as `outlayer sh` runs it. */
async function runShellJob(msg: JobMessage): Promise<JobOutcome> {
  const started = performance.now();
  const o = msg.options;
  const kernel = createGuestOs({
    maxInstructions: o.maxInstructions,
    blockTimestampNs: o.blockTimestampNs,
    seed: o.seed,
    maxOutputBytes: o.maxOutputBytes,
    qjs: qjsRuntime,
    programs: { sqlite3: sqlite3Tool() },
    ...(msg.shell?.image !== undefined && { image: msg.shell.image }),
  });
  const r = await kernel.run(['sh', '-c', new TextDecoder().decode(msg.code)], { stdin: o.input });
  const result = toExecutionResult(r, performance.now() - started);
  return msg.shell?.keepState ? { result, snapshot: kernel.vfs.snapshot() } : { result };
}

async function handle(msg: JobMessage): Promise<JobOutcome> {
  if (msg.sign && sha256Hex(msg.code) !== msg.sign.sha256) {
    throw Object.assign(new Error(`the artifact does not hash to ${msg.sign.sha256}`), { code: 'artifact_mismatch' });
  }
  let outcome: JobOutcome;
  if (msg.kind === 'sh') {
    outcome = await runShellJob(msg);
  } else if (msg.kind === 'wasm') {
    outcome = { result: await executeWasm(preparer, msg.code, msg.options) };
  } else {
    const source = new TextDecoder().decode(msg.code);
    const { state, ...result } = await runtime().run(source, msg.options, {
      ...(msg.entry !== undefined && { entry: msg.entry }),
      ...(msg.contract && { input: 'contract' as const, context: msg.contract.context, storage: msg.contract.storage }),
    });
    outcome = msg.contract ? { result, storage: msg.contract.storage } : { result };
    void state;
  }
  if (msg.sign) {
    if (!secretKey) throw new OutlayerError('usage', 'this worker holds no signing key');
    const s = msg.sign;
    const { response, output } = toResponse(outcome.result, s.format);
    const attestation = signAttestation(secretKey, s.contractId, s.sha256, { requestId: s.requestId, input: s.input, output, fuel: outcome.result.fuel_used });
    outcome = { ...outcome, response, attestation };
  }
  return outcome;
}

scope.addEventListener('message', ({ data }) => {
  if ('init' in data) {
    wasmUrl = data.init.wasmUrl;
    secretKey = data.init.secretKey ?? null;
    scope.postMessage({ ready: true, publicKey: secretKey ? publicKeyString(secretKey) : null });
    return;
  }
  void handle(data).then(
    (outcome) => scope.postMessage({ id: data.id, ...outcome }),
    (e: unknown) => {
      const err = e as Error & { code?: string };
      if (err.code === 'artifact_mismatch') return scope.postMessage({ id: data.id, error: { code: 'artifact_mismatch', message: err.message } });
      scope.postMessage({ id: data.id, error: { code: e instanceof OutlayerError ? e.code : 'internal', message: e instanceof OutlayerError ? err.message : (err?.stack ?? String(e)) } });
    },
  );
});
