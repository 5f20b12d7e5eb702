/**
 * `outlayer dev [--rpc-port 3030] [--port 8080] [--data-dir .outlayer] [--api-key K]...`: the
 * whole system on embedded defaults (devnet + contract + coordinator + one worker), printing its
 * URLs; stops cleanly on Ctrl-C.
 */
import { join, resolve } from 'node:path';
import { startDevStack } from './dev-stack.js';
import type { CliIO } from './run.js';
import { untilStopped } from './signals.js';
import { parseFlags, parseIntegerFlag, parsePortFlag, UsageError } from './usage.js';

export const DEV_HELP = `Usage: outlayer dev [options]

Runs OutLayer on embedded defaults: a NEAR devnet (instant blocks) with the OutLayer contract at
outlayer.test.near, the coordinator watching it, and one worker. State persists in --data-dir.

Options:
  --rpc-port <n>       NEAR JSON-RPC port (default 3030)
  --port <n>           coordinator HTTP port (default 8080)
  --data-dir <path>    chain, keys, coordinator and worker state (default .outlayer)
  --api-key <key>      accept this API key (tier "keyed"); repeatable
  --concurrency <n>    worker threads (default 1)
  -h, --help           show this help

Then, in another terminal: outlayer request examples/hello.wasm`;

export async function devCommand(argv: string[], io: CliIO, options: { signal?: AbortSignal } = {}): Promise<number> {
  const parsed = parseFlags(argv, {
    'rpc-port': { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'api-key': { type: 'string', multiple: true },
    concurrency: { type: 'string' },
  }, DEV_HELP);
  const v = parsed.values;
  if (v.help) {
    io.stdout(`${DEV_HELP}\n`);
    return 0;
  }
  const rpcPort = parsePortFlag('rpc-port', v['rpc-port'] ?? '3030', DEV_HELP);
  const httpPort = parsePortFlag('port', v.port ?? '8080', DEV_HELP);
  const concurrency = Number(parseIntegerFlag('concurrency', v.concurrency ?? '1', DEV_HELP));
  if (concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency must be between 1 and 64, got ${concurrency}`, DEV_HELP);
  const dataDir = resolve(v['data-dir'] ?? '.outlayer');

  let stack;
  try {
    stack = await startDevStack({ dataDir, rpcPort, port: httpPort, apiKeys: v['api-key'] ?? [], concurrency, logger: { level: 'warn' } });
  } catch (e) {
    io.stderr(`outlayer dev: could not start: ${(e as Error).message}\n`);
    return 1;
  }
  const d = stack.deployment;
  io.stdout(
    [
      'OutLayer dev running',
      `  NEAR RPC:     ${stack.rpc.url}  (root test.near, key ${join(dataDir, 'test.near.json')})`,
      `  contract:     ${d.contractId}${d.deployed ? ' (deployed now)' : ''}, operator ${d.operator.account_id}`,
      `  coordinator:  ${stack.coordinatorUrl}  (health ${stack.coordinatorUrl}/v1/health, metrics ${stack.coordinatorUrl}/metrics)`,
      `  worker:       1 worker, ${concurrency} thread(s), key in ${join(dataDir, 'worker', 'worker-key.json')}`,
      `  dev account:  ${d.dev.account_id} (key ${join(dataDir, `${d.dev.account_id}.json`)})`,
      '',
      `Try: npx outlayer request examples/hello.wasm${dataDir === resolve('.outlayer') ? '' : ` --data-dir ${dataDir}`}${rpcPort === 3030 ? '' : ` --rpc ${stack.rpc.url}`}${httpPort === 8080 ? '' : ` --coordinator ${stack.coordinatorUrl}`}`,
      'Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  await untilStopped(options.signal);
  io.stdout('stopping: draining the worker…\n');
  await stack[Symbol.asyncDispose]();
  io.stdout('OutLayer dev stopped\n');
  return 0;
}
