import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStorage } from '../storage/sqlite.js';
import type { JobOutcome, JobSpec } from '../storage/types.js';
import { QueueError } from './errors.js';
import type { NewJob } from './job.js';
import { JobQueue, type JobQueueOptions } from './queue.js';

const SHA = 'ab'.repeat(32);
const LIMITS = { max_instructions: 1e9, max_memory_mb: 128, max_execution_seconds: 60 };
const job = (id: string, extra: Partial<NewJob> = {}): NewJob => ({ id, source: 'api', code: { sha256: SHA, kind: 'wasm' }, input: `in-${id}`, limits: LIMITS, ...extra });

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'outlayer-queue-'));
  dirs.push(d);
  return d;
};

/** A queue on a fresh in-memory database with a hand-driven clock and no sweeper timer. */
function setup(options: JobQueueOptions = {}, path = ':memory:') {
  const clock = { t: 1_700_000_000_000 };
  const storage = new SqliteStorage(path);
  const queue = new JobQueue(storage, { sweepIntervalMs: 0, leaseMs: 30_000, now: () => clock.t, ...options });
  return {
    clock,
    storage,
    queue,
    [Symbol.dispose]() {
      queue.close();
      storage[Symbol.dispose]();
    },
  };
}

const code = (e: unknown) => (e instanceof QueueError ? e.code : e);
const rejectsWith = (p: Promise<unknown>, c: string) => assert.rejects(p, (e) => code(e) === c);
const finished = (queue: JobQueue) => {
  const seen: Array<[JobSpec, JobOutcome]> = [];
  queue.onFinished((j, o) => void seen.push([j, o]));
  return seen;
};
const tick = () => new Promise((r) => setImmediate(r));

