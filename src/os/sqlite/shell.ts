/**
 * The sqlite3 shell's input handling: SQL given as arguments, SQL read from stdin or `.read`
 * (lines gathered until they form complete statements, dot-commands at the start of a line), and
 * the shell's error wording and exit rules in batch mode:
 *
 * - an argument's error prints `Error: in prepare, …` / `Error: stepping, … (rc)` and ends the
 *   shell with status 1;
 * - stdin/.read errors print `Parse error near line N: …` / `Runtime error near line N: … (rc)`,
 *   the shell goes on (unless -bail / `.bail on`) and exits 1 at the end.
 *
 * Not reproduced: the `^--- error here` context lines (sql.js does not export
 * sqlite3_error_offset), EXPLAIN's indented layout, interactive prompts.
 */
import { OsError, type Proc } from '../types.js';
import { firstKeyword, isAllWhitespace, sqlComplete } from './complete.js';
import type { DbFile } from './db-file.js';
import { runDotCommand } from './dot-commands.js';
import type { SqliteSession } from './engine.js';
import { errorText, execSql, type ExecError } from './exec.js';
import { ByteSink, type OutputSettings } from './format.js';
import type { SqlJsDatabase } from './source.js';

/** What a dot-command returns: 0 done, 1 failed, 2 quit (.quit / .exit). */
export type DotResult = 0 | 1 | 2;

export class Shell {
  readonly out = new ByteSink();
  /** Set by `.exit N`. */
  exitCode: number | null = null;
  /**
   * True from a successful BEGIN until COMMIT/END/ROLLBACK/RELEASE or any error: SQLite is then
   * surely inside a transaction, so there is nothing durable to write back and the export is
   * skipped. Otherwise (unknown) the database is exported and compared after each statement.
   */
  private inTransaction = false;

  constructor(
    readonly p: Proc,
    readonly session: SqliteSession,
    readonly db: SqlJsDatabase,
    readonly file: DbFile | null,
    readonly settings: OutputSettings,
    public bail: boolean,
  ) {}

  async flush(): Promise<void> {
    if (this.out.size > 0) await this.p.write(1, this.out.take());
  }

  async error(line: string): Promise<void> {
    await this.flush();
    await this.p.write(2, `${line}\n`);
  }

  /** Runs SQL text (one or more statements); the database is written back after each that may have changed it. */
  async exec(sql: string): Promise<ExecError | null> {
    return execSql(this.session, this.db.db, sql, {
      settings: this.settings,
      out: this.out,
      flush: () => this.flush(),
      afterStatement: async (sql, failed) => {
        const keyword = firstKeyword(sql);
        if (failed) this.inTransaction = false;
        else if (keyword === 'begin') this.inTransaction = true;
        else if (['commit', 'end', 'rollback', 'release'].includes(keyword)) this.inTransaction = false;
        if (this.file && !this.inTransaction) await this.file.sync(this.session, this.db);
      },
    });
  }

  /** SQL or a dot-command given on the command line (an argument or -cmd); false on error. */
  async runArgument(text: string): Promise<boolean> {
    if (text.startsWith('.')) return (await runDotCommand(this, text)) !== 1;
    const e = await this.exec(text);
    if (e) await this.error(`Error: ${errorText(e)}`);
    return e === null;
  }

  /**
   * process_input(): runs the input line by line as it arrives (stdin streams: `yes 'select 1;' |
   * sqlite3 | head -n 1` ends). Returns the number of errors and whether `.quit`/`.exit` ended it.
   */
  async processInput(input: AsyncIterable<string> | Iterable<string>): Promise<{ errors: number; quit: boolean }> {
    let errors = 0;
    let sql = '';
    let start = 0;
    let lineNo = 0;
    for await (const line of input) {
      lineNo++;
      this.p.charge(line.length + 1);
      if (sql === '' && isAllWhitespace(line)) continue;
      if (sql === '' && (line.startsWith('.') || line.startsWith('#'))) {
        if (line.startsWith('#')) continue;
        const rc = await runDotCommand(this, line);
        if (rc === 2) return { errors, quit: true };
        if (rc === 1) {
          errors++;
          if (this.bail) return { errors, quit: false };
        }
        continue;
      }
      if (sql === '') {
        sql = line.replace(/^\s+/, '');
        start = lineNo;
      } else {
        sql += `\n${line}`;
      }
      if (sqlComplete(sql)) {
        errors += await this.runChunk(sql, start);
        sql = '';
        if (errors > 0 && this.bail) return { errors, quit: false };
      }
    }
    if (sql !== '' && !isAllWhitespace(sql)) errors += await this.runChunk(sql, start);
    return { errors, quit: false };
  }

  /** runOneSqlLine(): one group of complete statements; 1 when it failed. */
  private async runChunk(sql: string, line: number): Promise<number> {
    const e = await this.exec(sql);
    if (!e) return 0;
    const kind = e.phase === 'prepare' ? 'Parse error' : 'Runtime error';
    await this.error(`${kind} near line ${line}: ${errorText(e).replace(/^(in prepare|stepping), /, '')}`);
    return 1;
  }

  /** The lines of a VFS file for `.read`; null (after reporting) when it cannot be read. */
  async readLines(path: string): Promise<string[] | null> {
    try {
      return splitLines(new TextDecoder().decode(await this.p.readFile(path)));
    } catch (e) {
      if (!(e instanceof OsError)) throw e;
      await this.error(`Error: cannot open "${path}"`);
      return null;
    }
  }
}

/** Lines of a text (a final newline ends the last line, it does not start another). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The lines of fd 0 as they arrive (UTF-8; a line is complete at its newline or at end of file). */
export async function* inputLines(p: Proc): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const chunk = await p.read(0, 65536);
    if (chunk === null) break;
    pending += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, nl);
      pending = pending.slice(nl + 1);
    }
  }
  pending += decoder.decode();
  if (pending !== '') yield pending;
}
