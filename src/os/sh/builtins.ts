/**
 * Builtins: commands that must change the shell itself (`cd`, `export`, `exit`, `read`, …) or
 * are cheap enough not to deserve a process (`echo`, `true`, `:`). Everything else is spawned;
 * `test`/`[`, `printf` and the rest of userland are separate programs.
 */
import { OsError, SIGNAL_NUMBERS, type Signal } from '../types.js';
import type { Shell } from './interp.js';
import { errnoText } from './redirect.js';
import { ExitSignal, LoopSignal, ReturnSignal } from './signals.js';

export type Builtin = (sh: Shell, argv: string[]) => Promise<number>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `'…'` quoting that the shell reads back as the same string. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function usage(sh: Shell, name: string, message: string, status = 2): Promise<number> {
  await sh.error(`${name}: ${message}`);
  return status;
}

function count(arg: string | undefined, fallback: number): number | undefined {
  if (arg === undefined) return fallback;
  return /^[0-9]+$/.test(arg) ? Number(arg) : undefined;
}

const ECHO_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', e: '\x1b' };

/** Reads one line from the shell's fd 0 a byte at a time, so the rest stays for the next reader. */
async function readLine(sh: Shell): Promise<{ line: string; eof: boolean }> {
  const real = sh.fds.get(0);
  if (real === undefined) throw new OsError('EBADF', '0: bad file descriptor');
  const bytes: number[] = [];
  for (;;) {
    const chunk = await sh.p.read(real, 1);
    if (chunk === null) return { line: new TextDecoder().decode(new Uint8Array(bytes)), eof: true };
    if (chunk[0] === 10) return { line: new TextDecoder().decode(new Uint8Array(bytes)), eof: false };
    bytes.push(chunk[0]!);
  }
}

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  ':': async () => 0,
  wait: (sh, argv) => sh.waitJobs(argv.slice(1)),
  kill,
  true: async () => 0,
  false: async () => 1,

  async echo(sh, argv) {
    let i = 1;
    let newline = true;
    let escapes = false;
    for (; i < argv.length && /^-[neE]+$/.test(argv[i]!); i++) {
      for (const flag of argv[i]!.slice(1)) {
        if (flag === 'n') newline = false;
        else escapes = flag === 'e';
      }
    }
    let text = argv.slice(i).join(' ');
    if (escapes) {
      const stop = text.indexOf('\\c');
      if (stop >= 0) {
        text = text.slice(0, stop);
        newline = false;
      }
      text = text.replace(/\\(0[0-7]{0,3}|.)/g, (m, c: string) => (c[0] === '0' ? String.fromCharCode(parseInt(c, 8) || 0) : (ECHO_ESCAPES[c] ?? m)));
    }
    await sh.write(1, newline ? text + '\n' : text);
    return 0;
  },

  async pwd(sh) {
    await sh.write(1, sh.cwd + '\n');
    return 0;
  },

  async cd(sh, argv) {
    let target = argv[1] ?? sh.vars.get('HOME') ?? '/';
    const back = target === '-';
    if (back) target = sh.vars.get('OLDPWD') ?? sh.cwd;
    const path = sh.resolve(target);
    try {
      if (sh.p.stat(path).kind !== 'dir') return usage(sh, 'cd', `${target}: Not a directory`, 1);
    } catch (e) {
      if (!(e instanceof OsError)) throw e;
      return usage(sh, 'cd', `${target}: ${errnoText(e)}`, 1);
    }
    sh.assign('OLDPWD', sh.cwd);
    sh.setCwd(path);
    sh.assign('PWD', path);
    if (back) await sh.write(1, path + '\n');
    return 0;
  },

  async export(sh, argv) {
    const names = argv.slice(1).filter((a) => a !== '-p');
    if (names.length === 0) {
      const lines = [...sh.exported].sort().flatMap((name) => (sh.vars.has(name) ? [`export ${name}=${shellQuote(sh.vars.get(name)!)}\n`] : [`export ${name}\n`]));
      await sh.write(1, lines.join(''));
      return 0;
    }
    let status = 0;
    for (const arg of names) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      if (!NAME.test(name)) {
        status = await usage(sh, 'export', `${arg}: bad variable name`, 1);
        continue;
      }
      if (eq >= 0) sh.assign(name, arg.slice(eq + 1));
      sh.export(name);
    }
    return status;
  },

  async local(sh, argv) {
    const frame = sh.localFrames[sh.localFrames.length - 1];
    if (!frame) return usage(sh, 'local', 'not in a function', 1);
    for (const arg of argv.slice(1)) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      if (!NAME.test(name)) return usage(sh, 'local', `${arg}: bad variable name`, 1);
      if (!frame.has(name)) frame.set(name, sh.vars.get(name));
      if (eq >= 0) sh.assign(name, arg.slice(eq + 1));
    }
    return 0;
  },

  async unset(sh, argv) {
    let functions = false;
    for (const arg of argv.slice(1)) {
      if (arg === '-f') functions = true;
      else if (arg === '-v') functions = false;
      else if (functions) sh.funcs.delete(arg);
      else sh.unset(arg);
    }
    return 0;
  },

  async set(sh, argv) {
    if (argv.length === 1) {
      const lines = [...sh.vars.keys()].sort().map((name) => `${name}=${shellQuote(sh.vars.get(name)!)}\n`);
      await sh.write(1, lines.join(''));
      return 0;
    }
    let i = 1;
    for (; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === '--') {
        i++;
        break;
      }
      if (!/^[-+][a-z]+$/.test(arg)) break;
      for (const flag of arg.slice(1)) {
        if (flag === 'e') sh.errexit = arg[0] === '-';
        else if (flag === 'x') sh.xtrace = arg[0] === '-';
        else return usage(sh, 'set', `${arg[0]}${flag}: unsupported option`);
      }
    }
    if (i < argv.length || argv[i - 1] === '--') sh.args = argv.slice(i);
    return 0;
  },

  async shift(sh, argv) {
    const n = count(argv[1], 1);
    if (n === undefined) return usage(sh, 'shift', `${argv[1]}: bad number`);
    if (n > sh.args.length) return usage(sh, 'shift', "can't shift that many", 1);
    sh.args = sh.args.slice(n);
    return 0;
  },

  async exit(sh, argv) {
    const n = count(argv[1], sh.status);
    if (n === undefined) {
      await sh.error(`exit: ${argv[1]}: bad number`);
      throw new ExitSignal(2);
    }
    throw new ExitSignal(n & 255);
  },

  async return(sh, argv) {
    const n = count(argv[1], sh.status);
    if (n === undefined) return usage(sh, 'return', `${argv[1]}: bad number`);
    throw new ReturnSignal(n & 255);
  },

  break: (sh, argv) => loopControl(sh, argv, 'break'),
  continue: (sh, argv) => loopControl(sh, argv, 'continue'),

  async read(sh, argv) {
    let raw = false;
    let i = 1;
    for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
      if (argv[i] === '-r') raw = true;
      else if (argv[i] === '--') {
        i++;
        break;
      } else return usage(sh, 'read', `${argv[i]}: unsupported option`);
    }
    const names = argv.slice(i);
    if (names.length === 0) names.push('REPLY');
    for (const name of names) if (!NAME.test(name)) return usage(sh, 'read', `${name}: bad variable name`);
    let text = '';
    let eof = false;
    // Without -r a backslash escapes the next character and joins a line ending in one to the next.
    for (;;) {
      const r = await readLine(sh);
      eof = r.eof;
      if (raw) {
        text = r.line;
        break;
      }
      const joined = r.line.endsWith('\\') && !r.line.endsWith('\\\\') && !eof;
      text += (joined ? r.line.slice(0, -1) : r.line).replace(/\\(.)/g, '$1');
      if (!joined) break;
    }
    const ifs = sh.vars.get('IFS') ?? ' \t\n';
    const ws = [...ifs].filter((c) => ' \t\n'.includes(c)).join('');
    const trim = (s: string): string => {
      let a = 0;
      let b = s.length;
      while (a < b && ws.includes(s[a]!)) a++;
      while (b > a && ws.includes(s[b - 1]!)) b--;
      return s.slice(a, b);
    };
    let rest = trim(text);
    for (const [k, name] of names.entries()) {
      if (k === names.length - 1) {
        sh.assign(name, rest);
        break;
      }
      let end = 0;
      while (end < rest.length && !ifs.includes(rest[end]!)) end++;
      sh.assign(name, rest.slice(0, end));
      // Skip one delimiter: white space around at most one other IFS character.
      let j = end;
      while (j < rest.length && ws.includes(rest[j]!)) j++;
      if (j < rest.length && ifs.includes(rest[j]!) && !ws.includes(rest[j]!)) j++;
      rest = trim(rest.slice(j));
    }
    return eof && text === '' ? 1 : eof ? 1 : 0;
  },

  async eval(sh, argv) {
    const script = await sh.parseSource(argv.slice(1).join(' '), 'eval');
    return script ? sh.runList(script) : 2;
  },

  '.': dot,
  source: dot,

  async exec(sh, argv) {
    // `exec cmd`: the shell cannot replace itself, so it runs cmd and exits with its status.
    throw new ExitSignal(await sh.spawnAndWait(argv.slice(1)));
  },
};

