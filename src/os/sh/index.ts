/**
 * `sh`, a POSIX shell subset, as a `Program`.
 *
 *   sh -c 'script' [name [args…]]   run a string ($0 = name, default "sh")
 *   sh file [args…]                 run a file
 *   sh [-s] [args…]                 run the script read from standard input
 *
 * Options before these: `-e` (errexit), `-x` (xtrace). A syntax error prints
 * `sh: syntax error: … (line N)` and exits 2; an unknown command exits 127.
 *
 * @example
 *   const status = await sh(proc); // proc.argv = ['sh', '-c', 'echo hi | cat']
 */
import { OsError } from '../types.js';
import type { Proc, Program } from '../types.js';
import { Shell } from './interp.js';
import { errnoText } from './redirect.js';

export { Shell, SH_FUEL, MAX_FUNCTION_DEPTH } from './interp.js';
export type { ShellOptions } from './interp.js';
export { parse, ShSyntaxError } from './parser.js';
export { printAst } from './print.js';
export { compilePattern } from './pattern.js';
export type { Pattern } from './pattern.js';
export { BUILTINS } from './builtins.js';
export type * from './ast.js';

const USAGE = 'usage: sh [-ex] [-c script [name [arg…]] | file [arg…] | -s [arg…]]';

export const sh: Program = async (p: Proc) => {
  const argv = p.argv.slice(1);
  let errexit = false;
  let xtrace = false;
  let command: string | undefined;
  let fromStdin = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!/^-[a-z]+$/.test(arg)) break;
    for (const flag of arg.slice(1)) {
      if (flag === 'e') errexit = true;
      else if (flag === 'x') xtrace = true;
      else if (flag === 's') fromStdin = true;
      else if (flag === 'c') command = '';
      else {
        await p.write(2, `sh: -${flag}: unknown option\n${USAGE}\n`);
        return 2;
      }
    }
  }
  let arg0 = 'sh';
  let source: string;
  if (command !== undefined) {
    if (i >= argv.length) {
      await p.write(2, `sh: -c: option requires an argument\n${USAGE}\n`);
      return 2;
    }
    source = argv[i++]!;
    if (i < argv.length) arg0 = argv[i++]!;
  } else if (!fromStdin && i < argv.length) {
    arg0 = argv[i++]!;
    try {
      source = new TextDecoder().decode(await p.readFile(arg0));
    } catch (e) {
      if (!(e instanceof OsError)) throw e;
      await p.write(2, `sh: ${arg0}: ${errnoText(e)}\n`);
      return 127;
    }
  } else {
    source = await readAll(p, 0);
  }
  // Builtins in a pipeline write from this process: a closed reader must fail that one
  // command (EPIPE), not kill the shell. Children do not inherit this.
  p.ignoreSigpipe();
  const shell = Shell.create(p, { arg0, args: argv.slice(i), errexit, xtrace });
  const script = await shell.parseSource(source);
  if (!script) return 2;
  return (await shell.runScript(script)) & 255;
};

async function readAll(p: Proc, fd: number): Promise<string> {
  const decoder = new TextDecoder();
  let out = '';
  for (let chunk = await p.read(fd, 65536); chunk; chunk = await p.read(fd, 65536)) out += decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}
