/**
 * Runs a piece of SQL text the way the shell's shell_exec() does: prepare the first statement
 * (sqlite3_prepare_v2), step it, print its rows, finalize, and go on with the rest, stopping at
 * the first error. Every call into SQLite is metered (../sqlite/engine.ts); rows are stepped in
 * batches so output reaches stdout as it is produced (a `select` over a large table streams).
 *
 * Errors come back as the shell words them: `in prepare, <errmsg>` and `stepping, <errmsg> (rc)`
 * (the code only when above 1, as save_err_msg() prints it).
 */
import { firstKeyword } from './complete.js';
import type { SqliteSession } from './engine.js';
import { ByteSink, ResultPrinter, SQLITE_BLOB, type Cell, type OutputSettings } from './format.js';

const SQLITE_ROW = 100;
const SQLITE_NULL = 5;
/** Rows (or bytes) stepped per metered batch before they are printed. */
const BATCH_ROWS = 512;
const BATCH_BYTES = 65536;

export interface ExecError {
  phase: 'prepare' | 'stepping';
  /** sqlite3_errmsg(). */
  message: string;
  rc: number;
}

/** `in prepare, near "x": syntax error` / `stepping, UNIQUE constraint failed: t.x (19)`. */
export function errorText(e: ExecError): string {
  return `${e.phase === 'prepare' ? 'in prepare' : 'stepping'}, ${e.message}${e.rc > 1 ? ` (${e.rc})` : ''}`;
}

export interface ExecHooks {
  settings: OutputSettings;
  out: ByteSink;
  /** Writes what `out` holds to stdout. */
  flush(): Promise<void>;
  /** Called after each statement that may have written (not select/values/explain), with its text and whether it failed. */
  afterStatement(sql: string, failed: boolean): Promise<void>;
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const decoder = new TextDecoder();

export async function execSql(s: SqliteSession, db: number, sql: string, hooks: ExecHooks): Promise<ExecError | null> {
  const bytes = new TextEncoder().encode(sql);
  const [buf, pp] = s.metered(() => [s.cstring(bytes), s.malloc(8)] as const, bytes.length);
  const errmsg = (): string => decoder.decode(s.metered(() => s.cbytes(s.call('_sqlite3_errmsg', db))));
  try {
    let offset = 0;
    for (;;) {
      while (offset < bytes.length && isSpace(bytes[offset]!)) offset++;
      if (offset >= bytes.length) return null;
      const [rc, stmt, tail] = s.metered(() => {
        s.setI32(pp, 0);
        const r = s.call('_sqlite3_prepare_v2', db, buf + offset, -1, pp, pp + 4);
        return [r, s.i32(pp), s.i32(pp + 4)] as const;
      });
      if (rc !== 0) {
        const failure: ExecError = { phase: 'prepare', message: errmsg(), rc };
        await hooks.afterStatement('', true);
        return failure;
      }
      const text = decoder.decode(bytes.subarray(offset, tail - buf));
      offset = tail - buf;
      if (stmt === 0) continue; // only a comment or whitespace
      const names = s.metered(() => {
        const n = s.call('_sqlite3_column_count', stmt);
        return Array.from({ length: n }, (_, i) => s.cbytes(s.call('_sqlite3_column_name', stmt, i)));
      });
      const printer = new ResultPrinter(hooks.settings, names, hooks.out);
      let stepRc = SQLITE_ROW;
      while (stepRc === SQLITE_ROW) {
        let moved = 0;
        const rows = s.metered(() => {
          const batch: (Cell | null)[][] = [];
          while (batch.length < BATCH_ROWS && moved < BATCH_BYTES) {
            stepRc = s.call('_sqlite3_step', stmt);
            if (stepRc !== SQLITE_ROW) break;
            const row: (Cell | null)[] = [];
            for (let i = 0; i < names.length; i++) {
              const type = s.call('_sqlite3_column_type', stmt, i);
              if (type === SQLITE_NULL) {
                row.push(null);
                continue;
              }
              const ptr = type === SQLITE_BLOB ? s.call('_sqlite3_column_blob', stmt, i) : s.call('_sqlite3_column_text', stmt, i);
              const n = s.call('_sqlite3_column_bytes', stmt, i);
              moved += n;
              row.push({ type, bytes: s.bytes(ptr, n) });
            }
            batch.push(row);
          }
          return batch;
        });
        s.chargeBytes(moved);
        for (const row of rows) printer.row(row);
        if (hooks.out.size >= BATCH_BYTES) await hooks.flush();
      }
      printer.finish();
      const finalRc = s.metered(() => s.call('_sqlite3_finalize', stmt));
      await hooks.flush();
      const failure: ExecError | null = finalRc !== 0 ? { phase: 'stepping', message: errmsg(), rc: finalRc } : null;
      if (!READ_ONLY.has(firstKeyword(text))) await hooks.afterStatement(text, failure !== null);
      if (failure) return failure;
    }
  } finally {
    if (!s.broken) s.metered(() => (s.free(buf), s.free(pp)));
  }
}

/** Statements that cannot change the database file (no need to look for changes after them). */
const READ_ONLY = new Set(['select', 'values', 'explain']);

/**
 * Runs one statement for the shell's own use (.tables, .schema, .dump) and returns its rows as
 * text (NULL as null), or the error. Metered like everything else.
 */
export function queryRows(s: SqliteSession, db: number, sql: string): { rows: (string | null)[][] } | { error: ExecError } {
  const bytes = new TextEncoder().encode(sql);
  return s.metered(() => {
    const buf = s.cstring(bytes);
    const pp = s.malloc(4);
    const errmsg = (): string => decoder.decode(s.cbytes(s.call('_sqlite3_errmsg', db)));
    try {
      const rc = s.call('_sqlite3_prepare_v2', db, buf, -1, pp, 0);
      if (rc !== 0) return { error: { phase: 'prepare' as const, message: errmsg(), rc } };
      const stmt = s.i32(pp);
      const rows: (string | null)[][] = [];
      const n = s.call('_sqlite3_column_count', stmt);
      while (s.call('_sqlite3_step', stmt) === SQLITE_ROW) {
        const row: (string | null)[] = [];
        for (let i = 0; i < n; i++) {
          if (s.call('_sqlite3_column_type', stmt, i) === SQLITE_NULL) row.push(null);
          else row.push(decoder.decode(s.bytes(s.call('_sqlite3_column_text', stmt, i), s.call('_sqlite3_column_bytes', stmt, i))));
        }
        rows.push(row);
      }
      const finalRc = s.call('_sqlite3_finalize', stmt);
      if (finalRc !== 0) return { error: { phase: 'stepping' as const, message: errmsg(), rc: finalRc } };
      return { rows };
    } finally {
      s.free(buf);
      s.free(pp);
    }
  }, bytes.length);
}
