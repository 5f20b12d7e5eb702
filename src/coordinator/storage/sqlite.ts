/**
 * The coordinator's storage in SQLite (`<dataDir>/coordinator.sqlite`, or ':memory:' in tests),
 * through better-sqlite3. Like the chain store: WAL, an exclusive lock (one coordinator per
 * file), prepared statements, and one transaction per state change. better-sqlite3 is
 * synchronous, so a transaction runs to its end before any other JavaScript does: two claims in
 * one process can never interleave inside `claimJob`.
 *
 * Schema versions live in `schema_migrations`; a file written by a newer OutLayer is refused
 * rather than misread.
 *
 * @example
 * const storage = SqliteStorage.open(dataDir);
 * const queue = new JobQueue(storage);
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OutlayerError } from '../../errors.js';
import type {
  ApiKeyRecord,
  ChainCursor,
  CodeKind,
  CoordinatorStorage,
  ExtendResult,
  FinishAnswer,
  FinishResult,
  IdempotencyRecord,
  JobError,
  JobOutcome,
  JobPage,
  JobRecord,
  JobSpec,
  JobState,
  JobStats,
  LeaseRecord,
  ResolutionRecord,
  SecretHash,
  WorkerRecord,
} from './types.js';

export const COORDINATOR_DB_FILE = 'coordinator.sqlite';

/** Each entry upgrades the schema by one version; append, never edit. */
const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
  kind TEXT NOT NULL, spec TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
  lease_id TEXT, worker_id TEXT, lease_expires_at INTEGER, enqueued_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, finished_at INTEGER, outcome TEXT, acked INTEGER NOT NULL);
CREATE INDEX jobs_by_state ON jobs (state, seq);
CREATE INDEX jobs_by_expiry ON jobs (state, lease_expires_at);
CREATE INDEX jobs_outbox ON jobs (finished_at, seq) WHERE acked = 0;
CREATE TABLE leases (
  lease_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, worker_id TEXT NOT NULL, attempt INTEGER NOT NULL,
  leased_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ended TEXT) WITHOUT ROWID;
CREATE INDEX leases_by_job ON leases (job_id);
CREATE TABLE idempotency (
  scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, response TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (scope, key)) WITHOUT ROWID;
CREATE INDEX idempotency_by_age ON idempotency (created_at);
CREATE TABLE workers (
  id TEXT PRIMARY KEY, label TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, public_key TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_seen_at INTEGER, revoked_at INTEGER) WITHOUT ROWID;
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, tier TEXT NOT NULL, label TEXT NOT NULL,
  created_at INTEGER NOT NULL, revoked_at INTEGER) WITHOUT ROWID;
CREATE TABLE chain_cursors (
  chain_id TEXT NOT NULL, contract_id TEXT NOT NULL, height INTEGER NOT NULL, hash TEXT NOT NULL,
  updated_at INTEGER NOT NULL, PRIMARY KEY (chain_id, contract_id)) WITHOUT ROWID;
CREATE TABLE resolutions (
  contract_id TEXT NOT NULL, request_id INTEGER NOT NULL, job_id TEXT NOT NULL, state TEXT NOT NULL,
  tx_hash TEXT, started_at INTEGER NOT NULL, resolved_at INTEGER,
  PRIMARY KEY (contract_id, request_id)) WITHOUT ROWID;
