/**
 * Entry point of the guest OS's pool thread (./pool.ts): shell scripts (kind 'sh') in a fresh
 * guest OS — the kernel, sh, the userland, qjs and sqlite3 — and WebAssembly and JS jobs as the
 * JS pool's threads run them (src/js/node/thread-handler.ts). A script spinning in a tool can at
 * worst spin this thread, which the pool terminates at the job's wall-clock limit.
 *
 * A script job: the input is the script's stdin, the environment its environment, and every
 * process of the OS shares one NEAR context — the caller's, or one built from the job's NEAR_*
 * environment, seed and block time (as a WASI job's).
 */
import { defaultNearContext } from '../../sandbox/near.js';
import type { NormalizedOptions } from '../../sandbox/options.js';
import type { ModulePreparer } from '../../sandbox/prepare.js';
import { serveThread } from '../../sandbox/node/serve-thread.js';
import type { ExecutionResult } from '../../sandbox/result.js';
import { runJsThreadJob, warmJsThread } from '../../js/node/thread-handler.js';
import { nodeQuickJsSource } from '../../js/node/source.js';
import { createGuestOs, toExecutionResult } from '../index.js';
import { QjsRuntime } from '../qjs/runtime.js';
import { sqlite3Program, type Sqlite3Program } from '../sqlite/program.js';
import { nodeSqliteSource } from './sqlite-source.js';

let qjs: Promise<QjsRuntime> | null = null;
let sqlite3: Sqlite3Program | null = null;

async function runScript(script: string, preparer: ModulePreparer, o: NormalizedOptions): Promise<ExecutionResult> {
  const started = performance.now();
  const env = Object.fromEntries(o.env);
  const qjsRuntime = (): Promise<QjsRuntime> => {
    qjs ??= QjsRuntime.create({ source: nodeQuickJsSource, preparer });
    qjs.catch(() => (qjs = null));
    return qjs;
  };
  sqlite3 ??= sqlite3Program({ source: nodeSqliteSource, preparer });
  const kernel = createGuestOs({
    maxInstructions: o.maxInstructions,
    blockTimestampNs: o.blockTimestampNs,
    seed: o.seed,
    env,
    maxOutputBytes: o.maxOutputBytes,
    qjs: qjsRuntime,
    programs: { sqlite3 },
    near: o.near ?? defaultNearContext({ env: o.env, seed: o.seed, blockTimestampNs: o.blockTimestampNs }),
  });
  const r = await kernel.run(['sh', '-c', script], { stdin: o.input });
  const result = toExecutionResult(r, performance.now() - started);
  return o.rawOutput ? { ...result, output_bytes: r.stdout } : result;
}

serveThread(async (msg, preparer, options) => {
  if (msg.kind === 'sh') return runScript(new TextDecoder().decode(msg.code), preparer, options);
  return runJsThreadJob(msg, preparer, options);
}, warmJsThread);
