/**
 * sed: the stream editor (POSIX, with GNU's one-line a/i/c text and `I` flags).
 *
 * @example
 *   sed -n '2,/end/{s/\(a*\)b/\1c/gp;}'      sed -e '$!d' -e 's/x/y/2' file
 *
 * Options: -n, -e SCRIPT (repeatable), -E/-r (EREs); -s is accepted, but files always form one
 * stream. Commands: s y d D p P n N q Q = l a i c h H g G x b t T : { } and #comments; addresses: N, $, /re/, \cREc, `I` after
 * a regex, ranges `a,b`, `a,+N`, `first~step`, and `!`. Not supported: w, r, e, F, z, and the
 * `w file`/`e`/`m` flags of s. Exit 0, 1 for a bad script, 2 when an input file cannot be read.
 */
import { FUEL, OsError } from '../types.js';
import type { Proc, Program } from '../types.js';
import { LineReader, Output } from './awk/lines.js';
import { REGEX_FUEL, RegexSyntaxError, compileRegex } from './regex.js';
import type { RegexSyntax } from './regex.js';

/** Fuel per command executed (regex tests and bytes are charged on top). */
const COMMAND_FUEL = 10;

class ScriptError extends Error {}

type Address = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 're'; re: RegExp | null } | { kind: 'step'; first: number; step: number } | { kind: 'plus'; n: number };

interface Command {
  a1?: Address;
  a2?: Address;
  negate: boolean;
  name: string;
  /** Range state. */
  active: boolean;
  rangeEnd: number;
  // s
  re?: RegExp | null;
  replacement?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  // y
  from?: string;
  to?: string;
  // a i c, b t T :
  text?: string;
  label?: string;
  // q Q
  code?: number;
  // {: index of the matching }
  jump?: number;
}

class Parser {
  i = 0;
  readonly cmds: Command[] = [];
  constructor(
    readonly s: string,
    readonly syntax: RegexSyntax,
  ) {}