async function dot(sh: Shell, argv: string[]): Promise<number> {
  const file = argv[1];
  if (file === undefined) return usage(sh, '.', 'file name required');
  let text: string;
  try {
    text = new TextDecoder().decode(await sh.p.readFile(sh.resolve(file)));
  } catch (e) {
    if (!(e instanceof OsError)) throw e;
    return usage(sh, '.', `${file}: ${errnoText(e)}`, 1);
  }
  const script = await sh.parseSource(text, file);
  if (!script) return 2;
  const savedArgs = sh.args;
  if (argv.length > 2) sh.args = argv.slice(2);
  try {
    return await sh.runList(script);
  } catch (e) {
    if (e instanceof ReturnSignal) return e.status;
    throw e;
  } finally {
    if (argv.length > 2) sh.args = savedArgs;
  }
}

async function loopControl(sh: Shell, argv: string[], kind: 'break' | 'continue'): Promise<number> {
  const n = count(argv[1], 1);
  if (n === undefined || n === 0) return usage(sh, kind, `${argv[1]}: bad number`);
  if (sh.loopDepth === 0) return 0;
  throw new LoopSignal(kind, Math.min(n, sh.loopDepth));
}

const SIGNAL_BY_NUMBER = new Map(Object.entries(SIGNAL_NUMBERS).map(([name, n]) => [n, name as Signal]));

