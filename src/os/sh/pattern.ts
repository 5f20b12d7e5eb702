/**
 * Shell pattern matching (POSIX XCU 2.13.1): `*`, `?`, bracket expressions `[a-z]`, `[!x]`, and
 * `\x` for a literal x. Matching is the classic wildcard algorithm that backtracks only to the
 * last `*`, so it is O(pattern × text) — no regular expression a guest could make exponential.
 */

type Token = { t: 'star' } | { t: 'any' } | { t: 'char'; c: string } | { t: 'class'; negate: boolean; items: (string | [string, string])[] };

export interface Pattern {
  test(text: string): boolean;
}

export function compilePattern(pattern: string): Pattern {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) tokens.push({ t: 'char', c: pattern[++i]! });
    else if (c === '*') {
      if (tokens[tokens.length - 1]?.t !== 'star') tokens.push({ t: 'star' });
    } else if (c === '?') tokens.push({ t: 'any' });
    else if (c === '[') {
      const parsed = parseClass(pattern, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else tokens.push({ t: 'char', c });
    } else tokens.push({ t: 'char', c });
  }
  return { test: (text) => match(tokens, [...text]) };
}

/** `[…]` starting at `start`: the token and the index of its `]`, or null when unterminated. */
function parseClass(pattern: string, start: number): { token: Token; end: number } | null {
  let i = start + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  const items: (string | [string, string])[] = [];
  let first = true;
  for (; i < pattern.length; i++) {
    let c = pattern[i]!;
    if (c === ']' && !first) return { token: { t: 'class', negate, items }, end: i };
    first = false;
    if (c === '\\' && i + 1 < pattern.length) c = pattern[++i]!;
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      let hi = pattern[i + 2]!;
      i += 2;
      if (hi === '\\' && i + 1 < pattern.length) hi = pattern[++i]!;
      items.push([c, hi]);
    } else items.push(c);
  }
  return null;
}

function one(token: Token, ch: string): boolean {
  switch (token.t) {
    case 'any':
      return true;
    case 'char':
      return token.c === ch;
    case 'class': {
      const hit = token.items.some((item) => (typeof item === 'string' ? item === ch : item[0] <= ch && ch <= item[1]));
      return hit !== token.negate;
    }
    case 'star':
      return false;
  }
}

function match(tokens: Token[], text: string[]): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < text.length) {
    const tok = tokens[p];
    if (tok && tok.t === 'star') {
      starP = p++;
      starS = s;
    } else if (tok && one(tok, text[s]!)) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else return false;
  }
  while (tokens[p]?.t === 'star') p++;
  return p === tokens.length;
}