  fail(msg: string): never {
    throw new ScriptError(`-e expression #1, char ${this.i}: ${msg}`);
  }
  skipSpace(): void {
    while (this.i < this.s.length && /[ \t]/.test(this.s[this.i]!)) this.i++;
  }
  number(): number {
    const m = /^\d+/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a number');
    this.i += m[0].length;
    return Number(m[0]);
  }
  /** Reads up to an unescaped `delim`; `\delim` becomes delim, `\n` a newline; other escapes stay. */
  delimited(delim: string, regex: boolean): string {
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail(`unterminated \`${regex ? 'address regex' : 's\' command'}`);
      const c = this.s[this.i++]!;
      if (c === delim) return out;
      if (c === '\\' && this.i < this.s.length) {
        const e = this.s[this.i++]!;
        if (e === delim) out += delim === '&' && !regex ? '\\&' : delim;
        else if (e === 'n') out += '\n';
        else out += `\\${e}`;
      } else if (c === '\n' && regex) this.fail('unterminated address regex');
      else if (c === '[' && regex) {
        // A bracket expression may hold the delimiter: copy it whole.
        const end = this.bracketEnd(this.i - 1);
        out += this.s.slice(this.i - 1, end);
        this.i = end;
      } else out += c;
    }
  }
  bracketEnd(start: number): number {
    let j = start + 1;
    if (this.s[j] === '^') j++;
    if (this.s[j] === ']') j++;
    while (j < this.s.length && this.s[j] !== ']') {
      if (this.s[j] === '[' && /[:=.]/.test(this.s[j + 1] ?? '')) {
        const close = this.s.indexOf(`${this.s[j + 1]}]`, j + 2);
        j = close < 0 ? this.s.length : close + 2;
      } else j++;
    }
    return Math.min(j + 1, this.s.length);
  }
  regex(source: string, flags: string): RegExp | null {
    if (source === '') return null; // the last regex used
    try {
      return compileRegex(source, { syntax: this.syntax, ignoreCase: flags.includes('I') || flags.includes('i'), global: true });
    } catch (e) {
      if (e instanceof RegexSyntaxError) this.fail(e.message);
      throw e;
    }
  }
  address(): Address | undefined {
    const c = this.s[this.i];
    if (c === undefined) return undefined;
    if (/\d/.test(c)) {
      const n = this.number();
      if (this.s[this.i] === '~') {
        this.i++;
        return { kind: 'step', first: n, step: this.number() };
      }
      return { kind: 'line', n };
    }
    if (c === '$') {
      this.i++;
      return { kind: 'last' };
    }
    if (c === '/' || c === '\\') {
      this.i++;
      const delim = c === '/' ? '/' : this.s[this.i++];
      if (delim === undefined) this.fail('unexpected end of script');
      const src = this.delimited(delim, true);
      let flags = '';
      while (this.s[this.i] === 'I') flags += this.s[this.i++];
      return { kind: 're', re: this.regex(src, flags) };
    }
    return undefined;
  }
  /** Text of a/i/c: GNU one-liner `a text` or POSIX `a\` newline text (lines joined by `\`newline). */
  text(): string {
    this.skipSpace();
    if (this.s[this.i] === '\\') {
      this.i++;
      if (this.s[this.i] === '\n') this.i++;
    }
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== '\n') {
      const c = this.s[this.i++]!;
      if (c === '\\' && this.i < this.s.length) out += this.s[this.i++];
      else out += c;
    }
    return out;
  }
  label(): string {
    this.skipSpace();
    const m = /^[^;\n}]*/.exec(this.s.slice(this.i))!;
    this.i += m[0].length;
    return m[0].trim();
  }
  endCommand(): void {
    this.skipSpace();
    const c = this.s[this.i];
    if (c === undefined || c === '\n' || c === ';') {
      this.i++;
      return;
    }
    if (c === '}' || c === '#') return;
    this.fail(`extra characters after command`);
  }

  parse(): Command[] {
    const open: number[] = [];
    for (;;) {
      while (this.i < this.s.length && /[ \t\n;]/.test(this.s[this.i]!)) this.i++;
      if (this.i >= this.s.length) break;
      if (this.s[this.i] === '#') {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
        continue;
      }
      const cmd: Command = { negate: false, name: '', active: false, rangeEnd: 0 };
      cmd.a1 = this.address();
      if (cmd.a1 && this.s[this.i] === ',') {
        this.i++;
        this.skipSpace();
        if (this.s[this.i] === '+') {
          this.i++;
          cmd.a2 = { kind: 'plus', n: this.number() };
        } else {
          cmd.a2 = this.address();
          if (!cmd.a2) this.fail('unexpected `,\'');
        }
      }
      this.skipSpace();
      while (this.s[this.i] === '!') {
        cmd.negate = true;
        this.i++;
        this.skipSpace();
      }
      const name = this.s[this.i++];
      if (name === undefined) this.fail('missing command');
      cmd.name = name;
      switch (name) {
        case '{':
          open.push(this.cmds.length);
          this.cmds.push(cmd);
          continue;
        case '}': {
          if (cmd.a1) this.fail('} doesn\'t want any addresses');
          const start = open.pop();
          if (start === undefined) this.fail('unexpected `}\'');
          this.cmds[start]!.jump = this.cmds.length;
          this.cmds.push(cmd);
          this.endCommand();
          continue;
        }
        case 's': {
          const delim = this.s[this.i++];
          if (delim === undefined || delim === '\n' || delim === '\\') this.fail('unterminated `s\' command');
          const src = this.delimited(delim, true);
          cmd.replacement = this.delimited(delim, false);
          let flags = '';
          while (this.i < this.s.length && /[gpiI0-9]/.test(this.s[this.i]!)) flags += this.s[this.i++];
          if (/[a-zA-Z]/.test(this.s[this.i] ?? '') && this.s[this.i] !== 'w') this.fail(`unknown option to \`s'`);
          if (this.s[this.i] === 'w') this.fail('the w flag is not supported');
          cmd.re = this.regex(src, flags);
          cmd.global = flags.includes('g');
          cmd.print = flags.includes('p');
          const nth = /\d+/.exec(flags);
          cmd.nth = nth ? Number(nth[0]) : 1;
          if (cmd.nth === 0) this.fail('number option to `s\' command may not be zero');
          break;
        }
        case 'y': {
          const delim = this.s[this.i++];
          if (delim === undefined || delim === '\n' || delim === '\\') this.fail('unterminated `y\' command');
          const unescape = (t: string): string => t.replace(/\\(.)/gs, (_, c: string) => (c === '\\' ? '\\' : c));
          cmd.from = unescape(this.delimited(delim, false));
          cmd.to = unescape(this.delimited(delim, false));
          if ([...cmd.from].length !== [...cmd.to].length) this.fail('strings for `y\' command are different lengths');
          break;
        }
        case 'a': case 'i': case 'c':
          cmd.text = this.text();
          this.cmds.push(cmd);
          continue;
        case ':':
          if (cmd.a1) this.fail(': doesn\'t want any addresses');
          cmd.label = this.label();
          if (cmd.label === '') this.fail('":" lacks a label');
          break;
        case 'b': case 't': case 'T':
          cmd.label = this.label();
          break;
        case 'q': case 'Q':
          this.skipSpace();
          cmd.code = /\d/.test(this.s[this.i] ?? '') ? this.number() : 0;
          break;
        case 'd': case 'D': case 'p': case 'P': case 'n': case 'N': case '=': case 'h': case 'H': case 'g': case 'G': case 'x': case 'l':
          break;
        default:
          this.fail(`unknown command: \`${name}'`);
      }
      this.cmds.push(cmd);
      this.endCommand();
    }
    if (open.length > 0) this.fail('unmatched `{\'');
    for (const c of this.cmds) {
      if ((c.name === 'b' || c.name === 't' || c.name === 'T') && c.label && !this.cmds.some((d) => d.name === ':' && d.label === c.label)) {
        throw new ScriptError(`can't find label for jump to \`${c.label}'`);
      }
    }
    return this.cmds;
  }
}

