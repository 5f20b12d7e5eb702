// sqlite3 as a guest-OS program, through the real kernel: SQL in and out, output modes, the
// shell's errors, durability on the VFS, determinism of output and fuel, out_of_fuel, quota.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ModulePreparer } from '../../sandbox/prepare.js';
import { createGuestOs, runShell, type GuestOsOptions, type Kernel } from '../index.js';
import { nodeSqliteSource } from '../node/sqlite-source.js';
import { isAllWhitespace, sqlComplete } from './complete.js';
import { sqlite3Program } from './program.js';

// One preparer for the file: the wasm is instrumented once.
const sqlite3 = sqlite3Program({ source: nodeSqliteSource, preparer: new ModulePreparer() });
const decoder = new TextDecoder();

const os = (o: { maxInstructions?: bigint; quotaBytes?: number; image?: GuestOsOptions['image'] } = {}): Kernel =>
  createGuestOs({ maxInstructions: o.maxInstructions ?? 10n ** 10n, programs: { sqlite3 }, ...(o.quotaBytes !== undefined && { quotaBytes: o.quotaBytes }), ...(o.image !== undefined && { image: o.image }) });

async function run(kernel: Kernel, argv: string[], stdin = '') {
  const r = await kernel.run(argv, { stdin });
  return { out: decoder.decode(r.stdout), err: decoder.decode(r.stderr), status: r.status, fuel: r.fuelUsed, error: r.error };
}
const sq = (...args: string[]) => run(os(), ['sqlite3', ...args]);

before(async () => {
  await sqlite3.ready();
});

describe('sqlite3: SQL in, rows out', () => {
  it('creates, inserts and selects; list mode with | and NULL as empty', async () => {
    const r = await sq(':memory:', "create table t(a, b); insert into t values(1, 'x'), (2, null), (3, 'y z'); select * from t order by a");
    assert.deepEqual([r.out, r.err, r.status], ['1|x\n2|\n3|y z\n', '', 0]);
  });

  it('formats values as SQLite does: integers, reals, text, blobs', async () => {
    const r = await sq(':memory:', "select 1, 2.5, 1.0, 0.1, 1e100, 9223372036854775807, -0.0, 'a', x'4142', null");
    assert.equal(r.out, '1|2.5|1.0|0.1|1.0e+100|9223372036854775807|0.0|a|AB|\n');
  });

  it('the default database is in memory; several SQL arguments run in order', async () => {
    const r = await sq('', 'create table t(x)', 'insert into t values(7)', 'select x * 6 from t');
    assert.equal(r.out, '42\n');
  });

  it('reads SQL from stdin: multi-line statements, comments, several per line', async () => {
    const k = os();
    const r = await run(k, ['sqlite3'], "-- a comment\ncreate table t(x);\ninsert into t\n  values (1); insert into t values(2);\n/* block\n comment */ select sum(x)\nfrom t; -- trailing\nselect 'a;b'; select \"x\" from t where x = 1\n");
    assert.deepEqual([r.out, r.err, r.status], ['3\na;b\n1\n', '', 0]);
  });
});

describe('sqlite3: streaming stdin', () => {
  it("statements run as their lines arrive: yes 'select 1;' | sqlite3 | head -n 2 ends", async () => {
    const r = await runShell("yes 'select 1;' | sqlite3 | head -n 2", { maxInstructions: 10n ** 10n, programs: { sqlite3 } });
    assert.deepEqual([r.output, r.exit_code], ['1\n1\n', 0]);
  });

  it('.exit CODE ends with that status; a final statement without ; still runs', async () => {
    const r = await run(os(), ['sqlite3'], 'select 1;\n.exit 3\nselect 2;\n');
    assert.deepEqual([r.out, r.status], ['1\n', 3]);
    assert.equal((await run(os(), ['sqlite3'], 'select 1;\nselect 2')).out, '1\n2\n');
  });
});

