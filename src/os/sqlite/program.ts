/**
 * `sqlite3 [OPTIONS] [FILE] [SQL]...` as a guest-OS program: SQLite 3.54 (sql.js's wasm, metered
 * by L1) on a database file of the VFS. FILE defaults to an in-memory database (`:memory:`);
 * SQL comes from the arguments, else from stdin. Options: -header -noheader -csv -json -line
 * -list -column -tabs -separator SEP -newline SEP -nullvalue TEXT -cmd CMD -bail -readonly
 * -version -batch -help (a leading `--` is accepted too, and `--` ends the options).
 * What the shell does with the input is in ./shell.ts, the output modes in ./format.ts,
 * durability in ./db-file.ts, fuel in ./engine.ts.
 *
 * SQLite is loaded (wasm read, instrumented, glue evaluated) once, by the first sqlite3 process,
 * inside `p.hostWork` (the process keeps the turn meanwhile, so the host I/O does not change the
 * interleaving), or ahead of time with `ready()`.
 *
 * @example
 * const sqlite3 = sqlite3Program({ source: nodeSqliteSource, preparer: new ModulePreparer() });
 * const kernel = createGuestOs({ programs: { sqlite3 } });
 * await kernel.run(['sqlite3', '/db', 'create table t(x); insert into t values(1)']);
 */
import { OsError, type Proc, type Program } from '../types.js';
import { DbFile, isMemoryName } from './db-file.js';
import { SqliteLoader, SqliteTrap, type SqliteLoaderOptions, type SqliteSession } from './engine.js';
import { queryRows } from './exec.js';
import type { OutputSettings } from './format.js';
import { inputLines, Shell } from './shell.js';

export type Sqlite3Deps = SqliteLoaderOptions;

export interface Sqlite3Program extends Program {
  /** Loads SQLite (host I/O, instrumentation) ahead of the first sqlite3 process. */
  ready(): Promise<void>;
}

interface Args {
  file: string;
  sql: string[];
  cmds: string[];
  settings: OutputSettings;
  bail: boolean;
  readonly: boolean;
  version: boolean;
  help: boolean;
}

const USAGE = `Usage: sqlite3 [OPTIONS] [FILENAME [SQL...]]
FILENAME is the name of an SQLite database. A new database is created
if the file does not previously exist. Defaults to :memory:.
OPTIONS include:
   -bail                stop after hitting an error
   -batch               force batch I/O
   -cmd COMMAND         run "COMMAND" before reading stdin
   -column              set output mode to 'column'
   -csv                 set output mode to 'csv'
   -header              turn headers on
   -help                show this message
   -json                set output mode to 'json'
   -line                set output mode to 'line'
   -list                set output mode to 'list'
   -newline SEP         set output row separator. Default: '\\n'
   -noheader            turn headers off
   -nullvalue TEXT      set text string for NULL values. Default ''
   -readonly            open the database read-only
   -separator SEP       set output column separator. Default: '|'
   -tabs                set output mode to 'list' with tab separators
   -version             show SQLite version
`;

/** Parses argv like the shell's main(): options anywhere, the first other word is FILE. */
export function parseArgs(argv: readonly string[]): Args | { error: string } {
  const a: Args = {
    file: '',
    sql: [],
    cmds: [],
    settings: { mode: 'list', showHeader: false, headerSet: false, colSep: '|', rowSep: '\n', nullValue: '' },
    bail: false,
    readonly: false,
    version: false,
    help: false,
  };
  let fileSet = false;
  let optionsEnd = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (optionsEnd || !arg.startsWith('-') || arg === '-') {
      if (!fileSet) {
        a.file = arg;
        fileSet = true;
      } else a.sql.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnd = true;
      continue;
    }
    const opt = arg.startsWith('--') ? arg.slice(1) : arg;
    const value = (): string | null => (i + 1 < argv.length ? argv[++i]! : null);
    const s = a.settings;
    switch (opt) {
      case '-header':
      case '-headers':
        s.showHeader = true;
        s.headerSet = true;
        break;
      case '-noheader':
        s.showHeader = false;
        s.headerSet = true;
        break;
      case '-list':
        s.mode = 'list';
        break;
      case '-csv':
        s.mode = 'csv';
        s.colSep = ',';
        break;
      case '-json':
        s.mode = 'json';
        break;
      case '-line':
        s.mode = 'line';
        break;
      case '-column':
        s.mode = 'column';
        if (!s.headerSet) s.showHeader = true;
        break;
      case '-tabs':
        s.mode = 'list';
        s.colSep = '\t';
        break;
      case '-separator':
      case '-newline':
      case '-nullvalue':
      case '-cmd': {
        const v = value();
        if (v === null) return { error: `Error: missing argument to ${arg}` };
        if (opt === '-separator') s.colSep = v;
        else if (opt === '-newline') s.rowSep = v;
        else if (opt === '-nullvalue') s.nullValue = v;
        else a.cmds.push(v);
        break;
      }
      case '-bail':
        a.bail = true;
        break;
      case '-readonly':
        a.readonly = true;
        break;
      case '-version':
        a.version = true;
        break;
      case '-help':
        a.help = true;
        break;
      case '-batch':
      case '-echo':
        break;
      default:
        return { error: `sqlite3: Error: unknown option: ${arg}\nUse -help for a list of options.` };
    }
  }
  if (!fileSet) a.file = ':memory:';
  return a;
}