/** The signal of `TERM`, `SIGTERM` or `15` (undefined when unknown). */
function signalOf(spec: string): Signal | undefined {
  if (/^[0-9]+$/.test(spec)) return SIGNAL_BY_NUMBER.get(Number(spec));
  const name = (spec.toUpperCase().startsWith('SIG') ? spec.toUpperCase() : `SIG${spec.toUpperCase()}`) as Signal;
  return name in SIGNAL_NUMBERS ? name : undefined;
}

/** `kill [-s SIG | -SIG] pid…` (a negative pid is a process group); `kill -l` lists the signals. */
async function kill(sh: Shell, argv: string[]): Promise<number> {
  let signal: Signal = 'SIGTERM';
  let i = 1;
  if (argv[i] === '-l') {
    await sh.write(1, `${Object.keys(SIGNAL_NUMBERS).map((n) => n.slice(3)).join(' ')}\n`);
    return 0;
  }
  // -s SIG, -SIG, or -N followed by a pid (a lone -N is a process group).
  const first = argv[i];
  let spec: string | undefined;
  if (first === '-s') {
    spec = argv[i + 1] ?? '';
    i += 2;
  } else if (first !== undefined && first !== '--' && first.startsWith('-') && (!/^-[0-9]+$/.test(first) || i + 1 < argv.length)) {
    spec = first.slice(1);
    i++;
  }
  if (spec !== undefined) {
    const sig = signalOf(spec);
    if (!sig) return usage(sh, 'kill', `${spec}: unknown signal (TERM, KILL, INT, PIPE)`, 2);
    signal = sig;
  }
  if (argv[i] === '--') i++;
  if (i >= argv.length) return usage(sh, 'kill', 'usage: kill [-s SIG | -SIG] pid…', 2);
  let status = 0;
  for (const target of argv.slice(i)) {
    if (!/^-?[0-9]+$/.test(target)) {
      await sh.error(`kill: ${target}: ${target.startsWith('%') ? 'a job run in-process cannot be signalled' : 'arguments must be process ids'}`);
      status = 1;
      continue;
    }
    try {
      sh.p.kill(Number(target), signal);
    } catch (e) {
      if (!(e instanceof OsError)) throw e;
      await sh.error(`kill: ${target}: ${e.message}`);
      status = 1;
    }
  }
  return status;
}
