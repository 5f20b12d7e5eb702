/**
 * The `outlayer` command: dispatches to one file per subcommand. Every command has --help;
 * usage errors print the command's help to stderr and exit with status 2.
 */
import { devCommand } from './dev.js';
import { devnetCommand } from './devnet.js';
import { requestCommand } from './request.js';
import { coordinatorCommand, workerCommand } from './services.js';
import { shCommand } from './sh.js';
import { runCommand, type CliIO } from './run.js';
import { UsageError } from './usage.js';

export const MAIN_HELP = `Usage: outlayer <command> [options]

Commands:
  dev                         run everything on embedded defaults: devnet + contract + coordinator + worker
  request <file.wasm | file.js>  ask the OutLayer contract for an execution and wait for the result
  run <file.wasm | file.js>   run code in the metered, deterministic sandbox (--mode linux: under the guest OS)
  sh -c "<script>"            run a shell script in a fresh deterministic guest OS (L2)
  devnet                      run the embedded NEAR devnet with its JSON-RPC on 127.0.0.1
  coordinator                 run the coordinator alone (watch a contract, queue, serve workers)
  worker                      run a server worker alone
  help [command]              show help for a command

Run 'outlayer <command> --help' for a command's options.`;

const COMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  run: runCommand,
  devnet: (argv, io) => devnetCommand(argv, io),
  dev: (argv, io) => devCommand(argv, io),
  coordinator: coordinatorCommand,
  sh: shCommand,
  worker: workerCommand,
  request: (argv, io) => requestCommand(argv, { ...io, isTTY: process.stderr.isTTY === true }),
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      io.stdout(`${MAIN_HELP}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === 'help') {
      const target = rest[0];
      if (target && COMMANDS[target]) return await COMMANDS[target]!(['--help'], io);
      io.stdout(`${MAIN_HELP}\n`);
      return 0;
    }
    const handler = COMMANDS[command];
    if (!handler) throw new UsageError(`unknown command ${JSON.stringify(command)}`, MAIN_HELP);
    return await handler(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`outlayer: ${e.message}\n\n${e.help}\n`);
      return 2;
    }
    throw e;
  }
}