export function sqlite3Program(deps: Sqlite3Deps): Sqlite3Program {
  let loader: SqliteLoader | null = null;
  let failure: Error | null = null;
  let loading: Promise<void> | null = null;
  const ready = (): Promise<void> =>
    (loading ??= SqliteLoader.load(deps).then(
      (l) => {
        loader = l;
      },
      (e: unknown) => {
        failure = e instanceof Error ? e : new Error(String(e));
        loading = null; // the next process tries again
        throw failure;
      },
    ));
  const program = async (p: Proc): Promise<number> => {
    // Always through hostWork, loaded or not, so a warm host and a cold one schedule alike.
    await p.hostWork(() => (loader ? Promise.resolve() : ready().catch(() => {})));
    if (!loader) {
      await p.write(2, `sqlite3: cannot load SQLite: ${failure?.message ?? 'unknown error'}\n`);
      return 1;
    }
    return runSqlite3(p, loader);
  };
  return Object.assign(program, { ready });
}

/** One sqlite3 process. */
async function runSqlite3(p: Proc, loader: SqliteLoader): Promise<number> {
  const args = parseArgs(p.argv);
  if ('error' in args) {
    await p.write(2, `${args.error}\n`);
    return 1;
  }
  if (args.help) {
    await p.write(2, USAGE);
    return 0;
  }
  let session: SqliteSession | null = null;
  try {
    session = await loader.open({
      fuelLeft: () => p.fuelLeft(),
      charge: (n) => p.charge(n),
      nowMs: () => Number(p.now() / 1_000_000n),
      seed: p.env.get('OUTLAYER_SEED') ?? '',
    });
    let file: DbFile | null = null;
    let content: Uint8Array | null = null;
    if (!isMemoryName(args.file)) {
      try {
        ({ file, content } = await DbFile.open(p, args.file));
      } catch (e) {
        if (!(e instanceof OsError)) throw e;
        await p.write(2, `Error: unable to open database "${args.file}": unable to open database file\n`);
        return 1;
      }
    }
    const db = session.openDatabase(content);
    if (args.version) {
      const r = queryRows(session, db.db, 'SELECT sqlite_version(), sqlite_source_id()');
      const [version, source] = 'rows' in r ? (r.rows[0] ?? []) : [];
      await p.write(1, `${version} ${source} (32-bit)\n`);
      return 0;
    }
    if (content !== null && content.length > 0 && 'error' in queryRows(session, db.db, 'PRAGMA schema_version')) {
      await p.write(2, 'Error: file is not a database\n');
      return 1;
    }
    if (args.readonly && 'error' in queryRows(session, db.db, 'PRAGMA query_only=1')) throw new Error('sqlite3: could not make the database read-only');
    const shell = new Shell(p, session, db, file, args.settings, args.bail);
    for (const cmd of args.cmds) {
      if (!(await shell.runArgument(cmd)) && shell.bail) return 1;
      if (shell.exitCode !== null) return shell.exitCode;
    }
    if (args.sql.length > 0) {
      for (const sql of args.sql) {
        if (!(await shell.runArgument(sql))) return 1;
        if (shell.exitCode !== null) return shell.exitCode;
      }
      await shell.flush();
      return 0;
    }
    const r = await shell.processInput(inputLines(p));
    await shell.flush();
    if (shell.exitCode !== null) return shell.exitCode;
    return r.errors > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof SqliteTrap) {
      await p.write(2, `Error: SQLite stopped: ${e.kind}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof OsError && e.code !== 'EPIPE') {
      await p.write(2, `Error: ${e.message} (${e.code})\n`);
      return 1;
    }
    throw e;
  } finally {
    session?.dispose();
  }
}
