/**
 * The shell's dot-commands: `.tables [PATTERN]`, `.schema [PATTERN]`, `.dump [TABLE…]`,
 * `.headers on|off`, `.mode list|csv|json|line|tabs|column`, `.separator COL [ROW]`,
 * `.nullvalue TEXT`, `.bail on|off`, `.read FILE`, `.print TEXT…`, `.quit`, `.exit [CODE]`,
 * `.help`. Arguments are split like the shell does (whitespace; '…' literal, "…" with C escapes).
 * Others print sqlite3's "unknown command" error.
 */
import { queryRows, errorText } from './exec.js';
import type { OutputSettings } from './format.js';
import type { DotResult, Shell } from './shell.js';

/** Splits a dot-command line into its arguments. */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    const q = line[i]!;
    if (q === '"' || q === "'") {
      let j = i + 1;
      let arg = '';
      while (j < line.length && line[j] !== q) {
        if (q === '"' && line[j] === '\\' && j + 1 < line.length) {
          const e = line[++j]!;
          arg += ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"' } as Record<string, string>)[e] ?? `\\${e}`;
        } else arg += line[j];
        j++;
      }
      args.push(arg);
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && !/\s/.test(line[j]!)) j++;
      args.push(line.slice(i, j));
      i = j;
    }
  }
  return args;
}

function bool(v: string): boolean | null {
  const s = v.toLowerCase();
  if (['on', 'yes', 'true', '1'].includes(s)) return true;
  if (['off', 'no', 'false', '0'].includes(s)) return false;
  return null;
}

/** A SQL string literal. */
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** An identifier as .dump writes it: bare when plain, else double-quoted. */
const ident = (s: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);

const MODES = 'ascii box column csv html insert json line list markdown qbox quote table tabs tcl';

/** `.mode NAME`: the settings each mode sets in the 3.4x shell. */
function setMode(s: OutputSettings, name: string): boolean {
  switch (name) {
    case 'list':
      s.mode = 'list';
      if (s.colSep === ',' || s.colSep === '\t') s.colSep = '|';
      s.rowSep = '\n';
      return true;
    case 'tabs':
      s.mode = 'list';
      s.colSep = '\t';
      return true;
    case 'csv':
      s.mode = 'csv';
      s.colSep = ',';
      s.rowSep = '\r\n';
      return true;
    case 'json':
      s.mode = 'json';
      return true;
    case 'line':
    case 'lines':
      s.mode = 'line';
      s.rowSep = '\n';
      return true;
    case 'column':
    case 'columns':
      s.mode = 'column';
      if (!s.headerSet) s.showHeader = true;
      return true;
    default:
      return false;
  }
}

export async function runDotCommand(sh: Shell, line: string): Promise<DotResult> {
  const args = splitArgs(line.slice(1));
  const cmd = args[0] ?? '';
  const s = sh.settings;
  const usage = async (text: string): Promise<DotResult> => (await sh.error(`Usage: ${text}`), 1);
  switch (cmd) {
    case 'quit':
    case 'q':
      return 2;
    case 'exit': {
      sh.exitCode = args[1] !== undefined ? Number.parseInt(args[1], 10) & 255 || 0 : 0;
      return 2;
    }
    case 'headers':
    case 'header': {
      const v = args.length === 2 ? bool(args[1]!) : null;
      if (v === null) return usage('.headers on|off');
      s.showHeader = v;
      s.headerSet = true;
      return 0;
    }
    case 'mode': {
      const name = args[1] ?? '';
      if (args.length === 1) {
        await sh.p.write(1, `current output mode: ${s.mode}\n`);
        return 0;
      }
      if (setMode(s, name)) return 0;
      await sh.error(`Error: mode should be one of: ${MODES}`);
      return 1;
    }
    case 'separator': {
      if (args.length < 2 || args.length > 3) return usage('.separator COL ?ROW?');
      s.colSep = args[1]!;
      if (args[2] !== undefined) s.rowSep = args[2];
      return 0;
    }
    case 'nullvalue': {
      if (args.length !== 2) return usage('.nullvalue STRING');
      s.nullValue = args[1]!;
      return 0;
    }
    case 'bail': {
      const v = args.length === 2 ? bool(args[1]!) : null;
      if (v === null) return usage('.bail on|off');
      sh.bail = v;
      return 0;
    }
    case 'print':
      sh.out.push(`${args.slice(1).join(' ')}\n`);
      await sh.flush();
      return 0;
    case 'read': {
      if (args.length !== 2) return usage('.read FILE');
      const lines = await sh.readLines(args[1]!);
      if (lines === null) return 1;
      const r = await sh.processInput(lines);
      if (r.quit) return 2;
      return r.errors > 0 ? 1 : 0;
    }
    case 'tables':
      return tables(sh, args[1]);
    case 'schema':
      return schema(sh, args[1]);
    case 'dump':
      return dump(sh, args.slice(1));
    case 'help':
      sh.out.push(HELP);
      await sh.flush();
      return 0;
    default:
      await sh.error(`Error: unknown command or invalid arguments:  "${cmd}". Enter ".help" for help`);
      return 1;
  }
}