describe('sqlite3: output modes and headers', () => {
  const q = "select 1 as a, 'x y' as b, '' as c, null as d union all select 2, 'q\"t', 'p,q', 3.5";
  it('-header (list), -noheader', async () => {
    assert.equal((await sq('-header', ':memory:', 'select 1 as a, 2 as b')).out, 'a|b\n1|2\n');
    assert.equal((await sq('-header', '-noheader', ':memory:', 'select 1 as a')).out, '1\n');
  });

  it('-csv quotes like sqlite3; .mode csv ends rows with CRLF', async () => {
    assert.equal((await sq('-csv', '-header', ':memory:', q)).out, 'a,b,c,d\n1,"x y","",\n2,"q""t","p,q",3.5\n');
    assert.equal((await sq(':memory:', '.mode csv', 'select 1, 2')).out, '1,2\r\n');
  });

  it('-json', async () => {
    assert.equal((await sq('-json', ':memory:', q)).out, '[{"a":1,"b":"x y","c":"","d":null},\n{"a":2,"b":"q\\"t","c":"p,q","d":3.5}]\n');
    assert.equal((await sq('-json', ':memory:', 'select 1 where 0')).out, '');
  });

  it('-line', async () => {
    assert.equal((await sq('-line', ':memory:', "select 1 as a, 'x' as longname union all select 2, null")).out, '       a = 1\nlongname = x\n\n       a = 2\nlongname = \n');
  });

  it('.mode column (headers on), tabs, -separator, .separator, .nullvalue', async () => {
    assert.equal((await sq(':memory:', '.mode column', "select 1 as a, 'xyz' as bb union all select 22, null")).out, 'a   bb \n--  ---\n1   xyz\n22     \n');
    assert.equal((await sq(':memory:', '.mode tabs', 'select 1, 2')).out, '1\t2\n');
    assert.equal((await sq('-separator', ';', ':memory:', 'select 1, 2')).out, '1;2\n');
    assert.equal((await sq(':memory:', '.separator , ~', '.nullvalue NULL', 'select 1, null')).out, '1,NULL~');
    assert.equal((await sq(':memory:', '.headers on', '.mode list', 'select 1 as x')).out, 'x\n1\n');
  });

  it('-cmd runs before the SQL; -version; unknown options fail', async () => {
    assert.equal((await sq('-cmd', '.headers on', ':memory:', 'select 5 as v')).out, 'v\n5\n');
    assert.match((await sq('-version')).out, /^3\.54\.\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [0-9a-f]{64} \(32-bit\)\n$/);
    const bad = await sq('-frobnicate');
    assert.equal(bad.status, 1);
    assert.match(bad.err, /unknown option: -frobnicate/);
  });
});

describe('sqlite3: errors', () => {
  it('bad SQL as an argument: "Error: in prepare, …" and status 1; nothing after it runs', async () => {
    const r = await sq(':memory:', 'selec 1', 'select 2');
    assert.deepEqual([r.out, r.err, r.status], ['', 'Error: in prepare, near "selec": syntax error\n', 1]);
  });

  it('stdin: Parse/Runtime error near line N, the shell goes on, status 1; -bail stops', async () => {
    const input = 'create table t(x unique);\ninsert into t values(1);\ninsert into t values(1);\nselec 2;\nselect count(*) from t;\n';
    const r = await run(os(), ['sqlite3'], input);
    assert.equal(r.out, '1\n');
    assert.equal(r.err, 'Runtime error near line 3: UNIQUE constraint failed: t.x (19)\nParse error near line 4: near "selec": syntax error\n');
    assert.equal(r.status, 1);
    const bailed = await run(os(), ['sqlite3', '-bail'], input);
    assert.deepEqual([bailed.out, bailed.status], ['', 1]);
    assert.match(bailed.err, /^Runtime error near line 3/);
  });

  it('a file that is not a database', async () => {
    const k = os({ image: { '/notdb': 'hello, this is text\n' } });
    const r = await run(k, ['sqlite3', '/notdb', 'select * from sqlite_schema']);
    assert.deepEqual([r.err, r.status], ['Error: file is not a database\n', 1]);
    assert.equal((await run(k, ['sh', '-c', 'cat /notdb'])).out, 'hello, this is text\n');
  });

  it('-readonly refuses writes', async () => {
    const k = os();
    await run(k, ['sqlite3', '/ro.db', 'create table t(x)']);
    const r = await run(k, ['sqlite3', '-readonly', '/ro.db', 'insert into t values(1)']);
    assert.equal(r.status, 1);
    assert.match(r.err, /attempt to write a readonly database \(8\)/);
  });

  it('an unknown dot-command', async () => {
    const r = await sq(':memory:', '.frob');
    assert.equal(r.status, 1);
    assert.equal(r.err, 'Error: unknown command or invalid arguments:  "frob". Enter ".help" for help\n');
  });
});

