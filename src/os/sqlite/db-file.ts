/**
 * The database file of one sqlite3 process, on the VFS. It is read once when the process starts
 * (missing: a new, empty database) and written back after each statement that changed it, so
 * what is on the VFS is what autocommit made durable: after a statement that might write, the
 * database is exported (sql.js `export`, a backup; refused while a write transaction is open, so
 * an uncommitted transaction is never written) and compared with what the VFS holds. A write
 * goes to `<file>-journal` first and is renamed over the file, so a failed write (ENOSPC) leaves
 * the previous database intact.
 */
import { OsError, type Proc } from '../types.js';
import type { SqliteSession } from './engine.js';
import type { SqlJsDatabase } from './source.js';

/** The in-memory database names sqlite3 accepts (nothing is persisted). */
export const isMemoryName = (path: string): boolean => path === ':memory:' || path === '';

export class DbFile {
  private constructor(
    private readonly p: Proc,
    readonly path: string,
    /** What the VFS holds (empty: no file yet). */
    private saved: Uint8Array,
  ) {}

  /** Reads the file; null content means it does not exist yet. Throws OsError for anything else (EISDIR, …). */
  static async open(p: Proc, path: string): Promise<{ file: DbFile; content: Uint8Array | null }> {
    try {
      const content = await p.readFile(path);
      return { file: new DbFile(p, path, content), content };
    } catch (e) {
      if (e instanceof OsError && e.code === 'ENOENT') return { file: new DbFile(p, path, new Uint8Array(0)), content: null };
      throw e;
    }
  }

  /**
   * Writes the database back when it differs from what the VFS holds. Returns quietly while a
   * write transaction is open (its changes are not durable yet). Throws OsError (ENOSPC, …).
   */
  async sync(s: SqliteSession, db: SqlJsDatabase): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = s.exportDatabase(db);
    } catch (e) {
      if (e instanceof Error && /busy or locked/.test(e.message)) return;
      throw e;
    }
    this.p.charge(Math.min(bytes.length, this.saved.length)); // the comparison
    if (equal(bytes, this.saved)) return;
    const tmp = `${this.path}-journal`;
    try {
      await this.p.writeFile(tmp, bytes);
      this.p.rename(tmp, this.path);
    } catch (e) {
      if (e instanceof OsError) {
        try {
          this.p.unlink(tmp);
        } catch (u) {
          if (!(u instanceof OsError)) throw u; // nothing was created
        }
      }
      throw e;
    }
    this.saved = bytes;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
