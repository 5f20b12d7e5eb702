/**
 * Builds a repository code source `{repo, commit, build_target, build_path?}` into an artifact:
 * clones it into a temp directory (`git clone --no-checkout`, then a detached checkout of the
 * commit), builds it (see targets.ts), and stores the output in the {@link ArtifactStore}.
 *
 * Every failure is a result, `{ok:false, error:{kind:'build_failed', message}, log}`, never an
 * exception. One deadline (default MAX_COMPILATION_SECONDS = 300 s) covers clone and build; on
 * expiry the step's whole process group is killed. Results for immutable commits (a full
 * 40- or 64-hex SHA) are cached in `<dataDir>/builds.json`; branch and tag names always rebuild.
 *
 * The build runs the repository's own Makefile/build.rs: it is arbitrary code. Run the builder in
 * an isolated container or VM; it only narrows what it hands over (a minimal environment, no git
 * credentials or config, symlinks checked out as plain files).
 *
 * @example
 * const builder = new Builder({ store, dataDir: '.outlayer' });
 * const r = await builder.build({ repo: 'https://github.com/near/x', commit: 'a1b2…', build_target: 'js' });
 * if (r.ok) console.log(r.sha256, r.bytes);
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, stat, writeFile, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { parseCodeSource } from '../../contract/lib/code-source.js';
import { MAX_COMPILATION_SECONDS } from '../../contract/lib/limits.js';
import type { ArtifactKind, ArtifactStore } from '../artifacts/store.js';
import { BuildLog, runStep } from './run.js';
import { BuildFailure, buildJs, buildWasm, type TargetContext } from './targets.js';

/** Default build time limit: MAX_COMPILATION_SECONDS (300 s). */
export const DEFAULT_BUILD_TIMEOUT_MS = Number(MAX_COMPILATION_SECONDS) * 1000;
/** Default limit for `git clone` alone, within the build limit. */
export const DEFAULT_CLONE_TIMEOUT_MS = 120_000;

export type BuildTarget = 'wasm32-wasip1' | 'js';

export interface RepoSource {
  repo: string;
  commit: string;
  build_target?: BuildTarget | 'wasm32-wasi';
  build_path?: string | null;
}

export type BuildResult =
  | {
      ok: true;
      sha256: string;
      kind: ArtifactKind;
      /** artifact size in bytes */
      bytes: number;
      log: string;
      compile_time_ms: number;
      /** true when the result came from builds.json without building */
      cached: boolean;
    }
  | { ok: false; error: { kind: 'build_failed'; message: string }; log: string };

export interface BuilderOptions {
  store: ArtifactStore;
  /** builds.json lives here */
  dataDir: string;
  /** Whole-build limit, clone included (default 300 000 ms). */
  timeoutMs?: number;
  /** Limit for the clone step (default 120 000 ms, never more than what is left of timeoutMs). */
  cloneTimeoutMs?: number;
  /** Largest artifact accepted (default: the store's maxBlobBytes). */
  maxOutputBytes?: number;
  /** Accept `file:///abs/path` repositories (tests, local development). Default false: GitHub only. */
  allowLocalRepos?: boolean;
  /**
   * Clone these canonical repositories (`https://github.com/u/r`) from elsewhere — a local mirror
   * for a coordinator without internet access (and tests). The commit is still the requested one.
   */
  repoMirrors?: Readonly<Record<string, string>>;
  /** Where temp checkouts are made (default os.tmpdir()). */
  workDir?: string;
}

const KNOWN_OPTIONS = ['store', 'dataDir', 'timeoutMs', 'cloneTimeoutMs', 'maxOutputBytes', 'allowLocalRepos', 'repoMirrors', 'workDir'];
const IMMUTABLE_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const CACHE_FILE = 'builds.json';
// Variables handed to build steps; everything else (operator keys, tokens) stays out.
const PASSED_ENV = ['PATH', 'HOME', 'CARGO_HOME', 'RUSTUP_HOME', 'RUSTUP_TOOLCHAIN', 'USER', 'LOGNAME'];

interface Validated {
  repo: string;
  commit: string;
  build_target: BuildTarget;
  build_path: string | null;
  local: boolean;
}

interface CacheEntry {
  sha256: string;
  kind: ArtifactKind;
  bytes: number;
  compile_time_ms: number;
}

function fail(message: string, log: BuildLog | string = ''): BuildResult {
  return { ok: false, error: { kind: 'build_failed', message }, log: log.toString() };
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`Builder: ${name} must be a positive number, got ${String(value)}`);
  return value;
}