describe('sqlite3: dot-commands', () => {
  it('.tables, .schema, .dump, .read, .quit', async () => {
    const k = os();
    await run(k, ['sqlite3', '/d.db'], "create table alpha(x integer primary key, y text);\ncreate table beta(z);\ncreate index beta_z on beta(z);\ninsert into alpha(y) values('it''s');\n");
    assert.equal((await run(k, ['sqlite3', '/d.db', '.tables'])).out, 'alpha  beta \n');
    assert.equal((await run(k, ['sqlite3', '/d.db', '.schema beta'])).out, 'CREATE TABLE beta(z);\nCREATE INDEX beta_z on beta(z);\n');
    assert.equal(
      (await run(k, ['sqlite3', '/d.db', '.dump'])).out,
      "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE alpha(x integer primary key, y text);\nINSERT INTO alpha VALUES(1,'it''s');\nCREATE TABLE beta(z);\nCREATE INDEX beta_z on beta(z);\nCOMMIT;\n",
    );
    await run(k, ['sh', '-c', "echo 'select count(*) from alpha;' > /q.sql"]);
    const r = await run(k, ['sqlite3', '/d.db'], '.read /q.sql\n.quit\nselect 99;\n');
    assert.deepEqual([r.out, r.status], ['1\n', 0]);
  });
});

describe('sqlite3: the database lives on the VFS', () => {
  it("seq 1 100 | awk '{print \"insert …\"}' | sqlite3 /db.sqlite, then select sum(x) → 5050", async () => {
    const kernel = os();
    await runShell("sqlite3 /db.sqlite 'create table t(x)'", { kernel });
    const w = await runShell(`seq 1 100 | awk '{print "insert into t values(" $1 ");"}' | sqlite3 /db.sqlite`, { kernel });
    assert.equal(w.exit_code, 0, w.logs.join('\n'));
    const r = await runShell("sqlite3 /db.sqlite 'select sum(x) from t'", { kernel });
    assert.equal(r.output, '5050\n');
    // The file is a real SQLite database, and survives a snapshot into a new OS.
    const head = decoder.decode((await kernel.run(['sh', '-c', 'head -c 15 /db.sqlite'])).stdout);
    assert.equal(head, 'SQLite format 3');
    const next = os({ image: kernel.vfs.snapshot() });
    assert.equal((await run(next, ['sqlite3', '/db.sqlite', 'select count(*), max(x) from t'])).out, '100|100\n');
  });

  it('an open transaction is not written until COMMIT; a missing file is created on the first write', async () => {
    const k = os();
    const r1 = await run(k, ['sqlite3', '/new.db', 'select 1']);
    assert.equal(r1.out, '1\n');
    assert.equal((await run(k, ['sh', '-c', 'ls /'])).out.includes('new.db'), false);
    await run(k, ['sqlite3', '/tx.db', 'create table t(x)']);
    await run(k, ['sqlite3', '/tx.db', 'begin; insert into t values(1);']); // never committed
    assert.equal((await run(k, ['sqlite3', '/tx.db', 'select count(*) from t'])).out, '0\n');
    await run(k, ['sqlite3', '/tx.db', 'begin; insert into t values(1); insert into t values(2); commit;']);
    assert.equal((await run(k, ['sqlite3', '/tx.db', 'select count(*) from t'])).out, '2\n');
  });

  it('two kernels are isolated', async () => {
    const a = os();
    const b = os();
    await run(a, ['sqlite3', '/db', "create table t(x); insert into t values('a')"]);
    const r = await run(b, ['sqlite3', '/db', 'select * from t']);
    assert.equal(r.status, 1);
    assert.match(r.err, /no such table: t/);
    assert.equal((await run(a, ['sqlite3', '/db', 'select * from t'])).out, 'a\n');
  });

  it('a write past the quota reports ENOSPC, exits 1 and leaves the last good database', async () => {
    const k = os({ quotaBytes: 40_000 });
    assert.equal((await run(k, ['sqlite3', '/q.db', 'create table t(x)'])).status, 0);
    const r = await run(k, ['sqlite3', '/q.db', "with recursive n(i) as (select 1 union all select i + 1 from n where i < 100) insert into t select randomblob(1000) from n"]);
    assert.equal(r.status, 1);
    assert.match(r.err, /ENOSPC/);
    assert.equal((await run(k, ['sqlite3', '/q.db', 'select count(*) from t'])).out, '0\n');
  });
});

