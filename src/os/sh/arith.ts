/**
 * Shell arithmetic `$((…))` (POSIX XCU 2.6.4): signed integers with C's operators and precedence,
 * variables by name (empty or unset → 0), assignments `=`, `+=`, … . Division by zero is an
 * error. Numbers are 64-bit-free JS integers truncated like C (`Math.trunc`).
 */

export class ArithError extends Error {
  override name = 'ArithError';
}

export interface ArithScope {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { t: 'num'; v: number } | { t: 'name'; v: string } | { t: 'op'; v: string };
const OPS = ['<<=', '>>=', '**', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '+', '-', '*', '/', '%', '<', '>', '=', '!', '~', '&', '|', '^', '?', ':', '(', ')'];

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(src.slice(i));
    if (num) {
      const text = num[0];
      out.push({ t: 'num', v: text.length > 1 && text[0] === '0' && !/[xX]/.test(text) ? parseInt(text, 8) : Number(text) });
      i += text.length;
      continue;
    }
    const name = /^\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?/.exec(src.slice(i));
    if (name) {
      out.push({ t: 'name', v: name[1]! });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ArithError(`arithmetic syntax error near '${src.slice(i)}'`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

const BINARY: Record<string, number> = { '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10, '**': 11 };
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '|=', '^=']);

/** Evaluates an expression whose `$` expansions were already done (or are plain names). */
export function evalArith(src: string, scope: ArithScope): number {
  const toks = lex(src);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const isOp = (v: string): boolean => toks[i]?.t === 'op' && toks[i]!.v === v;
  const value = (name: string): number => {
    const raw = (scope.get(name) ?? '').trim();
    if (raw === '') return 0;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new ArithError(`${raw}: not a number`);
    return n;
  };
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return Math.trunc(a * b);
      case '/':
      case '%':
        if (b === 0) throw new ArithError('division by zero');
        return op === '/' ? Math.trunc(a / b) : a % b;
      case '**': return a ** b;
      case '<<': return a << b;
      case '>>': return a >> b;
      case '<': return +(a < b);
      case '>': return +(a > b);
      case '<=': return +(a <= b);
      case '>=': return +(a >= b);
      case '==': return +(a === b);
      case '!=': return +(a !== b);
      case '&': return a & b;
      case '|': return a | b;
      case '^': return a ^ b;
      case '&&': return +(a !== 0 && b !== 0);
      case '||': return +(a !== 0 || b !== 0);
    }
    throw new ArithError(`bad operator '${op}'`);
  };
  const primary = (): number => {
    const t = peek();
    if (!t) throw new ArithError('arithmetic expression ends early');
    i++;
    if (t.t === 'num') return t.v;
    if (t.t === 'name') {
      const next = peek();
      if (next?.t === 'op' && ASSIGN.has(next.v)) {
        i++;
        const rhs = expr(0);
        const v = next.v === '=' ? rhs : apply(next.v.slice(0, -1), value(t.v), rhs);
        scope.set(t.v, String(v));
        return v;
      }
      return value(t.v);
    }
    switch (t.v) {
      case '(': {
        const v = expr(0);
        if (!isOp(')')) throw new ArithError("expected ')'");
        i++;
        return v;
      }
      case '-': return -primary();
      case '+': return primary();
      case '!': return +(primary() === 0);
      case '~': return ~primary();
    }
    throw new ArithError(`unexpected '${t.v}'`);
  };
  const expr = (minPrec: number): number => {
    let left = primary();
    for (;;) {
      const t = peek();
      if (t?.t !== 'op') break;
      if (t.v === '?' && minPrec === 0) {
        i++;
        const a = expr(0);
        if (!isOp(':')) throw new ArithError("expected ':'");
        i++;
        const b = expr(0);
        left = left !== 0 ? a : b;
        continue;
      }
      const prec = BINARY[t.v];
      if (prec === undefined || prec < minPrec) break;
      i++;
      const right = expr(t.v === '**' ? prec : prec + 1);
      left = apply(t.v, left, right);
    }
    return left;
  };
  if (toks.length === 0) return 0;
  const result = expr(0);
  if (i < toks.length) throw new ArithError(`arithmetic syntax error near '${JSON.stringify(toks[i]!.v)}'`);
  return result;
}