/** Input lines from the files in order, as one stream, with look-ahead for `$`. */
class Input {
  private reader: LineReader | null = null;
  private fd = -1;
  private index = 0;
  lineNumber = 0;
  failed = false;
  /** Whether the last line read ended with a newline (GNU sed keeps a missing one missing). */
  newline = true;
  constructor(
    private readonly p: Proc,
    private readonly files: string[],
  ) {}

  private async advance(): Promise<boolean> {
    if (this.fd > 0) this.p.close(this.fd);
    this.reader = null;
    this.fd = -1;
    while (this.index < this.files.length) {
      const file = this.files[this.index++]!;
      if (file === '-') {
        this.fd = 0;
      } else {
        try {
          if (this.p.stat(file).kind === 'dir') throw new OsError('EISDIR', `read error on ${file}: Is a directory`);
          this.fd = await this.p.open(file, { read: true });
        } catch (e) {
          if (!(e instanceof OsError)) throw e;
          await this.p.write(2, `sed: can't read ${e.message}\n`);
          this.failed = true;
          continue;
        }
      }
      this.reader = new LineReader(this.p, this.fd);
      return true;
    }
    return false;
  }

  async next(): Promise<string | null> {
    for (;;) {
      if (!this.reader && !(await this.advance())) return null;
      const line = await this.reader!.next();
      if (line) {
        this.lineNumber++;
        this.newline = line.newline;
        return line.text;
      }
      this.reader = null;
    }
  }

  async isLast(): Promise<boolean> {
    for (;;) {
      if (!this.reader && !(await this.advance())) return true;
      if (!(await this.reader!.atEnd())) return false;
      this.reader = null;
    }
  }
}

function parseArgs(argv: readonly string[]): { quiet: boolean; script: string; syntax: RegexSyntax; files: string[] } {
  let quiet = false;
  let syntax: RegexSyntax = 'basic';
  const scripts: string[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--quiet' || a === '--silent') {
      quiet = true;
      continue;
    }
    if (a === '--regexp-extended') {
      syntax = 'extended';
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (f === 'n') quiet = true;
      else if (f === 'E' || f === 'r') syntax = 'extended';
      else if (f === 's') continue;
      else if (f === 'e') {
        const rest = a.slice(j + 1);
        const s = rest !== '' ? rest : argv[++i];
        if (s === undefined) throw new ScriptError('option requires an argument -- \'e\'');
        scripts.push(s);
        break;
      } else throw new ScriptError(`invalid option -- '${f}'`);
    }
  }
  if (scripts.length === 0) {
    const s = argv[i++];
    if (s === undefined) throw new ScriptError('no script specified\nUsage: sed [-nEr] [-e SCRIPT]... [SCRIPT] [FILE]...');
    scripts.push(s);
  }
  return { quiet, script: scripts.join('\n'), syntax, files: argv.slice(i) };
}

