// The metered SQLite instance on its own: fresh per process, deterministic imports and globals,
// fuel charged to the host, traps contained, memory capped.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ModulePreparer } from '../../sandbox/prepare.js';
import { nodeSqliteSource } from '../node/sqlite-source.js';
import { SqliteLoader, SqliteTrap, type SqliteHost } from './engine.js';
import { queryRows } from './exec.js';

let loader: SqliteLoader;
before(async () => {
  loader = await SqliteLoader.load({ source: nodeSqliteSource, preparer: new ModulePreparer(), memoryMb: 64 });
});

function host(budget = 10n ** 12n): SqliteHost & { used: number } {
  const h = {
    used: 0,
    fuelLeft: () => budget - BigInt(Math.min(h.used, Number(budget))),
    charge: (n: number) => {
      h.used += n;
      if (h.used > Number(budget)) throw new Error('host: out of fuel');
    },
    nowMs: () => 86_400_000,
    seed: 's',
  };
  return h;
}

describe('SqliteLoader / SqliteSession', () => {
  it('each open is a fresh instance with the same start-up fuel and the same answers', async () => {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const h = host();
      const s = await loader.open(h);
      const db = s.openDatabase(null);
      const r = queryRows(s, db.db, "select random(), datetime('now'), hex(randomblob(8))");
      runs.push(JSON.stringify([r, h.used]));
    }
    assert.equal(new Set(runs).size, 1);
    assert.match(runs[0]!, /1970-01-02 00:00:00/);
  });

  it('a trap inside SQLite becomes a SqliteTrap and the instance is retired', async () => {
    const h = host();
    const s = await loader.open(h);
    assert.throws(() => s.metered(() => s.call('_sqlite3_step', 0x7ffffff0)), (e: unknown) => e instanceof SqliteTrap && e.kind === 'trap');
    assert.equal(s.broken, true);
    assert.throws(() => s.metered(() => 1), SqliteTrap);
  });

  it('running out of fuel charges more than is left (the OS then stops with out_of_fuel)', async () => {
    const h = host(5_000_000n);
    const s = await loader.open(h);
    const db = s.openDatabase(null);
    assert.throws(() => queryRows(s, db.db, 'with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c'), /host: out of fuel/);
    assert.equal(s.broken, true);
  });

  it('memory is capped: a huge allocation is SQLite\'s "out of memory", not a host failure', async () => {
    const s = await loader.open(host());
    const db = s.openDatabase(null);
    const r = queryRows(s, db.db, 'select length(randomblob(100000000))');
    assert.deepEqual(r, { error: { phase: 'stepping', message: 'out of memory', rc: 7 } });
  });
});
