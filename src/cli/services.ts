/**
 * The parts of `outlayer dev` on their own:
 *   outlayer coordinator --rpc URL [--contract ID --operator-key FILE] [--port 8080] [--data-dir DIR]
 *                        [--worker-token T]... [--api-key K]... [--redis URL]
 *   outlayer worker --coordinator URL --token T [--concurrency N] [--data-dir DIR]
 * Both run until SIGINT/SIGTERM; the worker drains (finishes what it holds) before exiting.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { readCredentials } from '../contract/node/deploy.js';
import { Coordinator } from '../coordinator/app.js';
import { RedisStore } from '../coordinator/throttle/redis-store.js';
import { WorkerSigner } from '../worker/signer.js';
import { ServerWorker } from '../worker/worker.js';
import type { CliIO } from './run.js';
import { untilStopped } from './signals.js';
import { parseFlags, parseIntegerFlag, parsePortFlag, UsageError } from './usage.js';

export const COORDINATOR_HELP = `Usage: outlayer coordinator --rpc <url> [options]

Runs the coordinator: watches the OutLayer contract, queues jobs with leases, serves workers and
the HTTPS executions API, stores artifacts, throttles every public route, resolves on-chain.

Options:
  --rpc <url>             NEAR JSON-RPC (the devnet or any NEAR node)   (required)
  --contract <id>         the OutLayer contract to watch (omit: HTTPS API only)
  --operator-key <file>   near-cli credentials of the contract's operator (with --contract)
  --port <n>              HTTP port on 127.0.0.1 (default 8080)
  --data-dir <path>       state (default .outlayer/coordinator)
  --worker-token <t>      a token workers register with; repeatable
  --api-key <key>         accept this API key (tier "keyed"); repeatable
  --redis <url>           share throttle budgets through Redis (default: in memory)
  -h, --help              show this help`;

export const WORKER_HELP = `Usage: outlayer worker --coordinator <url> --token <t> [options]

Runs a server worker: claims jobs, runs them in the sandbox pool, reports signed results.

Options:
  --coordinator <url>   the coordinator (required)
  --token <t>           the worker token the coordinator accepts (required)
  --concurrency <n>     jobs at once (default 1)
  --data-dir <path>     keeps the worker's signing key (default .outlayer/worker)
  -h, --help            show this help

SIGTERM or Ctrl-C drains: the worker finishes what it holds and claims nothing new.`;


export async function coordinatorCommand(argv: string[], io: CliIO): Promise<number> {
  const v = parseFlags(argv, {
    rpc: { type: 'string' },
    contract: { type: 'string' },
    'operator-key': { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'worker-token': { type: 'string', multiple: true },
    'api-key': { type: 'string', multiple: true },
    redis: { type: 'string' },
  }, COORDINATOR_HELP).values;
  if (v.help) {
    io.stdout(`${COORDINATOR_HELP}\n`);
    return 0;
  }
  if (!v.rpc) throw new UsageError('--rpc is required', COORDINATOR_HELP);
  if (v.contract && !v['operator-key']) throw new UsageError('--contract needs --operator-key', COORDINATOR_HELP);
  const port = parsePortFlag('port', v.port ?? '8080', COORDINATOR_HELP);
  const dataDir = resolve(v['data-dir'] ?? '.outlayer/coordinator');
  mkdirSync(dataDir, { recursive: true });
  const operator = v['operator-key'] ? readCredentials(v['operator-key']) : null;
  const redis = v.redis ? new Redis(v.redis, { maxRetriesPerRequest: 2 }) : null;
  const coordinator = await Coordinator.open({
    dataDir,
    rpcUrl: v.rpc,
    ...(v.contract && operator && { contractId: v.contract, operator: { accountId: operator.account_id, privateKey: operator.private_key } }),
    workerTokens: v['worker-token'] ?? [],
    apiKeys: v['api-key'] ?? [],
    ...(redis && { bucketStore: new RedisStore({ redis, ownsClient: true }) }),
  });
  const url = await coordinator.listen(port);
  io.stdout(`coordinator listening on ${url}${v.contract ? `, watching ${v.contract} on ${v.rpc}` : ''}\n`);
  await untilStopped();
  await coordinator[Symbol.asyncDispose]();
  return 0;
}

export async function workerCommand(argv: string[], io: CliIO): Promise<number> {
  const v = parseFlags(argv, {
    coordinator: { type: 'string' },
    token: { type: 'string' },
    concurrency: { type: 'string' },
    'data-dir': { type: 'string' },
  }, WORKER_HELP).values;
  if (v.help) {
    io.stdout(`${WORKER_HELP}\n`);
    return 0;
  }
  if (!v.coordinator || !v.token) throw new UsageError('--coordinator and --token are required', WORKER_HELP);
  const concurrency = Number(parseIntegerFlag('concurrency', v.concurrency ?? '1', WORKER_HELP));
  if (concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency must be between 1 and 64, got ${concurrency}`, WORKER_HELP);
  const dataDir = resolve(v['data-dir'] ?? '.outlayer/worker');
  mkdirSync(dataDir, { recursive: true });
  const signer = WorkerSigner.open(dataDir);
  const worker = await ServerWorker.start({ coordinator: v.coordinator, token: v.token, signer, concurrency });
  io.stdout(`worker ${signer.publicKey} claiming from ${v.coordinator} (${concurrency} at once)\n`);
  await untilStopped();
  io.stdout('draining: finishing held jobs…\n');
  await worker[Symbol.asyncDispose]();
  io.stdout(`worker stopped after ${worker.finished} job(s)\n`);
  return 0;
}