const LIST_ESCAPES: Record<string, string> = { '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** The `l` command: the pattern space unambiguously, escapes and octal for the unprintable, lines wrapped at 70 with `\`, `$` at the end. */
function listing(space: string): string {
  let out = '';
  let width = 0;
  for (const byte of new TextEncoder().encode(space)) {
    const c = String.fromCharCode(byte);
    const piece = LIST_ESCAPES[c] ?? (byte >= 0x20 && byte < 0x7f ? c : `\\${byte.toString(8).padStart(3, '0')}`);
    if (width + piece.length > 69) {
      out += '\\\n';
      width = 0;
    }
    out += piece;
    width += piece.length;
  }
  return `${out}$\n`;
}

/** Expands `&`, `\1`…`\9`, `\n` and `\\` in a replacement for one match. */
function expand(replacement: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '&') out += m[0];
    else if (c === '\\' && i + 1 < replacement.length) {
      const e = replacement[++i]!;
      if (e >= '0' && e <= '9') out += m[Number(e)] ?? '';
      else if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else out += e;
    } else out += c;
  }
  return out;
}

/** s///: replaces the nth match (and every later one with g). Null when nothing was replaced. */
function substitute(p: Proc, re: RegExp, text: string, cmd: Command): string | null {
  let out = '';
  let pos = 0;
  let count = 0;
  let prevEnd = -1;
  let replaced = false;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    p.charge(REGEX_FUEL.test);
    const empty = m[0].length === 0;
    if (empty) re.lastIndex++;
    // POSIX: an empty match right after the previous match is not a match (`s/x*/-/g` on "xab" is "-a-b-").
    if (empty && m.index === prevEnd) continue;
    prevEnd = m.index + m[0].length;
    count++;
    if (count < cmd.nth!) continue;
    out += text.slice(pos, m.index) + expand(cmd.replacement!, m);
    replaced = true;
    pos = m.index + m[0].length;
    if (!cmd.global) break;
    if (re.lastIndex > text.length) break;
  }
  if (!replaced) return null;
  return out + text.slice(pos);
}

