/**
 * `outlayer sh -c "<script>" [--json] [--max-instructions N] [--image DIR] [--state FILE]`: one
 * script in a fresh guest OS (L2), printed like `outlayer run`: output = the shell's stdout,
 * exit_code its status (non-zero → error kind `exit`). `--state` keeps the VFS between runs:
 * loaded from FILE when it exists, written back after the run (content-addressed JSON).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { VfsImage } from '../os/kernel/index.js';
import { createGuestOs, toExecutionResult } from '../os/index.js';
import { nodeQjsRuntime, nodeSqlite3 } from '../os/node/runtimes.js';
import type { CliIO } from './run.js';
import { printResult } from './print-result.js';
import { parseFlags, parseIntegerFlag, UsageError } from './usage.js';

export const SH_HELP = `Usage: outlayer sh -c "<script>" [options]

Runs a POSIX shell script in a fresh guest OS (deterministic processes, pipes, files; sh, grep,
sed, awk, sort, … in /bin) and prints the result like outlayer run.

Options:
  -c <script>               the script (required)
  --input <text>            the script's stdin
  --max-instructions <n>    fuel budget for every process together (default 1e9)
  --image <dir>             mount a host directory's files at / (read once; nothing else of the host is visible)
  --state <file>            keep the filesystem between runs: load it from <file> when it exists, save it after
  --json                    print the result object as JSON
  -h, --help                show this help

Exit status: 0 when the script exits 0, 1 otherwise (the result says why), 2 for usage errors.`;

/** A host directory's regular files as a VFS image (symlinks and special files are skipped). */
function readImage(dir: string): VfsImage {
  const root = resolve(dir);
  const image: Record<string, Uint8Array | string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = lstatSync(path);
      const rel = `/${relative(root, path).split('\\').join('/')}`;
      if (st.isDirectory()) {
        image[`${rel}/`] = '';
        walk(path);
      } else if (st.isFile()) image[rel] = new Uint8Array(readFileSync(path));
    }
  };
  walk(root);
  return image;
}

export async function shCommand(argv: string[], io: CliIO): Promise<number> {
  const { values: v } = parseFlags(argv, {
    c: { type: 'string', short: 'c' },
    input: { type: 'string' },
    'max-instructions': { type: 'string' },
    image: { type: 'string' },
    state: { type: 'string' },
    json: { type: 'boolean' },
  }, SH_HELP);
  if (v.help) {
    io.stdout(`${SH_HELP}\n`);
    return 0;
  }
  if (v.c === undefined) throw new UsageError('missing -c "<script>"', SH_HELP);
  const maxInstructions = parseIntegerFlag('max-instructions', v['max-instructions'] ?? '1000000000', SH_HELP);
  let image: VfsImage | undefined;
  if (v.state !== undefined && existsSync(v.state)) {
    try {
      image = JSON.parse(readFileSync(v.state, 'utf8')) as VfsImage;
    } catch (e) {
      throw new UsageError(`--state ${v.state} is not a saved filesystem: ${(e as Error).message}`, SH_HELP);
    }
  } else if (v.image !== undefined) {
    if (!existsSync(v.image) || !lstatSync(v.image).isDirectory()) throw new UsageError(`--image ${v.image} is not a directory`, SH_HELP);
    image = readImage(v.image);
  }
  const started = performance.now();
  let kernel;
  try {
    kernel = createGuestOs({ maxInstructions, qjs: nodeQjsRuntime, programs: { sqlite3: nodeSqlite3() }, ...(image !== undefined && { image }) });
  } catch (e) {
    throw new UsageError(`cannot mount the filesystem: ${(e as Error).message}`, SH_HELP);
  }
  const r = await kernel.run(['sh', '-c', v.c], v.input !== undefined ? { stdin: v.input } : {});
  const result = toExecutionResult(r, performance.now() - started);
  if (v.state !== undefined) {
    const tmp = `${v.state}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(kernel.vfs.snapshot()));
    renameSync(tmp, v.state);
  }
  printResult(result, v.json === true, io);
  return result.status === 'ok' ? 0 : 1;
}
