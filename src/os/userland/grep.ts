/**
 * grep: prints the lines that match a pattern (POSIX, with GNU's -q/-w and `\|` in BREs).
 *
 * @example
 *   grep -in 'err\(or\)\?' log.txt      grep -E -c '^(GET|POST) ' access.log
 *
 * Options: -E (ERE), -F (fixed strings), -G (BRE, the default), -e PATTERN (repeatable), -f is
 * not supported; -v -c -i -n -q -s -x -w -l -h -H -o -r, -m NUM. Exit 0 when a line was selected, 1 when none,
 * 2 on an error (a bad pattern, an unreadable file) unless -q found a match.
 */
import { FUEL, OsError } from '../types.js';
import type { Proc, Program } from '../types.js';
import { LineReader, Output } from './awk/lines.js';
import { REGEX_FUEL, RegexSyntaxError, compileRegex, translateRegex } from './regex.js';
import type { RegexSyntax } from './regex.js';

interface GrepOptions {
  syntax: RegexSyntax;
  patterns: string[];
  invert: boolean;
  count: boolean;
  ignoreCase: boolean;
  lineNumbers: boolean;
  quiet: boolean;
  silent: boolean;
  wholeLine: boolean;
  wholeWord: boolean;
  listFiles: boolean;
  recursive: boolean;
  onlyMatching: boolean;
  maxCount: number;
  filenames: boolean | undefined;
  files: string[];
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): GrepOptions {
  const o: GrepOptions = {
    syntax: 'basic', patterns: [], invert: false, count: false, ignoreCase: false, lineNumbers: false,
    quiet: false, silent: false, wholeLine: false, wholeWord: false, listFiles: false, recursive: false, onlyMatching: false, maxCount: Infinity, filenames: undefined, files: [],
  };
  let havePattern = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      switch (f) {
        case 'E': o.syntax = 'extended'; break;
        case 'F': o.syntax = 'fixed'; break;
        case 'G': o.syntax = 'basic'; break;
        case 'v': o.invert = true; break;
        case 'c': o.count = true; break;
        case 'i': case 'y': o.ignoreCase = true; break;
        case 'n': o.lineNumbers = true; break;
        case 'q': o.quiet = true; break;
        case 's': o.silent = true; break;
        case 'x': o.wholeLine = true; break;
        case 'w': o.wholeWord = true; break;
        case 'l': o.listFiles = true; break;
        case 'r': case 'R': o.recursive = true; break;
        case 'h': o.filenames = false; break;
        case 'H': o.filenames = true; break;
        case 'o': o.onlyMatching = true; break;
        case 'm': {
          const rest = a.slice(j + 1);
          const n = rest !== '' ? rest : argv[++i];
          if (n === undefined || !/^\d+$/.test(n)) throw new UsageError(`invalid max count ${n ?? ''}`);
          o.maxCount = Number(n);
          j = a.length;
          break;
        }
        case 'e': {
          const rest = a.slice(j + 1);
          const pat = rest !== '' ? rest : argv[++i];
          if (pat === undefined) throw new UsageError('option requires an argument -- e');
          o.patterns.push(...pat.split('\n'));
          havePattern = true;
          j = a.length;
          break;
        }
        default:
          throw new UsageError(`invalid option -- '${f}'`);
      }
    }
  }
  if (!havePattern) {
    const pat = argv[i++];
    if (pat === undefined) throw new UsageError('no pattern given');
    o.patterns.push(...pat.split('\n'));
  }
  o.files = argv.slice(i);
  return o;
}

function buildMatcher(o: GrepOptions): RegExp {
  // One RegExp for all patterns: each translated on its own (so their groups do not mix), joined
  // by alternation. An empty pattern matches every line.
  const sources = o.patterns.map((pat) => {
    let src = translateRegex(pat, o.syntax);
    if (o.wholeLine) src = `^(?:${src})$`;
    else if (o.wholeWord) src = `(?<!\\w)(?:${src})(?!\\w)`;
    return src;
  });
  const joined = sources.length === 1 ? sources[0]! : sources.map((s) => `(?:${s})`).join('|');
  // Validate through compileRegex's error path, then build the joined expression.
  for (const pat of o.patterns) compileRegex(pat, { syntax: o.syntax });
  return new RegExp(joined, `${o.ignoreCase ? 'i' : ''}s`);
}