export const sed: Program = async (p: Proc) => {
  let opts: ReturnType<typeof parseArgs>;
  let cmds: Command[];
  try {
    opts = parseArgs(p.argv);
    cmds = new Parser(opts.script, opts.syntax).parse();
  } catch (e) {
    if (e instanceof ScriptError) {
      await p.write(2, `sed: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  p.charge(REGEX_FUEL.compile * cmds.length);
  const input = new Input(p, opts.files.length > 0 ? opts.files : ['-']);
  const output = new Output(p, 1);
  let missingNewline = false;
  // Writes a line: the pattern space ends without a newline when the input line did (GNU sed);
  // anything written after it first gets the newline back.
  const out = {
    async write(text: string, patternSpace = false): Promise<void> {
      if (text === '') return;
      if (missingNewline) await output.write('\n');
      missingNewline = patternSpace && !input.newline;
      await output.write(missingNewline ? text.slice(0, -1) : text);
    },
    flush: () => output.flush(),
  };
  const labels = new Map<string, number>();
  cmds.forEach((c, i) => c.name === ':' && labels.set(c.label!, i));
  let lastRe: RegExp | null = null;
  const useRe = (re: RegExp | null | undefined): RegExp => {
    const r = re ?? lastRe;
    if (!r) throw new ScriptError('no previous regular expression');
    lastRe = r;
    return r;
  };

  const matches = async (a: Address, line: number, space: string): Promise<boolean> => {
    switch (a.kind) {
      case 'line':
        return line === a.n;
      case 'last':
        return input.isLast();
      case 'step':
        return a.step <= 0 ? line === a.first : line >= a.first && (line - a.first) % a.step === 0;
      case 'plus':
        return false;
      case 're': {
        const re = useRe(a.re);
        p.charge(REGEX_FUEL.test + space.length * FUEL.byte);
        re.lastIndex = 0;
        return re.test(space);
      }
    }
  };
  const selected = async (c: Command, line: number, space: string): Promise<boolean> => {
    if (!c.a1) return true;
    let hit: boolean;
    if (!c.a2) hit = await matches(c.a1, line, space);
    else if (c.active) {
      const a2 = c.a2;
      if (a2.kind === 'line' || a2.kind === 'plus') {
        if (line >= c.rangeEnd) c.active = false;
        hit = true;
      } else {
        if (await matches(a2, line, space)) c.active = false;
        hit = true;
      }
    } else if (await matches(c.a1, line, space)) {
      hit = true;
      const a2 = c.a2;
      if (a2.kind === 'line') {
        c.rangeEnd = a2.n;
        c.active = a2.n > line;
      } else if (a2.kind === 'plus') {
        c.rangeEnd = line + a2.n;
        c.active = a2.n > 0;
      } else if (a2.kind === 'last') c.active = !(await input.isLast());
      else c.active = true;
    } else hit = false;
    return hit !== c.negate;
  };

  let hold = '';
  let status = 0;
  let quit = false;
  let space: string | null = await input.next();
  try {
    while (space !== null && !quit) {
      let append = '';
      let autoprint = !opts.quiet;
      let substituted = false;
      let restartWithoutRead = false;
      let pc = 0;
      cycle: while (pc < cmds.length) {
        const c = cmds[pc]!;
        p.charge(COMMAND_FUEL);
        if (!(await selected(c, input.lineNumber, space))) {
          pc = c.name === '{' ? c.jump! + 1 : pc + 1;
          continue;
        }
        pc++;
        switch (c.name) {
          case '{': case '}': case ':':
            break;
          case 's': {
            const re = useRe(c.re);
            p.charge(space.length * FUEL.byte);
            const r = substitute(p, re, space, c);
            if (r !== null) {
              space = r;
              substituted = true;
              if (c.print) await out.write(`${space}\n`, true);
            }
            break;
          }
          case 'y': {
            const from = [...c.from!];
            const to = [...c.to!];
            p.charge(space.length * FUEL.byte);
            space = [...space].map((ch) => {
              const k = from.indexOf(ch);
              return k < 0 ? ch : to[k]!;
            }).join('');
            break;
          }
          case 'd':
            autoprint = false;
            break cycle;
          case 'D': {
            const nl = space.indexOf('\n');
            if (nl < 0) {
              autoprint = false;
              break cycle;
            }
            space = space.slice(nl + 1);
            autoprint = false;
            restartWithoutRead = true;
            break cycle;
          }
          case 'p':
            await out.write(`${space}\n`, true);
            break;
          case 'P':
            await out.write(`${space.split('\n')[0]}\n`);
            break;
          case '=':
            await out.write(`${input.lineNumber}\n`);
            break;
          case 'l':
            await out.write(listing(space));
            break;
          case 'a':
            append += `${c.text}\n`;
            break;
          case 'i':
            await out.write(`${c.text}\n`);
            break;
          case 'c':
            autoprint = false;
            if (!c.a2 || !c.active || c.negate) await out.write(`${c.text}\n`);
            break cycle;
          case 'h': hold = space; break;
          case 'H': hold += `\n${space}`; break;
          case 'g': space = hold; break;
          case 'G': space += `\n${hold}`; break;
          case 'x': [space, hold] = [hold, space]; break;
          case 'n': case 'N': {
            if (c.name === 'n' && !opts.quiet) await out.write(`${space}\n`, true);
            await out.write(append);
            append = '';
            const nextLine = await input.next();
            if (nextLine === null) {
              // GNU: at end of input n and N quit, printing the pattern space (n printed it already).
              if (c.name === 'n') autoprint = false;
              quit = true;
              break cycle;
            }
            space = c.name === 'n' ? nextLine : `${space}\n${nextLine}`;
            break;
          }
          case 'b':
            pc = c.label ? labels.get(c.label)! : cmds.length;
            break;
          case 't': case 'T':
            if (substituted === (c.name === 't')) pc = c.label ? labels.get(c.label)! : cmds.length;
            if (c.name === 't') substituted = false;
            break;
          case 'q':
            status = c.code!;
            quit = true;
            break cycle;
          case 'Q':
            status = c.code!;
            autoprint = false;
            append = '';
            quit = true;
            break cycle;
        }
      }
      if (autoprint) await out.write(`${space}\n`, true);
      await out.write(append);
      if (quit) break;
      if (!restartWithoutRead) space = await input.next();
    }
  } catch (e) {
    if (e instanceof ScriptError) {
      await out.flush();
      await p.write(2, `sed: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  await out.flush();
  return status !== 0 ? status : input.failed ? 2 : 0;
};