describe('sqlite3: determinism and fuel', () => {
  it('10 runs: identical output and fuel, random() and datetime(now) included', async () => {
    const script = `seq 1 20 | awk '{print "insert into t values(" $1 ");"}' | sqlite3 /d.db; sqlite3 -json /d.db "select sum(x) as s, random() as r, datetime('now') as now, hex(randomblob(4)) as b from t"`;
    const results = [];
    for (let i = 0; i < 10; i++) {
      const kernel = os();
      await runShell("sqlite3 /d.db 'create table t(x)'", { kernel });
      const r = await runShell(script, { kernel });
      results.push(JSON.stringify([r.output, r.logs, r.fuel_used, r.exit_code]));
    }
    assert.equal(new Set(results).size, 1, results.join('\n'));
    assert.match(results[0]!, /"s\\":210/);
  });

  it('OUTLAYER_SEED changes the random stream, deterministically', async () => {
    const k = os();
    const seeded = async (seed: string) => (await runShell(`OUTLAYER_SEED=${seed} sqlite3 :memory: 'select random()'`, { kernel: k })).output;
    const [a1, a2, b] = [await seeded('a'), await seeded('a'), await seeded('b')];
    assert.equal(a1, a2);
    assert.notEqual(a1, b);
  });

  it('the virtual clock is the time SQLite sees (UTC)', async () => {
    const k = createGuestOs({ maxInstructions: 10n ** 10n, programs: { sqlite3 }, blockTimestampNs: 1_700_000_000_000_000_000n });
    const r = await run(k, ['sqlite3', ':memory:', "select datetime('now'), datetime('now', 'localtime')"]);
    assert.equal(r.out, '2023-11-14 22:13:20|2023-11-14 22:13:20\n');
  });

  it('a recursive CTE with no end runs out of fuel and ends the OS run', async () => {
    const k = os({ maxInstructions: 200_000_000n });
    const r = await run(k, ['sqlite3', ':memory:', 'with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c']);
    assert.equal(r.error?.kind, 'out_of_fuel');
    assert.equal(r.fuel, 200_000_000n);
  });

  it('fuel grows with the work SQLite does', async () => {
    const count = (n: number) => `with recursive c(i) as (select 1 union all select i + 1 from c where i < ${n}) select count(*) from c`;
    const small = await sq(':memory:', count(10));
    const large = await sq(':memory:', count(100_000));
    assert.equal(large.out, '100000\n');
    assert.ok(large.fuel > small.fuel + 1_000_000n, `${small.fuel} vs ${large.fuel}`);
  });
});

describe('sqlite3: loading', () => {
  it('the first process loads SQLite while keeping the turn: output and fuel as with ready() beforehand', async () => {
    const lazy = sqlite3Program({ source: nodeSqliteSource, preparer: new ModulePreparer() });
    const script = "seq 1 3 | sed 's/.*/select &*2;/' | sqlite3 | tr '\\n' ' '; echo; echo after";
    const first = await runShell(script, { maxInstructions: 10n ** 10n, programs: { sqlite3: lazy } });
    const warm = await runShell(script, { maxInstructions: 10n ** 10n, programs: { sqlite3 } });
    assert.equal(first.output, '2 4 6 \nafter\n');
    assert.deepEqual([first.output, first.fuel_used], [warm.output, warm.fuel_used]);
  });

  it('a SQLite that cannot be loaded is reported (status 1) and the OS goes on', async () => {
    const broken = sqlite3Program({ source: { ...nodeSqliteSource, wasm: () => Promise.reject(new Error('no wasm here')) }, preparer: new ModulePreparer() });
    const r = await runShell('sqlite3 :memory: "select 1"; echo status $?', { maxInstructions: 10n ** 9n, programs: { sqlite3: broken } });
    assert.equal(r.output, 'status 1\n');
    assert.match(r.logs.join('\n'), /cannot load SQLite: .*no wasm here/);
  });
});

describe('sqlite3_complete port', () => {
  it('knows when statements are complete', () => {
    assert.equal(sqlComplete('select 1;'), true);
    assert.equal(sqlComplete('select 1'), false);
    assert.equal(sqlComplete("select ';'"), false);
    assert.equal(sqlComplete("select ';';"), true);
    assert.equal(sqlComplete('select 1; -- c'), true);
    assert.equal(sqlComplete('select 1 /* ; */'), false);
    assert.equal(sqlComplete('create trigger tr after insert on t begin select 1;'), false);
    assert.equal(sqlComplete('create trigger tr after insert on t begin select 1; end;'), true);
    assert.equal(isAllWhitespace('  -- only a comment'), true);
    assert.equal(isAllWhitespace('/* open'), false);
  });
});
