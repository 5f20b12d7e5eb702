/**
 * `outlayer devnet [--port 3030] [--data-dir .outlayer] [--block-time-ms N]`: the embedded
 * NEAR devnet with its JSON-RPC on 127.0.0.1. Prints the RPC URL and the root account, then
 * runs until SIGINT/SIGTERM (or `signal` aborts, for tests). State persists in the data dir.
 */
import { join, resolve } from 'node:path';
import { Devnet, DEFAULT_BLOCK_TIME_MS, ROOT_ACCOUNT_ID } from '../chain/devnet.js';
import { DevnetRpc } from '../chain/rpc/handle.js';
import { startRpcServer } from '../chain/rpc/server.js';
import type { CliIO } from './run.js';
import { untilStopped } from './signals.js';
import { parseFlags, parseIntegerFlag, parsePortFlag } from './usage.js';

export const DEVNET_HELP = `Usage: outlayer devnet [options]

Runs the embedded NEAR devnet (JS and WASM contracts, NEAR JSON-RPC on 127.0.0.1).
The root account test.near holds 10^9 NEAR; its key is written to <data-dir>/test.near.json.

Options:
  --port <n>            JSON-RPC port (default 3030; 0 picks a free one)
  --data-dir <path>     chain.sqlite and test.near.json live here (default .outlayer)
  --block-time-ms <n>   milliseconds between blocks; 0 = one block per transaction (default ${DEFAULT_BLOCK_TIME_MS})
  -h, --help            show this help

Stops on Ctrl-C; a restart with the same --data-dir continues the chain.`;

export interface DevnetCommandOptions {
  /** Stops the devnet when aborted (tests); SIGINT/SIGTERM otherwise. */
  signal?: AbortSignal;
}

export async function devnetCommand(argv: string[], io: CliIO, options: DevnetCommandOptions = {}): Promise<number> {
  const parsed = parseFlags(argv, {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'block-time-ms': { type: 'string' },
  }, DEVNET_HELP);
  const v = parsed.values;
  if (v.help) {
    io.stdout(`${DEVNET_HELP}\n`);
    return 0;
  }
  const port = parsePortFlag('port', v.port ?? '3030', DEVNET_HELP);
  const blockTimeMs = Number(parseIntegerFlag('block-time-ms', v['block-time-ms'] ?? String(DEFAULT_BLOCK_TIME_MS), DEVNET_HELP));
  const dataDir = resolve(v['data-dir'] ?? '.outlayer');

  const devnet = Devnet.open({ dataDir, blockTimeMs });
  let server;
  try {
    server = await startRpcServer(new DevnetRpc(devnet), { port });
  } catch (e) {
    devnet.close();
    io.stderr(`outlayer devnet: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}\n`);
    return 1;
  }
  io.stdout(
    `NEAR devnet running\n  rpc:          ${server.url}\n  root account: ${ROOT_ACCOUNT_ID} (key: ${join(dataDir, `${ROOT_ACCOUNT_ID}.json`)})\n` +
      `  blocks:       ${blockTimeMs === 0 ? 'one per transaction' : `every ${blockTimeMs} ms`}, height ${devnet.latestBlock().height}\n`,
  );

  await untilStopped(options.signal);
  await server.close();
  await devnet.stop();
  io.stdout('devnet stopped\n');
  return 0;
}