/** -r: directories become the files under them, depth first in name order ("./" is not prefixed, as GNU grep does for the default "."). */
function expandDirectories(p: Proc, operands: string[]): string[] {
  const out: string[] = [];
  const walk = (path: string, display: string): void => {
    let kind: string;
    try {
      kind = p.stat(path).kind;
    } catch (e) {
      if (!(e instanceof OsError)) throw e;
      out.push(path); // reported when opened
      return;
    }
    if (kind !== 'dir') {
      out.push(display);
      return;
    }
    for (const name of p.readdir(path)) walk(`${path}/${name}`, display === '' ? name : `${display.replace(/\/$/, '')}/${name}`);
  };
  for (const f of operands) walk(f, f === '.' && operands.length === 1 ? '' : f);
  return out;
}

export const grep: Program = async (p: Proc) => {
  const name = 'grep';
  let o: GrepOptions;
  let re: RegExp;
  try {
    o = parseArgs(p.argv);
    re = buildMatcher(o);
  } catch (e) {
    if (e instanceof UsageError) {
      await p.write(2, `${name}: ${e.message}\nUsage: grep [-EFGcHhilnoqrsvwx] [-m NUM] [-e PATTERN]... [PATTERN] [FILE]...\n`);
      return 2;
    }
    if (e instanceof RegexSyntaxError || e instanceof SyntaxError) {
      await p.write(2, `${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  p.charge(REGEX_FUEL.compile * o.patterns.length);
  const reAll = new RegExp(re.source, `${re.flags}g`);
  const out = new Output(p, 1);
  const operands = o.files.length > 0 ? o.files : [o.recursive ? '.' : '-'];
  const files = o.recursive ? expandDirectories(p, operands) : operands;
  const prefix = o.filenames ?? (files.length > 1 || o.recursive);
  let selectedAny = false;
  let error = false;

  for (const file of files) {
    let fd = 0;
    if (file !== '-') {
      try {
        if (p.stat(file).kind === 'dir') throw new OsError('EISDIR', `${file}: Is a directory`);
        fd = await p.open(file, { read: true });
      } catch (e) {
        if (!(e instanceof OsError)) throw e;
        await out.flush();
        if (!o.silent) await p.write(2, `${name}: ${e.message}\n`);
        error = true;
        continue;
      }
    }
    const label = file === '-' ? '(standard input)' : file;
    const reader = new LineReader(p, fd);
    let n = 0;
    let count = 0;
    for (let line = count < o.maxCount ? await reader.next() : null; line; line = count < o.maxCount ? await reader.next() : null) {
      n++;
      p.charge(REGEX_FUEL.test + line.text.length * FUEL.byte);
      if (re.test(line.text) === o.invert) continue;
      count++;
      selectedAny = true;
      if (o.quiet) {
        if (fd !== 0) p.close(fd);
        return 0;
      }
      if (o.listFiles) break;
      if (o.count) continue;
      const head = `${prefix ? `${label}:` : ''}${o.lineNumbers ? `${n}:` : ''}`;
      if (!o.onlyMatching) await out.write(`${head}${line.text}\n`);
      else if (!o.invert) {
        // -o: every non-empty match on its own line.
        for (const m of line.text.matchAll(reAll)) {
          p.charge(REGEX_FUEL.test);
          if (m[0] !== '') await out.write(`${head}${m[0]}\n`);
        }
      }
    }
    if (fd !== 0) p.close(fd);
    if (o.count && !o.listFiles) await out.write(`${prefix ? `${label}:` : ''}${count}\n`);
    if (o.listFiles && count > 0) await out.write(`${label}\n`);
  }
  await out.flush();
  return error ? 2 : selectedAny ? 0 : 1;
};