`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

interface JobRow {
  seq: number; id: string; source: string; kind: string; spec: string; state: JobState; attempts: number;
  lease_id: string | null; worker_id: string | null; lease_expires_at: number | null; enqueued_at: number;
  updated_at: number; finished_at: number | null; outcome: string | null; acked: number;
}
interface LeaseRow { lease_id: string; job_id: string; worker_id: string; attempt: number; leased_at: number; expires_at: number; ended: LeaseRecord['ended'] }
interface IdemRow { scope: string; key: string; fingerprint: string; response: string; created_at: number }
interface ResolutionRow { contract_id: string; request_id: number; job_id: string; state: 'resolving' | 'resolved'; tx_hash: string | null; started_at: number; resolved_at: number | null }

const toJob = (r: JobRow): JobRecord => ({
  spec: JSON.parse(r.spec) as JobSpec,
  state: r.state,
  attempts: r.attempts,
  lease_id: r.lease_id,
  worker_id: r.worker_id,
  lease_expires_at: r.lease_expires_at,
  enqueued_at: r.enqueued_at,
  updated_at: r.updated_at,
  finished_at: r.finished_at,
  outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as JobOutcome),
  acked: r.acked === 1,
});
const toLease = (r: LeaseRow): LeaseRecord => ({ ...r });
const toIdem = (r: IdemRow): IdempotencyRecord => ({ ...r, response: JSON.parse(r.response) as unknown });
const toResolution = (r: ResolutionRow): ResolutionRecord => ({ ...r });

function openDatabase(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a process crash loses nothing; a power cut may lose the last commits, never tear one.
    db.pragma('synchronous = NORMAL');
    db.transaction(() => {
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
      const { v } = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number };
      if (v > SCHEMA_VERSION) {
        throw new OutlayerError('usage', `${path} holds coordinator schema version ${v}; this OutLayer reads up to version ${SCHEMA_VERSION} (upgrade OutLayer or use a new data dir)`);
      }
      for (let next = v + 1; next <= SCHEMA_VERSION; next++) {
        db.exec(MIGRATIONS[next - 1]!);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(next, Date.now());
      }
    }).immediate();
    return db;
  } catch (e) {
    db.close();
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY') throw new OutlayerError('usage', `${path} is in use by another process (one coordinator per data dir)`);
    if (code === 'SQLITE_NOTADB') throw new OutlayerError('usage', `${path} is not an SQLite database`);
    throw e;
  }
}

function prepareAll(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    job: p('SELECT * FROM jobs WHERE id = ?'),
    insertJob: p("INSERT OR IGNORE INTO jobs (id, source, kind, spec, state, attempts, enqueued_at, updated_at, acked) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, 1)"),
    nextQueued: p("SELECT * FROM jobs WHERE state = 'queued' AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds))) ORDER BY seq LIMIT 1"),
    lease: p('SELECT * FROM leases WHERE lease_id = ?'),
    insertLease: p('INSERT INTO leases VALUES (?, ?, ?, ?, ?, ?, NULL)'),
    endLease: p('UPDATE leases SET ended = ? WHERE lease_id = ? AND ended IS NULL'),
    wonLease: p('UPDATE leases SET ended = ? WHERE lease_id = ?'),
    setLeaseExpiry: p('UPDATE leases SET expires_at = ? WHERE lease_id = ?'),
    leaseJob: p("UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_id = ?, worker_id = ?, lease_expires_at = ?, updated_at = ? WHERE id = ?"),
    extendJob: p('UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ?'),
    finish: p('UPDATE jobs SET state = ?, outcome = ?, finished_at = ?, updated_at = ?, lease_expires_at = NULL, acked = 0 WHERE id = ?'),
    expired: p("SELECT * FROM jobs WHERE state = 'leased' AND lease_expires_at <= ? ORDER BY seq"),
    requeue: p("UPDATE jobs SET state = 'queued', lease_id = NULL, worker_id = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?"),
    counts: p('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state'),
    unackedCount: p('SELECT COUNT(*) AS n FROM jobs WHERE acked = 0'),
    oldestQueued: p("SELECT MIN(enqueued_at) AS t FROM jobs WHERE state = 'queued'"),
    page: p('SELECT * FROM jobs WHERE (@state IS NULL OR state = @state) AND seq < @before ORDER BY seq DESC LIMIT @limit'),
    unacked: p('SELECT * FROM jobs WHERE acked = 0 ORDER BY finished_at, seq LIMIT ?'),
    ack: p("UPDATE jobs SET acked = 1 WHERE id = ? AND state IN ('done', 'failed')"),
    idem: p('SELECT * FROM idempotency WHERE scope = ? AND key = ?'),
    putIdem: p('INSERT OR IGNORE INTO idempotency VALUES (?, ?, ?, ?, ?)'),
    pruneIdem: p('DELETE FROM idempotency WHERE created_at < ?'),
    registerWorker: p('INSERT OR IGNORE INTO workers VALUES (?, ?, ?, ?, ?, NULL, NULL)'),
    worker: p('SELECT * FROM workers WHERE id = ?'),
    workerByToken: p('SELECT * FROM workers WHERE token_hash = ?'),
    workers: p('SELECT * FROM workers ORDER BY created_at, id'),
    touchWorker: p('UPDATE workers SET last_seen_at = ? WHERE id = ?'),
    revokeWorker: p('UPDATE workers SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    createKey: p('INSERT OR IGNORE INTO api_keys VALUES (?, ?, ?, ?, ?, NULL)'),
    keyByHash: p('SELECT * FROM api_keys WHERE key_hash = ?'),
    keys: p('SELECT * FROM api_keys ORDER BY created_at, id'),
    revokeKey: p('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    cursor: p('SELECT height, hash FROM chain_cursors WHERE chain_id = ? AND contract_id = ?').safeIntegers(true),
    setCursor: p('INSERT OR REPLACE INTO chain_cursors VALUES (?, ?, ?, ?, ?)'),
    resolution: p('SELECT * FROM resolutions WHERE contract_id = ? AND request_id = ?'),
    beginResolution: p("INSERT OR IGNORE INTO resolutions VALUES (?, ?, ?, 'resolving', NULL, ?, NULL)"),
    markResolved: p("UPDATE resolutions SET state = 'resolved', tx_hash = ?, resolved_at = ? WHERE contract_id = ? AND request_id = ? AND state = 'resolving'"),
    releaseResolution: p("DELETE FROM resolutions WHERE contract_id = ? AND request_id = ? AND state = 'resolving'"),
    resolving: p("SELECT * FROM resolutions WHERE state = 'resolving' ORDER BY started_at"),
  };
}

const FINISH_SCOPE = 'queue.finish';

export class SqliteStorage implements CoordinatorStorage {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #q: ReturnType<typeof prepareAll>;
  readonly #tx: {
    claim: (a: Parameters<CoordinatorStorage['claimJob']>[0]) => { job: JobRecord; lease: LeaseRecord } | null;
    extend: (a: Parameters<CoordinatorStorage['extendLease']>[0]) => ExtendResult;
    finish: (a: Parameters<CoordinatorStorage['finishJob']>[0]) => FinishResult;
    expire: (a: Parameters<CoordinatorStorage['expireLeases']>[0]) => { requeued: string[]; failed: JobRecord[] };
    insert: (spec: JobSpec, kind: CodeKind, now: number) => { job: JobRecord; created: boolean };
    begin: (r: Parameters<CoordinatorStorage['beginResolution']>[0]) => { claimed: boolean; record: ResolutionRecord };
  };

  /** Opens or creates `<dataDir>/coordinator.sqlite`. */
  static open(dataDir: string): SqliteStorage {
    return new SqliteStorage(join(dataDir, COORDINATOR_DB_FILE));
  }

  /** Opens or creates the database at `path` (its folder is created), or ':memory:'. */
  constructor(path: string) {
    this.path = path;
    this.#db = openDatabase(path);
    this.#q = prepareAll(this.#db);
    const t = <A extends unknown[], R>(f: (...a: A) => R) => {
      const tx = this.#db.transaction(f);
      return (...a: A): R => tx.immediate(...a);
    };
    this.#tx = {
      claim: t(this.#claim.bind(this)),
      extend: t(this.#extend.bind(this)),
      finish: t(this.#finish.bind(this)),
      expire: t(this.#expire.bind(this)),
      insert: t(this.#insert.bind(this)),
      begin: t(this.#begin.bind(this)),
    };
  }

  #open(): void {
    if (!this.#db.open) throw new OutlayerError('internal', 'the coordinator storage is closed');
  }

  #job(id: string): JobRecord | null {
    const r = this.#q.job.get(id) as JobRow | undefined;
    return r ? toJob(r) : null;
  }

  // ---- queue ----

  #insert(spec: JobSpec, kind: CodeKind, now: number): { job: JobRecord; created: boolean } {
    const created = this.#q.insertJob.run(spec.id, spec.source, kind, JSON.stringify(spec), now, now).changes === 1;
    return { job: this.#job(spec.id)!, created };
  }

  async insertJob(spec: JobSpec, kind: CodeKind, now: number): Promise<{ job: JobRecord; created: boolean }> {
    this.#open();
    return this.#tx.insert(spec, kind, now);
  }

  async getJob(id: string): Promise<JobRecord | null> {
    this.#open();
    return this.#job(id);
  }

  async getLease(leaseId: string): Promise<LeaseRecord | null> {
    this.#open();
    const r = this.#q.lease.get(leaseId) as LeaseRow | undefined;
    return r ? toLease(r) : null;
  }

  #claim(a: Parameters<CoordinatorStorage['claimJob']>[0]): { job: JobRecord; lease: LeaseRecord } | null {
    const row = this.#q.nextQueued.get({ kinds: a.kinds ? JSON.stringify(a.kinds) : null }) as JobRow | undefined;
    if (!row) return null;
    const expires = a.now + a.leaseMs;
    const attempt = row.attempts + 1;
    this.#q.leaseJob.run(a.leaseId, a.workerId, expires, a.now, row.id);
    this.#q.insertLease.run(a.leaseId, row.id, a.workerId, attempt, a.now, expires);
    return { job: this.#job(row.id)!, lease: { lease_id: a.leaseId, job_id: row.id, worker_id: a.workerId, attempt, leased_at: a.now, expires_at: expires, ended: null } };
  }

  async claimJob(a: Parameters<CoordinatorStorage['claimJob']>[0]): Promise<{ job: JobRecord; lease: LeaseRecord } | null> {
    this.#open();
    return this.#tx.claim(a);
  }

  #extend(a: Parameters<CoordinatorStorage['extendLease']>[0]): ExtendResult {
    const lease = this.#q.lease.get(a.leaseId) as LeaseRow | undefined;
    if (!lease) return { ok: false, reason: 'unknown' };
    const job = this.#job(lease.job_id)!;
    if (job.state === 'done' || job.state === 'failed') return { ok: false, reason: 'finished' };
    if (job.lease_id !== a.leaseId) return { ok: false, reason: 'superseded' };
    if (job.lease_expires_at === null || a.now >= job.lease_expires_at) return { ok: false, reason: 'expired' };
    const expires = a.now + a.leaseMs;
    this.#q.extendJob.run(expires, a.now, job.spec.id);
    this.#q.setLeaseExpiry.run(expires, a.leaseId);
    return { ok: true, expires_at: expires };
  }

  async extendLease(a: Parameters<CoordinatorStorage['extendLease']>[0]): Promise<ExtendResult> {
    this.#open();
    return this.#tx.extend(a);
  }

  #finish(a: Parameters<CoordinatorStorage['finishJob']>[0]): FinishResult {
    if (a.idempotencyKey !== undefined) {
      const prior = this.#q.idem.get(FINISH_SCOPE, a.idempotencyKey) as IdemRow | undefined;
      if (prior) {
        if (prior.fingerprint !== a.fingerprint) return { ok: false, reason: 'idempotency_conflict' };
        return { ok: true, answer: JSON.parse(prior.response) as FinishAnswer, finished: null };
      }
    }
    const lease = this.#q.lease.get(a.leaseId) as LeaseRow | undefined;
    if (!lease) return { ok: false, reason: 'lease_unknown' };
    const job = this.#job(lease.job_id)!;
    let answer: FinishAnswer;
    let finished: JobRecord | null = null;
    if (job.state === 'done' || job.state === 'failed') {
      // First report wins; the winning lease asking again gets its own answer back.
      answer = { job_id: job.spec.id, status: job.state, duplicate: job.outcome?.lease_id !== a.leaseId };
      if (answer.duplicate) this.#q.endLease.run('duplicate', a.leaseId);
    } else {
      const outcome: JobOutcome =
        a.outcome.status === 'done'
          ? { status: 'done', result: a.outcome.result, lease_id: a.leaseId, worker_id: lease.worker_id }
          : { status: 'failed', error: a.outcome.error, lease_id: a.leaseId, worker_id: lease.worker_id };
      this.#q.finish.run(outcome.status, JSON.stringify(outcome), a.now, a.now, job.spec.id);
      this.#q.wonLease.run(outcome.status, a.leaseId); // even an expired lease's report can win
      // Another worker's current lease on this job (after an expiry) has lost the race.
      if (job.lease_id !== null && job.lease_id !== a.leaseId) this.#q.endLease.run('duplicate', job.lease_id);
      answer = { job_id: job.spec.id, status: outcome.status, duplicate: false };
      finished = this.#job(job.spec.id);
    }
    if (a.idempotencyKey !== undefined) this.#q.putIdem.run(FINISH_SCOPE, a.idempotencyKey, a.fingerprint, JSON.stringify(answer), a.now);
    return { ok: true, answer, finished };
  }

  async finishJob(a: Parameters<CoordinatorStorage['finishJob']>[0]): Promise<FinishResult> {
    this.#open();
    return this.#tx.finish(a);
  }

  #expire(a: { now: number; maxAttempts: number; timeoutError: (attempts: number) => JobError }): { requeued: string[]; failed: JobRecord[] } {
    const requeued: string[] = [];
    const failed: JobRecord[] = [];
    for (const row of this.#q.expired.all(a.now) as JobRow[]) {
      if (row.lease_id !== null) this.#q.endLease.run('expired', row.lease_id);
      if (row.attempts >= a.maxAttempts) {
        const outcome: JobOutcome = { status: 'failed', error: a.timeoutError(row.attempts), lease_id: null, worker_id: null };
        this.#q.finish.run('failed', JSON.stringify(outcome), a.now, a.now, row.id);
        failed.push(this.#job(row.id)!);
      } else {
        this.#q.requeue.run(a.now, row.id);
        requeued.push(row.id);
      }
    }
    return { requeued, failed };
  }

  async expireLeases(a: { now: number; maxAttempts: number; timeoutError: (attempts: number) => JobError }): Promise<{ requeued: string[]; failed: JobRecord[] }> {
    this.#open();
    return this.#tx.expire(a);
  }

  async jobStats(now: number): Promise<JobStats> {
    this.#open();
    const n: Record<string, number> = {};
    for (const r of this.#q.counts.all() as Array<{ state: string; n: number }>) n[r.state] = r.n;
    const { t } = this.#q.oldestQueued.get() as { t: number | null };
    const { n: unacked } = this.#q.unackedCount.get() as { n: number };
    return { queued: n.queued ?? 0, leased: n.leased ?? 0, done: n.done ?? 0, failed: n.failed ?? 0, unacked, oldest_queued_age_ms: t === null ? null : Math.max(0, now - t) };
  }

  async listJobs(a: { state?: JobState; limit: number; cursor?: string }): Promise<JobPage> {
    this.#open();
    const before = a.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(a.cursor);
    const rows = this.#q.page.all({ state: a.state ?? null, before, limit: a.limit + 1 }) as JobRow[];
    const more = rows.length > a.limit;
    const page = rows.slice(0, a.limit);
    return { jobs: page.map(toJob), next_cursor: more ? String(page[page.length - 1]!.seq) : null };
  }

  async unackedJobs(limit: number): Promise<JobRecord[]> {
    this.#open();
    return (this.#q.unacked.all(limit) as JobRow[]).map(toJob);
  }

  async ackJob(id: string): Promise<boolean> {
    this.#open();
    this.#q.ack.run(id);
    const job = this.#job(id);
    return job !== null && (job.state === 'done' || job.state === 'failed');
  }

  // ---- idempotency ----

  async putIdempotency(rec: IdempotencyRecord): Promise<{ record: IdempotencyRecord; created: boolean }> {
    this.#open();
    const created = this.#q.putIdem.run(rec.scope, rec.key, rec.fingerprint, JSON.stringify(rec.response ?? null), rec.created_at).changes === 1;
    return { record: toIdem(this.#q.idem.get(rec.scope, rec.key) as IdemRow), created };
  }

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    this.#open();
    const r = this.#q.idem.get(scope, key) as IdemRow | undefined;
    return r ? toIdem(r) : null;
  }

  async pruneIdempotency(before: number): Promise<number> {
    this.#open();
    return this.#q.pruneIdem.run(before).changes;
  }

  // ---- workers and API keys (hashes only) ----

  async registerWorker(w: { id: string; label: string; token_hash: SecretHash; public_key: string; created_at: number }): Promise<boolean> {
    this.#open();
    return this.#q.registerWorker.run(w.id, w.label, w.token_hash, w.public_key, w.created_at).changes === 1;
  }

  async getWorker(id: string): Promise<WorkerRecord | null> {
    this.#open();
    return (this.#q.worker.get(id) as WorkerRecord | undefined) ?? null;
  }

  async findWorkerByToken(tokenHash: SecretHash): Promise<WorkerRecord | null> {
    this.#open();
    return (this.#q.workerByToken.get(tokenHash) as WorkerRecord | undefined) ?? null;
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    this.#open();
    return this.#q.workers.all() as WorkerRecord[];
  }

  async touchWorker(id: string, now: number): Promise<void> {
    this.#open();
    this.#q.touchWorker.run(now, id);
  }

  async revokeWorker(id: string, now: number): Promise<boolean> {
    this.#open();
    return this.#q.revokeWorker.run(now, id).changes === 1;
  }

  async createApiKey(k: { id: string; key_hash: SecretHash; tier: string; label: string; created_at: number }): Promise<boolean> {
    this.#open();
    return this.#q.createKey.run(k.id, k.key_hash, k.tier, k.label, k.created_at).changes === 1;
  }

  async findApiKey(keyHash: SecretHash): Promise<ApiKeyRecord | null> {
    this.#open();
    return (this.#q.keyByHash.get(keyHash) as ApiKeyRecord | undefined) ?? null;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    this.#open();
    return this.#q.keys.all() as ApiKeyRecord[];
  }

  async revokeApiKey(id: string, now: number): Promise<boolean> {
    this.#open();
    return this.#q.revokeKey.run(now, id).changes === 1;
  }

  // ---- chain watcher cursor ----

  async getCursor(chainId: string, contractId: string): Promise<ChainCursor | null> {
    this.#open();
    const r = this.#q.cursor.get(chainId, contractId) as { height: bigint; hash: string } | undefined;
    return r ? { height: r.height, hash: r.hash } : null;
  }

  async setCursor(chainId: string, contractId: string, cursor: ChainCursor, now: number): Promise<void> {
    this.#open();
    this.#q.setCursor.run(chainId, contractId, cursor.height, cursor.hash, now);
  }

  // ---- resolutions ----

  #begin(r: { contract_id: string; request_id: number; job_id: string; now: number }): { claimed: boolean; record: ResolutionRecord } {
    const claimed = this.#q.beginResolution.run(r.contract_id, r.request_id, r.job_id, r.now).changes === 1;
    return { claimed, record: toResolution(this.#q.resolution.get(r.contract_id, r.request_id) as ResolutionRow) };
  }

  async beginResolution(r: { contract_id: string; request_id: number; job_id: string; now: number }): Promise<{ claimed: boolean; record: ResolutionRecord }> {
    this.#open();
    return this.#tx.begin(r);
  }

  async markResolved(contractId: string, requestId: number, txHash: string, now: number): Promise<boolean> {
    this.#open();
    return this.#q.markResolved.run(txHash, now, contractId, requestId).changes === 1;
  }

  async releaseResolution(contractId: string, requestId: number): Promise<boolean> {
    this.#open();
    return this.#q.releaseResolution.run(contractId, requestId).changes === 1;
  }

  async getResolution(contractId: string, requestId: number): Promise<ResolutionRecord | null> {
    this.#open();
    const r = this.#q.resolution.get(contractId, requestId) as ResolutionRow | undefined;
    return r ? toResolution(r) : null;
  }

  async listResolving(): Promise<ResolutionRecord[]> {
    this.#open();
    return (this.#q.resolving.all() as ResolutionRow[]).map(toResolution);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  [Symbol.dispose](): void {
    if (this.#db.open) this.#db.close();
  }
}