describe('JobQueue', () => {
  it('enqueue is idempotent on the job id', async () => {
    using s = setup();
    const a = await s.queue.enqueue(job('api:1'));
    assert.equal(a.created, true);
    assert.equal(a.job.state, 'queued');
    assert.equal(a.job.spec.created_at, s.clock.t);
    const b = await s.queue.enqueue(job('api:1', { input: 'different' }));
    assert.equal(b.created, false);
    assert.equal(b.job.spec.input, 'in-api:1');
    assert.equal((await s.queue.stats()).queued, 1);
  });

  it('rejects malformed jobs with bad_job', async () => {
    using s = setup();
    const bad: unknown[] = [
      null,
      { ...job('x'), extra: 1 },
      job(''),
      job('x', { source: 'chain' }),
      job('x', { code: { sha256: 'nothex', kind: 'wasm' } }),
      job('x', { code: { sha256: SHA, kind: 'py' as 'js' } }),
      job('x', { limits: { ...LIMITS, max_instructions: 500_000_000_001 } }),
      job('x', { limits: { ...LIMITS, max_execution_seconds: 181 } }),
      job('x', { limits: { max_instructions: 1, max_memory_mb: 1 } as typeof LIMITS }),
      job('x', { env: { A: 1 as unknown as string } }),
      { ...job('x'), input: 5 },
    ];
    for (const b of bad) await rejectsWith(s.queue.enqueue(b as NewJob), 'bad_job');
    const repo = await s.queue.enqueue(job('chain:c.near:7', { source: 'chain', request_id: 7, code: { repo: 'github.com/a/b', commit: 'abc', build_target: 'wasm32-wasip1', build_path: '.' } }));
    assert.equal(repo.job.spec.request_id, 7);
  });

  it('claims in FIFO order and filters by kind', async () => {
    using s = setup();
    for (const id of ['a', 'b', 'c']) await s.queue.enqueue(job(id));
    await s.queue.enqueue(job('j', { code: { sha256: SHA, kind: 'js' } }));
    assert.equal((await s.queue.claim('w', { kinds: ['js'] }))?.job.id, 'j');
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await s.queue.claim('w'))!.job.id);
    assert.deepEqual(got, ['a', 'b', 'c']);
    assert.equal(await s.queue.claim('w'), null);
    await rejectsWith(s.queue.claim('w', { kinds: ['exe' as 'js'] }), 'bad_job');
    await rejectsWith(s.queue.claim('w', { waitMs: 10_000_000 }), 'bad_job');
  });

  it('a long poll wakes when a job is enqueued, and times out with null', async () => {
    using s = setup();
    const t0 = performance.now();
    const waiting = s.queue.claim('w', { waitMs: 5_000 });
    setTimeout(() => void s.queue.enqueue(job('late')), 30);
    const lease = await waiting;
    assert.equal(lease?.job.id, 'late');
    assert.ok(performance.now() - t0 < 2_000);
    const t1 = performance.now();
    assert.equal(await s.queue.claim('w', { waitMs: 60 }), null);
    assert.ok(performance.now() - t1 >= 55);
  });

  it('close and abort end a long poll with null', async () => {
    using s = setup();
    const ac = new AbortController();
    const a = s.queue.claim('w', { waitMs: 10_000, signal: ac.signal });
    ac.abort();
    assert.equal(await a, null);
    const b = s.queue.claim('w', { waitMs: 10_000 });
    await tick();
    s.queue.close();
    assert.equal(await b, null);
    await rejectsWith(s.queue.claim('w'), 'queue_closed');
  });

  it('20 concurrent claims for 10 jobs give 10 distinct leases', async () => {
    using s = setup();
    for (let i = 0; i < 10; i++) await s.queue.enqueue(job(`j${i}`));
    const leases = await Promise.all(Array.from({ length: 20 }, (_, i) => s.queue.claim(`w${i}`)));
    const got = leases.filter((l) => l !== null);
    assert.equal(got.length, 10);
    assert.equal(new Set(got.map((l) => l.job.id)).size, 10);
    assert.equal(new Set(got.map((l) => l.lease_id)).size, 10);
  });

  it('20 waiting claims and 10 enqueued jobs give 10 distinct leases', async () => {
    using s = setup();
    const claims = Array.from({ length: 20 }, (_, i) => s.queue.claim(`w${i}`, { waitMs: 300 }));
    await tick();
    for (let i = 0; i < 10; i++) void s.queue.enqueue(job(`j${i}`));
    const got = (await Promise.all(claims)).filter((l) => l !== null);
    assert.equal(got.length, 10);
    assert.equal(new Set(got.map((l) => l.job.id)).size, 10);
    assert.equal((await s.queue.stats()).leased, 10);
  });

  it('heartbeat extends a lease; expired, superseded and unknown leases are refused', async () => {
    using s = setup();
    await s.queue.enqueue(job('a'));
    const lease = (await s.queue.claim('w'))!;
    assert.equal(lease.expires_at, s.clock.t + 30_000);
    s.clock.t += 20_000;
    assert.equal(await s.queue.heartbeat(lease.lease_id), s.clock.t + 30_000);
    s.clock.t += 20_000; // 40 s after the claim: alive only thanks to the heartbeat
    assert.deepEqual(await s.queue.sweep(), { requeued: [], failed: [] });
    s.clock.t += 10_000;
    await rejectsWith(s.queue.heartbeat(lease.lease_id), 'lease_expired');
    await s.queue.sweep();
    const second = (await s.queue.claim('w2'))!;
    await rejectsWith(s.queue.heartbeat(lease.lease_id), 'lease_expired'); // superseded
    await rejectsWith(s.queue.heartbeat('nope'), 'lease_unknown');
    await s.queue.complete(second.lease_id, { ok: 1 });
    await rejectsWith(s.queue.heartbeat(second.lease_id), 'lease_expired'); // finished
  });

  it('an expired lease re-queues the job with attempt + 1 (lazily on claim too)', async () => {
    using s = setup();
    await s.queue.enqueue(job('a'));
    const first = (await s.queue.claim('w1'))!;
    assert.equal(first.attempt, 1);
    s.clock.t += 30_000;
    const second = (await s.queue.claim('w2'))!; // no sweeper ran: the claim swept
    assert.equal(second.job.id, 'a');
    assert.equal(second.attempt, 2);
    const rec = (await s.queue.get('a'))!;
    assert.equal(rec.state, 'leased');
    assert.equal(rec.attempts, 2);
    assert.equal(rec.worker_id, 'w2');
    assert.equal((await s.storage.getLease(first.lease_id))!.ended, 'expired');
  });

  it('the sweeper timer re-queues on its own and wakes a waiting claim', async () => {
    using s = setup({ sweepIntervalMs: 10 });
    await s.queue.enqueue(job('a'));
    await s.queue.claim('w1');
    const waiting = s.queue.claim('w2', { waitMs: 2_000 });
    await tick();
    s.clock.t += 30_000;
    assert.equal((await waiting)?.attempt, 2);
  });

  it('after maxAttempts expiries the job fails with timeout through onFinished', async () => {
    using s = setup({ maxAttempts: 2 });
    const seen = finished(s.queue);
    await s.queue.enqueue(job('a'));
    for (let i = 0; i < 2; i++) {
      assert.ok(await s.queue.claim('w'));
      s.clock.t += 30_000;
    }
    assert.deepEqual(await s.queue.sweep(), { requeued: [], failed: ['a'] });
    assert.equal(await s.queue.claim('w'), null);
    const rec = (await s.queue.get('a'))!;
    assert.equal(rec.state, 'failed');
    assert.deepEqual(rec.outcome, { status: 'failed', error: { kind: 'timeout', message: 'no worker finished the job in 2 attempts' }, lease_id: null, worker_id: null });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]![0].id, 'a');
    assert.equal(seen[0]![1].status, 'failed');
  });

  it('complete is idempotent: the same key or the same lease gets the same answer', async () => {
    using s = setup();
    const seen = finished(s.queue);
    await s.queue.enqueue(job('a'));
    const lease = (await s.queue.claim('w'))!;
    const first = await s.queue.complete(lease.lease_id, { output: 'x' }, 'k1');
    assert.deepEqual(first, { job_id: 'a', status: 'done', duplicate: false });
    assert.deepEqual(await s.queue.complete(lease.lease_id, { output: 'x' }, 'k1'), first);
    assert.deepEqual(await s.queue.complete(lease.lease_id, { output: 'x' }), first);
    await rejectsWith(s.queue.complete(lease.lease_id, { output: 'other' }, 'k1'), 'idempotency_conflict');
    await rejectsWith(s.queue.complete('nope', {}), 'lease_unknown');
    const rec = (await s.queue.get('a'))!;
    assert.equal(rec.state, 'done');
    assert.deepEqual(rec.outcome, { status: 'done', result: { output: 'x' }, lease_id: lease.lease_id, worker_id: 'w' });
    assert.equal(seen.length, 1);
  });

  it('two leases racing for one job: the first report wins, the second is a duplicate', async () => {
    for (const firstIsOld of [true, false]) {
      using s = setup();
      const seen = finished(s.queue);
      await s.queue.enqueue(job('a'));
      const old = (await s.queue.claim('slow'))!;
      s.clock.t += 30_000;
      const fresh = (await s.queue.claim('fast'))!;
      const [winner, loser] = firstIsOld ? [old, fresh] : [fresh, old];
      assert.deepEqual(await s.queue.complete(winner.lease_id, { by: winner.lease_id }), { job_id: 'a', status: 'done', duplicate: false });
      assert.deepEqual(await s.queue.complete(loser.lease_id, { by: loser.lease_id }), { job_id: 'a', status: 'done', duplicate: true });
      assert.deepEqual(await s.queue.fail(loser.lease_id, { kind: 'x', message: 'y' }), { job_id: 'a', status: 'done', duplicate: true });
      const rec = (await s.queue.get('a'))!;
      assert.deepEqual((rec.outcome as { result: unknown }).result, { by: winner.lease_id });
      assert.equal(seen.length, 1);
      assert.equal((await s.storage.getLease(loser.lease_id))!.ended, firstIsOld ? 'duplicate' : 'expired');
      assert.equal((await s.storage.getLease(winner.lease_id))!.ended, 'done');
    }
  });

  it('fail finishes the job as failed', async () => {
    using s = setup();
    const seen = finished(s.queue);
    await s.queue.enqueue(job('a'));
    const lease = (await s.queue.claim('w'))!;
    assert.deepEqual(await s.queue.fail(lease.lease_id, { kind: 'build_failed', message: 'no cargo' }), { job_id: 'a', status: 'failed', duplicate: false });
    assert.deepEqual(seen[0]![1], { status: 'failed', error: { kind: 'build_failed', message: 'no cargo' }, lease_id: lease.lease_id, worker_id: 'w' });
    await rejectsWith(s.queue.fail(lease.lease_id, { kind: 1 } as never), 'bad_job');
  });

  it('a lease survives a restart, then expires and is re-queued', async () => {
    const path = join(tempDir(), 'coordinator.sqlite');
    let leaseId: string;
    const t = { t: 0 };
    {
      using s = setup({}, path);
      await s.queue.enqueue(job('a'));
      leaseId = (await s.queue.claim('w'))!.lease_id;
      t.t = s.clock.t;
    }
    {
      using s = setup({}, path);
      s.clock.t = t.t + 10_000;
      const rec = (await s.queue.get('a'))!;
      assert.equal(rec.state, 'leased');
      assert.equal(rec.lease_id, leaseId);
      assert.equal(await s.queue.heartbeat(leaseId), s.clock.t + 30_000);
      assert.equal(await s.queue.claim('w2'), null);
      s.clock.t += 30_000;
      assert.deepEqual(await s.queue.sweep(), { requeued: ['a'], failed: [] });
      assert.equal((await s.queue.claim('w2'))?.attempt, 2);
    }
  });

  it('finished jobs not yet acknowledged are re-delivered after a restart until acked', async () => {
    const path = join(tempDir(), 'coordinator.sqlite');
    {
      using s = setup({}, path);
      const seen = finished(s.queue);
      await s.queue.enqueue(job('a'));
      await s.queue.enqueue(job('b'));
      await s.queue.complete((await s.queue.claim('w'))!.lease_id, 'ra');
      await s.queue.complete((await s.queue.claim('w'))!.lease_id, 'rb');
      assert.deepEqual(seen.map(([j]) => j.id), ['a', 'b']);
      assert.equal(await s.queue.ackFinished('a'), true);
    }
    {
      using s = setup({}, path);
      const seen = finished(s.queue);
      await tick();
      assert.deepEqual(seen.map(([j, o]) => [j.id, o.status]), [['b', 'done']]);
      assert.equal((await s.queue.stats()).unacked, 1);
      assert.equal(await s.queue.redeliver(), 1);
      assert.equal(seen.length, 2);
      assert.equal(await s.queue.ackFinished('b'), true);
      assert.equal(await s.queue.redeliver(), 0);
      await rejectsWith(s.queue.ackFinished('zzz'), 'job_unknown');
      await s.queue.enqueue(job('c'));
      assert.equal(await s.queue.ackFinished('c'), false);
    }
  });

  it('a throwing listener does not break the queue', async () => {
    const errors: unknown[] = [];
    using s = setup({ onError: (e) => errors.push(e) });
    s.queue.onFinished(() => {
      throw new Error('boom');
    });
    s.queue.onFinished(async () => Promise.reject(new Error('async boom')));
    await s.queue.enqueue(job('a'));
    assert.equal((await s.queue.complete((await s.queue.claim('w'))!.lease_id, 1)).duplicate, false);
    await tick();
    assert.equal(errors.length, 2);
  });

  it('stats and paged list', async () => {
    using s = setup();
    for (let i = 0; i < 5; i++) {
      await s.queue.enqueue(job(`j${i}`));
      s.clock.t += 1_000;
    }
    await s.queue.complete((await s.queue.claim('w'))!.lease_id, null);
    await s.queue.claim('w');
    assert.deepEqual(await s.queue.stats(), { queued: 3, leased: 1, done: 1, failed: 0, unacked: 1, oldest_queued_age_ms: 3_000 });
    const p1 = await s.queue.list({ limit: 2 });
    assert.deepEqual(p1.jobs.map((j) => j.spec.id), ['j4', 'j3']);
    const p2 = await s.queue.list({ limit: 2, cursor: p1.next_cursor! });
    assert.deepEqual(p2.jobs.map((j) => j.spec.id), ['j2', 'j1']);
    const p3 = await s.queue.list({ limit: 2, cursor: p2.next_cursor! });
    assert.deepEqual(p3.jobs.map((j) => j.spec.id), ['j0']);
    assert.equal(p3.next_cursor, null);
    assert.deepEqual((await s.queue.list({ state: 'done' })).jobs.map((j) => j.spec.id), ['j0']);
    await rejectsWith(s.queue.list({ limit: 0 }), 'bad_job');
  });

  it('rejects unknown and out-of-range options', () => {
    const storage = new SqliteStorage(':memory:');
    assert.throws(() => new JobQueue(storage, { leaseMs: 0 }), /leaseMs/);
    assert.throws(() => new JobQueue(storage, { bogus: 1 } as JobQueueOptions), /unknown JobQueue option/);
    storage[Symbol.dispose]();
  });
});