export class Builder {
  readonly #store: ArtifactStore;
  readonly #cachePath: string;
  readonly #timeoutMs: number;
  readonly #cloneTimeoutMs: number;
  readonly #mirrors: Record<string, string>;
  readonly #maxOutputBytes: number;
  readonly #allowLocal: boolean;
  readonly #workDir: string;
  #inflight = new Map<string, Promise<BuildResult>>();
  #controllers = new Set<AbortController>();
  #cacheWrite: Promise<void> = Promise.resolve();
  #disposed = false;

  constructor(options: BuilderOptions) {
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.includes(key)) throw new TypeError(`Builder: unknown option ${JSON.stringify(key)}`);
    }
    this.#store = options.store;
    this.#cachePath = join(options.dataDir, CACHE_FILE);
    this.#timeoutMs = positive(options.timeoutMs, 'timeoutMs', DEFAULT_BUILD_TIMEOUT_MS);
    this.#cloneTimeoutMs = positive(options.cloneTimeoutMs, 'cloneTimeoutMs', DEFAULT_CLONE_TIMEOUT_MS);
    this.#maxOutputBytes = positive(options.maxOutputBytes, 'maxOutputBytes', options.store.maxBlobBytes);
    this.#allowLocal = options.allowLocalRepos ?? false;
    this.#mirrors = { ...options.repoMirrors };
    this.#workDir = options.workDir ?? tmpdir();
  }

  #validate(source: unknown): Validated | string {
    const raw = source as Partial<RepoSource> | null;
    const local = this.#allowLocal && typeof raw?.repo === 'string' && raw.repo.startsWith('file:///');
    try {
      // A local repository is checked with a stand-in GitHub name: the other fields follow the
      // contract's rules either way (commit without `..` or a leading '-', a safe build path).
      const parsed = parseCodeSource(local ? { ...raw, repo: 'https://github.com/local/local' } : source);
      if (!('repo' in parsed)) return 'code source is a prebuilt artifact, not a repository';
      return { ...parsed, repo: local ? raw!.repo! : parsed.repo, local };
    } catch (e) {
      return `invalid code source: ${(e as Error).message}`;
    }
  }

  /** Builds `source` (or returns the cached artifact). Never throws for a bad source or a failed build. */
  async build(source: RepoSource | unknown): Promise<BuildResult> {
    if (this.#disposed) throw new Error('Builder: used after dispose()');
    const v = this.#validate(source);
    if (typeof v === 'string') return fail(v);
    const key = JSON.stringify([v.repo, v.commit, v.build_target, v.build_path]);
    const running = this.#inflight.get(key);
    if (running) return running;
    const promise = this.#buildOnce(v, key).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, promise);
    return promise;
  }

  async #buildOnce(v: Validated, key: string): Promise<BuildResult> {
    const cacheable = IMMUTABLE_COMMIT.test(v.commit);
    if (cacheable) {
      const hit = (await this.#readCache())[key];
      if (hit && this.#store.has(hit.sha256)) return { ok: true, ...hit, log: '', cached: true };
    }
    const controller = new AbortController();
    this.#controllers.add(controller);
    const log = new BuildLog();
    const started = performance.now();
    const deadline = started + this.#timeoutMs;
    const remainingMs = (): number => Math.max(0, deadline - performance.now());
    const scratch = await mkdtemp(join(this.#workDir, 'outlayer-build-'));
    try {
      const bytes = await this.#cloneAndBuild(v, scratch, log, remainingMs, controller.signal);
      if (bytes.length > this.#maxOutputBytes) return fail(`build output is ${bytes.length} bytes, more than the ${this.#maxOutputBytes}-byte limit`, log);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const kind: ArtifactKind = v.build_target === 'js' ? 'js' : 'wasm';
      await this.#store.put(sha256, bytes, { kind, maxBytes: this.#maxOutputBytes });
      const entry: CacheEntry = { sha256, kind, bytes: bytes.length, compile_time_ms: Math.round(performance.now() - started) };
      if (cacheable) await this.#writeCache(key, entry);
      log.write(`artifact ${sha256} (${kind}, ${bytes.length} bytes)\n`);
      return { ok: true, ...entry, log: log.toString(), cached: false };
    } catch (e) {
      if (!(e instanceof BuildFailure)) throw e;
      const timedOut = remainingMs() === 0;
      const message = timedOut ? `build of ${v.repo} at ${v.commit} timed out after ${this.#timeoutMs / 1000} s (${e.message})` : e.message;
      if (controller.signal.aborted) return fail(`build of ${v.repo} was cancelled`, log);
      return fail(message, log);
    } finally {
      this.#controllers.delete(controller);
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async #cloneAndBuild(v: Validated, scratch: string, log: BuildLog, remainingMs: () => number, signal: AbortSignal): Promise<Buffer> {
    const checkout = join(scratch, 'src');
    const env: NodeJS.ProcessEnv = { LANG: 'C', LC_ALL: 'C', TZ: 'UTC', TMPDIR: scratch, SOURCE_DATE_EPOCH: '0' };
    for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
    const gitEnv: NodeJS.ProcessEnv = {
      ...env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: 'true',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      // abort transfers slower than 1 KiB/s for 20 s; connection failures fail at once
      GIT_HTTP_LOW_SPEED_LIMIT: '1024',
      GIT_HTTP_LOW_SPEED_TIME: '20',
    };
    const gitConfig = ['-c', 'core.symlinks=false', '-c', 'core.hooksPath=/dev/null', '-c', 'credential.helper=', '-c', 'advice.detachedHead=false'];
    if (v.local) gitConfig.push('-c', 'protocol.file.allow=always');
    const git = (args: string[], timeoutMs = remainingMs(), cwd = checkout) =>
      runStep('git', [...gitConfig, ...args], { cwd, env: gitEnv, log, timeoutMs, signal });

    const from = this.#mirrors[v.repo] ?? v.repo;
    const clone = await git(['clone', '--no-checkout', '--quiet', '--', from, checkout], Math.min(this.#cloneTimeoutMs, remainingMs()), scratch);
    if (clone.code !== 0) {
      const why = clone.timedOut ? 'timed out' : clone.spawnError ?? (clone.tail || `git exited with status ${clone.code}`);
      throw new BuildFailure(`could not clone ${v.repo}: ${why}`);
    }
    let commitSha = '';
    for (const ref of [v.commit, `origin/${v.commit}`]) {
      const out = new BuildLog();
      const r = await runStep('git', [...gitConfig, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
        cwd: checkout, env: gitEnv, log: out, timeoutMs: remainingMs(), signal,
      });
      if (r.code === 0) {
        commitSha = r.tail.trim();
        break;
      }
      if (r.timedOut) throw new BuildFailure('git rev-parse timed out');
    }
    if (!/^[0-9a-f]{40,64}$/.test(commitSha)) throw new BuildFailure(`commit ${v.commit} not found in ${v.repo}`);
    const checkoutStep = await git(['checkout', '--quiet', '--detach', commitSha]);
    if (checkoutStep.code !== 0) throw new BuildFailure(`could not check out ${v.commit} of ${v.repo}${checkoutStep.timedOut ? ': timed out' : `: ${checkoutStep.tail}`}`);
    log.write(`checked out ${v.repo} at ${commitSha}\n`);

    const dir = v.build_path === null ? checkout : join(checkout, ...v.build_path.split('/'));
    const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new BuildFailure(`build path ${v.build_path} is not a directory in ${v.repo} at ${v.commit}`);
    const [realRoot, realDir] = await Promise.all([realpath(checkout), realpath(dir)]);
    if (realDir !== realRoot && !realDir.startsWith(realRoot + sep)) throw new BuildFailure(`build path ${v.build_path} leaves the checkout`);

    const ctx: TargetContext = { root: checkout, dir, scratch, env, log, remainingMs, signal, maxOutputBytes: this.#maxOutputBytes };
    return v.build_target === 'js' ? buildJs(ctx) : buildWasm(ctx);
  }

  async #readCache(): Promise<Record<string, CacheEntry>> {
    await this.#cacheWrite;
    try {
      const parsed = JSON.parse(await readFile(this.#cachePath, 'utf8')) as unknown;
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, CacheEntry>) : {};
    } catch {
      return {};
    }
  }

  #writeCache(key: string, entry: CacheEntry): Promise<void> {
    const run = async (): Promise<void> => {
      const cache = await (async () => {
        try {
          return JSON.parse(await readFile(this.#cachePath, 'utf8')) as Record<string, CacheEntry>;
        } catch {
          return {} as Record<string, CacheEntry>;
        }
      })();
      cache[key] = entry;
      const tmp = `${this.#cachePath}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, JSON.stringify(cache, null, 1));
      await rename(tmp, this.#cachePath);
    };
    this.#cacheWrite = this.#cacheWrite.then(run, run);
    return this.#cacheWrite;
  }

  /** Cancels running builds (their process groups are killed) and waits for them to clean up. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const c of this.#controllers) c.abort();
    await Promise.allSettled([...this.#inflight.values()]);
    await this.#cacheWrite.catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
