/**
 * test EXPRESSION and [ EXPRESSION ]: exit 0 (true), 1 (false) or 2 (error), following GNU's
 * test.c: one to four arguments are decided by their count as POSIX specifies, longer ones by
 * `! expr`, `expr -a expr`, `expr -o expr` (-a binds tighter) and parentheses.
 * Files: -e -f -d -s -p, -r -w -x (= exists: no permissions), -h -L -S -b -c -u -g -k (false),
 * -t FD (false: no terminals), FILE -nt/-ot/-ef FILE. Strings: -z -n = == != < >. Integers:
 * -eq -ne -lt -le -gt -ge.
 */
import type { Stat } from '../types.js';
import { osError, tool, UsageError } from './lib/io.js';
import type { Tool } from './lib/io.js';

const UNARY = new Set(['-e', '-f', '-d', '-s', '-p', '-r', '-w', '-x', '-h', '-L', '-S', '-b', '-c', '-u', '-g', '-k', '-t', '-z', '-n', '-O', '-G']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

class Evaluator {
  pos = 0;
  constructor(
    readonly t: Tool,
    readonly argv: readonly string[],
  ) {}

  stat(path: string): Stat | null {
    try {
      return this.t.p.stat(path);
    } catch (e) {
      osError(e);
      return null;
    }
  }

  integer(s: string): bigint {
    if (!/^[ \t]*[+-]?\d+[ \t]*$/.test(s)) throw new UsageError(`invalid integer '${s}'`);
    return BigInt(s.trim());
  }

  unary(op: string, arg: string): boolean {
    if (op === '-z') return arg === '';
    if (op === '-n') return arg !== '';
    if (op === '-t') {
      this.integer(arg);
      return false;
    }
    const st = this.stat(arg);
    switch (op) {
      case '-e':
      case '-r':
      case '-w':
      case '-x':
        return st !== null;
      case '-f':
        return st?.kind === 'file';
      case '-d':
        return st?.kind === 'dir';
      case '-p':
        return st?.kind === 'pipe';
      case '-s':
        return st !== null && st.size > 0;
      default:
        return false; // no links, sockets, devices, set-id bits or owners in the VFS
    }
  }

  binary(a: string, op: string, b: string): boolean {
    switch (op) {
      case '=':
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '-nt':
      case '-ot': {
        const x = this.stat(a);
        const y = this.stat(b);
        if (op === '-ot') return y !== null && (x === null || x.mtimeNs < y.mtimeNs);
        return x !== null && (y === null || x.mtimeNs > y.mtimeNs);
      }
      case '-ef': {
        const x = this.stat(a);
        const y = this.stat(b);
        return x !== null && y !== null && x.ino === y.ino;
      }
    }
    const x = this.integer(a);
    const y = this.integer(b);
    switch (op) {
      case '-eq':
        return x === y;
      case '-ne':
        return x !== y;
      case '-lt':
        return x < y;
      case '-le':
        return x <= y;
      case '-gt':
        return x > y;
      default:
        return x >= y;
    }
  }

  /** POSIX's rules by argument count (1 to 4), at `pos`. */
  counted(n: number): boolean {
    const a = this.argv.slice(this.pos, this.pos + n);
    switch (n) {
      case 1:
        this.pos += 1;
        return a[0] !== '';
      case 2:
        if (a[0] === '!') {
          this.pos += 1;
          return !this.counted(1);
        }
        if (/^-.$/.test(a[0]!)) {
          if (!UNARY.has(a[0]!)) throw new UsageError(`'${a[0]}': unary operator expected`);
          this.pos += 2;
          return this.unary(a[0]!, a[1]!);
        }
        throw new UsageError(`missing argument after '${a[1]}'`);
      case 3:
        if (BINARY.has(a[1]!)) {
          this.pos += 3;
          return this.binary(a[0]!, a[1]!, a[2]!);
        }
        if (a[0] === '!') {
          this.pos += 1;
          return !this.counted(2);
        }
        if (a[0] === '(' && a[2] === ')') {
          this.pos += 1;
          const v = this.counted(1);
          this.pos += 1;
          return v;
        }
        if (a[1] === '-a' || a[1] === '-o') return this.or();
        throw new UsageError(`'${a[1]}': binary operator expected`);
      default:
        if (a[0] === '!') {
          this.pos += 1;
          return !this.counted(3);
        }
        if (a[0] === '(' && a[3] === ')') {
          this.pos += 1;
          const v = this.counted(2);
          this.pos += 1;
          return v;
        }
        return this.or();
    }
  }

  or(): boolean {
    let v = this.and();
    while (this.argv[this.pos] === '-o') {
      this.pos++;
      v = this.and() || v;
    }
    return v;
  }

  and(): boolean {
    let v = this.term();
    while (this.argv[this.pos] === '-a') {
      this.pos++;
      v = this.term() && v;
    }
    return v;
  }

  term(): boolean {
    const argv = this.argv;
    if (this.pos >= argv.length) throw new UsageError(`missing argument after '${argv[argv.length - 1]}'`);
    const a = argv[this.pos]!;
    if (a === '!') {
      this.pos++;
      return !this.term();
    }
    if (a === '(') {
      this.pos++;
      const v = this.or();
      if (argv[this.pos] !== ')') throw new UsageError(`')' expected${this.pos < argv.length ? `, found '${argv[this.pos]}'` : ''}`);
      this.pos++;
      return v;
    }
    if (this.pos + 2 < argv.length && BINARY.has(argv[this.pos + 1]!)) {
      this.pos += 3;
      return this.binary(a, argv[this.pos - 2]!, argv[this.pos - 1]!);
    }
    if (/^-.$/.test(a)) {
      if (!UNARY.has(a)) throw new UsageError(`'${a}': unary operator expected`);
      if (this.pos + 1 >= argv.length) throw new UsageError(`missing argument after '${a}'`);
      this.pos += 2;
      return this.unary(a, argv[this.pos - 1]!);
    }
    this.pos++;
    return a !== '';
  }

  run(): boolean {
    const n = this.argv.length;
    if (n === 0) return false;
    const v = n <= 4 ? this.counted(n) : this.or();
    if (this.pos < n) throw new UsageError(`extra argument '${this.argv[this.pos]}'`);
    return v;
  }
}

function testProgram(name: string) {
  return tool(
    name,
    async (t, args) => {
      let argv = args;
      if (name === '[') {
        if (argv[argv.length - 1] !== ']') throw new UsageError("missing ']'");
        argv = argv.slice(0, -1);
      }
      return new Evaluator(t, argv).run() ? 0 : 1;
    },
    2,
  );
}

export const test = testProgram('test');
export const bracket = testProgram('[');
