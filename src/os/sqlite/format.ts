/**
 * sqlite3's output modes, as the 3.4x shell prints them in batch mode:
 *
 * - list: cells joined by the column separator ("|"), rows ended by the row separator ("\n"),
 *   the header (with -header / `.headers on`) before a statement's first row; NULL as the null
 *   value (""). `.mode tabs` is list with "\t".
 * - csv: "," and the row separator (`.mode csv` sets "\r\n", the -csv option keeps "\n"); a cell
 *   is quoted ("…", quotes doubled) when it is empty or holds a control, space, quote, non-ASCII
 *   byte or the separator.
 * - json: `[{"a":1,"b":"x"},\n{…}]` per statement; text and blobs as JSON strings, NULL as null.
 * - line: one `name = value` line per column (names right-aligned, width ≥ 5), records separated
 *   by an empty line.
 * - column: buffered per statement, left-aligned to the widest cell, headers on by default with a
 *   line of dashes, columns two spaces apart.
 *
 * Cells come as SQLite's own text (sqlite3_column_text: its formatting of integers and reals),
 * blobs as their bytes. Text is bytes; a cell stops at its first NUL as C's `%s` would.
 */

export type Mode = 'list' | 'csv' | 'json' | 'line' | 'column';

export interface OutputSettings {
  mode: Mode;
  showHeader: boolean;
  /** Whether headers were set explicitly (column mode turns them on otherwise). */
  headerSet: boolean;
  colSep: string;
  rowSep: string;
  nullValue: string;
}

/** SQLite's fundamental types (sqlite3_column_type). */
export const SQLITE_INTEGER = 1, SQLITE_FLOAT = 2, SQLITE_TEXT = 3, SQLITE_BLOB = 4;

export interface Cell {
  type: number;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** Output bytes collected until the program writes them. */
export class ByteSink {
  private pieces: Uint8Array[] = [];
  size = 0;

  push(b: Uint8Array | string): void {
    const bytes = typeof b === 'string' ? encoder.encode(b) : b;
    if (bytes.length === 0) return;
    this.pieces.push(bytes);
    this.size += bytes.length;
  }

  take(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.pieces) {
      out.set(p, at);
      at += p.length;
    }
    this.pieces = [];
    this.size = 0;
    return out;
  }
}

const cstr = (b: Uint8Array): Uint8Array => {
  const nul = b.indexOf(0);
  return nul < 0 ? b : b.subarray(0, nul);
};

/** 1 for the bytes whose presence makes a CSV cell quoted (the shell's needCsvQuote table). */
const needsCsvQuote = (c: number): boolean => c < 0x20 || c === 0x20 || c === 0x22 || c === 0x27 || c >= 0x7f;

function includesBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function csvCell(out: ByteSink, b: Uint8Array | null, s: OutputSettings): void {
  if (b === null) return out.push(s.nullValue);
  const quote = b.length === 0 || b.some(needsCsvQuote) || includesBytes(b, encoder.encode(s.colSep));
  if (!quote) return out.push(b);
  const parts: number[] = [0x22];
  for (const c of b) {
    parts.push(c);
    if (c === 0x22) parts.push(0x22);
  }
  parts.push(0x22);
  out.push(Uint8Array.from(parts));
}

function jsonString(out: ByteSink, b: Uint8Array): void {
  const parts: number[] = [0x22];
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) parts.push(0x5c, c);
    else if (c === 0x08) parts.push(0x5c, 0x62);
    else if (c === 0x0c) parts.push(0x5c, 0x66);
    else if (c === 0x0a) parts.push(0x5c, 0x6e);
    else if (c === 0x0d) parts.push(0x5c, 0x72);
    else if (c === 0x09) parts.push(0x5c, 0x74);
    else if (c < 0x20) parts.push(...encoder.encode(`\\u${c.toString(16).padStart(4, '0')}`));
    else parts.push(c);
  }
  parts.push(0x22);
  out.push(Uint8Array.from(parts));
}

/** Display width: one per UTF-8 character (continuation bytes do not count). */
const width = (b: Uint8Array): number => b.reduce((n, c) => n + ((c & 0xc0) === 0x80 ? 0 : 1), 0);

/** Prints the rows of one statement in the current mode. */
export class ResultPrinter {
  private count = 0;
  private readonly table: (Uint8Array | null)[][] = [];

  constructor(
    private readonly s: OutputSettings,
    private readonly names: Uint8Array[],
    private readonly out: ByteSink,
  ) {}

  row(cells: (Cell | null)[]): void {
    const { s, out, names } = this;
    const n = names.length;
    const text = cells.map((c) => (c === null ? null : c.type === SQLITE_BLOB && s.mode === 'json' ? c.bytes : cstr(c.bytes)));
    switch (s.mode) {
      case 'list': {
        if (this.count++ === 0 && s.showHeader) names.forEach((name, i) => (out.push(name), out.push(i === n - 1 ? s.rowSep : s.colSep)));
        text.forEach((t, i) => (out.push(t ?? s.nullValue), out.push(i === n - 1 ? s.rowSep : s.colSep)));
        return;
      }
      case 'csv': {
        if (this.count++ === 0 && s.showHeader) names.forEach((name, i) => (csvCell(out, name, s), out.push(i === n - 1 ? s.rowSep : s.colSep)));
        text.forEach((t, i) => (csvCell(out, t, s), out.push(i === n - 1 ? s.rowSep : s.colSep)));
        return;
      }
      case 'line': {
        const w = Math.max(5, ...names.map((name) => name.length));
        if (this.count++ > 0) out.push(s.rowSep);
        names.forEach((name, i) => {
          out.push(' '.repeat(Math.max(0, w - name.length)));
          out.push(name);
          out.push(' = ');
          out.push(text[i] ?? s.nullValue);
          out.push(s.rowSep);
        });
        return;
      }
      case 'json': {
        out.push(this.count++ === 0 ? '[{' : ',\n{');
        names.forEach((name, i) => {
          jsonString(out, name);
          out.push(':');
          const cell = cells[i] ?? null;
          const t = text[i] ?? null;
          if (cell === null || t === null) out.push('null');
          else if (cell.type === SQLITE_TEXT || cell.type === SQLITE_BLOB) jsonString(out, t);
          else out.push(t);
          if (i < n - 1) out.push(',');
        });
        out.push('}');
        return;
      }
      case 'column':
        this.count++;
        this.table.push(text);
        return;
    }
  }

  /** Ends the statement (json closes its array, column prints its table). */
  finish(): void {
    const { s, out, names } = this;
    if (s.mode === 'json' && this.count > 0) out.push(']\n');
    if (s.mode !== 'column' || this.count === 0) return;
    const nul = encoder.encode(s.nullValue);
    const header = s.showHeader || !s.headerSet;
    const widths = names.map((name, i) => Math.max(header ? width(name) : 0, ...this.table.map((r) => width(r[i] ?? nul))));
    const line = (cells: Uint8Array[]): void => {
      cells.forEach((c, i) => {
        out.push(c);
        out.push(' '.repeat(Math.max(0, widths[i]! - width(c))));
        out.push(i === cells.length - 1 ? '\n' : '  ');
      });
    };
    if (header) {
      line(names);
      line(widths.map((w) => encoder.encode('-'.repeat(w))));
    }
    for (const r of this.table) line(r.map((c) => c ?? nul));
  }
}