const HELP = `.bail on|off             Stop after hitting an error.  Default OFF
.dump ?TABLE?            Render database content as SQL
.exit ?CODE?             Exit this program with return-code CODE
.headers on|off          Turn display of headers on or off
.help                    Show this help
.mode MODE               Set output mode: list csv json line tabs column
.nullvalue STRING        Use STRING in place of NULL values
.print STRING...         Print literal STRING
.quit                    Exit this program
.read FILE               Read input from FILE
.schema ?PATTERN?        Show the CREATE statements matching PATTERN
.separator COL ?ROW?     Change the column and row separators
.tables ?TABLE?          List names of tables matching LIKE pattern TABLE
`;

/** Runs a query of the shell's own, reporting its error; null on error. */
async function rows(sh: Shell, sql: string): Promise<(string | null)[][] | null> {
  const r = queryRows(sh.session, sh.db.db, sql);
  if ('rows' in r) return r.rows;
  await sh.error(`Error: ${errorText(r.error).replace(/^(in prepare|stepping), /, '')}`);
  return null;
}

/** `.tables`: names in columns, as the shell lays them out for an 80-column screen. */
async function tables(sh: Shell, pattern: string | undefined): Promise<DotResult> {
  const where = pattern === undefined ? '' : ` AND name LIKE ${lit(pattern)}`;
  const r = await rows(sh, `SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'${where} ORDER BY 1`);
  if (r === null) return 1;
  const names = r.map((row) => row[0] ?? '');
  if (names.length === 0) return 0;
  const max = Math.max(...names.map((n) => n.length));
  const cols = Math.max(1, Math.floor(80 / (max + 2)));
  const perCol = Math.ceil(names.length / cols);
  for (let i = 0; i < perCol; i++) {
    let line = '';
    for (let j = i; j < names.length; j += perCol) line += `${j < perCol ? '' : '  '}${names[j]!.padEnd(max)}`;
    sh.out.push(`${line}\n`);
  }
  await sh.flush();
  return 0;
}

/** `.schema`: the CREATE statements, each ended by ';'. */
async function schema(sh: Shell, pattern: string | undefined): Promise<DotResult> {
  const where = pattern === undefined ? '' : ` AND (name LIKE ${lit(pattern)} OR tbl_name LIKE ${lit(pattern)})`;
  const r = await rows(sh, `SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND type != 'meta'${where} ORDER BY tbl_name, type DESC, name`);
  if (r === null) return 1;
  for (const [sql] of r) sh.out.push(`${sql};\n`);
  await sh.flush();
  return 0;
}

/** `.dump`: the schema and rows as SQL, in one transaction, as the shell writes it. */
async function dump(sh: Shell, only: string[]): Promise<DotResult> {
  const filter = only.length === 0 ? '' : ` AND (${only.map((t) => `tbl_name LIKE ${lit(t)}`).join(' OR ')})`;
  const out = sh.out;
  out.push('PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n');
  const tablesRows = await rows(sh, `SELECT name, sql FROM sqlite_schema WHERE type='table' AND sql NOT NULL${filter} ORDER BY tbl_name='sqlite_sequence', rowid`);
  if (tablesRows === null) return 1;
  for (const [name, sql] of tablesRows) {
    const table = name ?? '';
    if (table === 'sqlite_sequence') out.push('DELETE FROM sqlite_sequence;\n');
    else if (table.startsWith('sqlite_')) continue;
    else out.push(`${sql};\n`);
    const cols = await rows(sh, `SELECT name FROM pragma_table_info(${lit(table)})`);
    if (cols === null) return 1;
    const values = cols.map(([c]) => `quote(${ident(c ?? '')})`).join(`||','||`);
    const inserts = await rows(sh, `SELECT 'INSERT INTO ${ident(table).replace(/'/g, "''")} VALUES('||${values}||');' FROM ${ident(table)}`);
    if (inserts === null) return 1;
    for (const [stmt] of inserts) out.push(`${stmt}\n`);
    await sh.flush();
  }
  const rest = await rows(sh, `SELECT sql FROM sqlite_schema WHERE sql NOT NULL AND type IN ('index','trigger','view')${filter} ORDER BY rowid`);
  if (rest === null) return 1;
  for (const [sql] of rest) out.push(`${sql};\n`);
  out.push('COMMIT;\n');
  await sh.flush();
  return 0;
}
