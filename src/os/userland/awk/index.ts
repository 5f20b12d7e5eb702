/**
 * awk: the POSIX pattern-scanning language — a lexer, a parser and a tree-walking interpreter.
 *
 * @example
 *   seq 1 100 | awk '{ s += $1 } END { print s }'          # 5050
 *   awk -F: -v OFS=' ' '$3 >= 1000 { print $1, $6 }' /etc/passwd
 *
 * Usage: awk [-F sep] [-v var=value]... ['program' | -f progfile]... [file | var=value]...
 * The POSIX language: patterns (BEGIN, END, expressions, /re/, ranges), fields, the special
 * variables, arrays, user functions, getline (plain, < file, "cmd" | getline), print/printf with
 * > >> and | redirections, and the POSIX built-ins plus fflush/close/system; gawk's RS as a regex
 * when longer than one character. Not supported: the gawk extensions beyond that (gensub,
 * strftime, IGNORECASE, arrays of arrays, BEGINFILE, @include …) and uninitialized-array
 * detection across function calls deeper than one level.
 * Exit status: the `exit` expression, 0 by default; 2 for a syntax error, a runtime error
 * (division by zero, a bad regex) or an unreadable input file.
 */
import { OsError } from '../../types.js';
import type { Proc, Program } from '../../types.js';
import { AwkRuntimeError, Interpreter } from './interp.js';
import { AwkSyntaxError, unescape } from './lexer.js';
import { parseAwk } from './parser.js';

export { AWK_FUEL } from './interp.js';

class UsageError extends Error {}

const USAGE = "usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]";

interface Args {
  fs: string | null;
  assignments: [string, string][];
  source: string;
  operands: string[];
}

async function parseArgs(p: Proc, argv: readonly string[]): Promise<Args> {
  let fs: string | null = null;
  const assignments: [string, string][] = [];
  const progFiles: string[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const flag = a[1]!;
    if (flag !== 'F' && flag !== 'v' && flag !== 'f') throw new UsageError(`unknown option ${a} ignored\n${USAGE}`);
    const value = a.length > 2 ? a.slice(2) : argv[++i];
    if (value === undefined) throw new UsageError(`no value given for -${flag}\n${USAGE}`);
    if (flag === 'F') fs = value === 't' ? '\t' : unescape(value);
    else if (flag === 'f') progFiles.push(value);
    else {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
      if (!m) throw new UsageError(`invalid -v argument: ${value}`);
      assignments.push([m[1]!, m[2]!]);
    }
  }
  let source: string;
  if (progFiles.length > 0) {
    const texts: string[] = [];
    for (const f of progFiles) texts.push(new TextDecoder().decode(await p.readFile(f)));
    source = texts.join('\n');
  } else {
    const prog = argv[i++];
    if (prog === undefined) throw new UsageError(USAGE);
    source = prog;
  }
  return { fs, assignments, source, operands: argv.slice(i) };
}

export const awk: Program = async (p: Proc) => {
  let args: Args;
  try {
    args = await parseArgs(p, p.argv);
  } catch (e) {
    if (e instanceof UsageError || e instanceof OsError) {
      await p.write(2, `awk: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let interp: Interpreter;
  try {
    const program = parseAwk(args.source);
    p.charge(args.source.length);
    const assignments: [string, string][] = args.fs === null ? args.assignments : [['FS', args.fs], ...args.assignments];
    interp = new Interpreter(p, program, { assignments, operands: args.operands });
  } catch (e) {
    if (e instanceof AwkSyntaxError || e instanceof AwkRuntimeError) {
      await p.write(2, `awk: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  try {
    return await interp.run();
  } catch (e) {
    if (e instanceof AwkRuntimeError) {
      await p.write(2, `awk: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
};
