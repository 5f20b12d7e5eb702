/**
 * sqlite3_complete(), ported from SQLite's complete.c (sql.js does not export it): whether SQL
 * text ends a statement — a semicolon outside strings, identifiers and comments, and, for
 * CREATE TRIGGER, after the body's END. The shell uses it to tell when the lines it has read
 * form something to run. Also `isAllWhitespace` (whitespace and comments only).
 */

const SEMI = 0, WS = 1, OTHER = 2, EXPLAIN = 3, CREATE = 4, TEMP = 5, TRIGGER = 6, END = 7;

// State × token → state (complete.c). States: 0 INVALID, 1 START, 2 NORMAL, 3 EXPLAIN, 4 CREATE, 5 TRIGGER, 6 SEMI, 7 END.
const TRANS: readonly (readonly number[])[] = [
  [1, 0, 2, 3, 4, 2, 2, 2],
  [1, 1, 2, 3, 4, 2, 2, 2],
  [1, 2, 2, 2, 2, 2, 2, 2],
  [1, 3, 3, 2, 4, 2, 2, 2],
  [1, 4, 2, 2, 2, 4, 5, 2],
  [6, 5, 5, 5, 5, 5, 5, 5],
  [6, 6, 5, 5, 5, 5, 5, 7],
  [1, 7, 5, 5, 5, 5, 5, 5],
];

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isIdChar = (c: string): boolean => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;

const KEYWORDS: Record<string, number> = { create: CREATE, trigger: TRIGGER, temp: TEMP, temporary: TEMP, end: END, explain: EXPLAIN };

/** sqlite3_complete(sql) !== 0. */
export function sqlComplete(sql: string): boolean {
  let state = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    let token: number;
    if (c === ';') {
      token = SEMI;
    } else if (isSpace(c)) {
      token = WS;
    } else if (c === '/') {
      if (sql[i + 1] !== '*') {
        token = OTHER;
      } else {
        const close = sql.indexOf('*/', i + 2);
        if (close < 0) return false;
        i = close + 1;
        token = WS;
      }
    } else if (c === '-') {
      if (sql[i + 1] !== '-') {
        token = OTHER;
      } else {
        const nl = sql.indexOf('\n', i);
        if (nl < 0) return state === 1;
        i = nl;
        token = WS;
      }
    } else if (c === '[' || c === '`' || c === '"' || c === "'") {
      const close = sql.indexOf(c === '[' ? ']' : c, i + 1);
      if (close < 0) return false;
      i = close;
      token = OTHER;
    } else if (isIdChar(c)) {
      let j = i + 1;
      while (j < n && isIdChar(sql[j]!)) j++;
      token = KEYWORDS[sql.slice(i, j).toLowerCase()] ?? OTHER;
      i = j - 1;
    } else {
      token = OTHER;
    }
    state = TRANS[state]![token]!;
    i++;
  }
  return state === 1;
}

/** True when `sql` holds only whitespace and comments (the shell skips such lines). */
export function isAllWhitespace(sql: string): boolean {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (isSpace(c)) {
      i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) return false;
      i = close + 2;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      if (nl < 0) return true;
      i = nl + 1;
    } else {
      return false;
    }
  }
  return true;
}

/** The first keyword of a statement (after whitespace and comments), lower-cased; '' if none. */
export function firstKeyword(sql: string): string {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (isSpace(c)) i++;
    else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) return '';
      i = close + 2;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      if (nl < 0) return '';
      i = nl + 1;
    } else break;
  }
  const m = /^[A-Za-z]+/.exec(sql.slice(i));
  return m ? m[0].toLowerCase() : '';
}
