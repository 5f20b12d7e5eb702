import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ArtifactStore } from '../artifacts/store.js';
import { Builder, type BuildResult } from './builder.js';
import { BuildLog, MAX_LOG_BYTES } from './run.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const HELLO_WASM = join(ROOT, 'examples', 'hello.wasm');

let base: string;
let store: ArtifactStore;
let builder: Builder;

/** Creates a git repository with `files` committed; returns its file:// URL and the commit SHA. */
async function makeRepo(name: string, files: Record<string, string>): Promise<{ url: string; sha: string; dir: string }> {
  const dir = join(base, 'repos', name);
  await mkdir(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '--quiet');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'init');
  return { url: pathToFileURL(dir).href, sha: git('rev-parse', 'HEAD'), dir };
}

function failed(r: BuildResult): string {
  assert.equal(r.ok, false, 'expected the build to fail');
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.error.kind, 'build_failed');
  return r.error.message;
}

describe('Builder', () => {
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'outlayer-builder-'));
    store = await ArtifactStore.open({ dataDir: join(base, 'data') });
    builder = new Builder({ store, dataDir: join(base, 'data'), allowLocalRepos: true, workDir: base });
  });

  after(async () => {
    await builder.dispose();
    await store.dispose();
    await rm(base, { recursive: true, force: true });
  });

  it('builds a JS project into one ES module exporting execute, stored and cached', async () => {
    const repo = await makeRepo('js', {
      'contract/package.json': JSON.stringify({ name: 'c', main: 'lib/entry.js' }),
      'contract/lib/entry.js': "import { greet } from './greet.js';\nexport function execute(input) { return greet(input.name); }\n",
      'contract/lib/greet.js': 'export const greet = (n) => `Hello, ${n}!`;\n',
    });
    const source = { repo: repo.url, commit: repo.sha, build_target: 'js' as const, build_path: 'contract' };
    const r = await builder.build(source);
    assert.ok(r.ok, r.ok ? '' : `${r.error.message}\n${r.log}`);
    assert.equal(r.kind, 'js');
    assert.equal(r.cached, false);
    assert.ok(r.compile_time_ms >= 0);
    assert.match(r.log, /git .*clone/);
    const blob = await store.get(r.sha256);
    assert.ok(blob);
    const code = (await buffer(blob.stream)).toString('utf8');
    assert.equal(blob.size, r.bytes);
    const file = join(base, 'bundle.mjs');
    await writeFile(file, code);
    const mod = (await import(pathToFileURL(file).href)) as { execute: (i: { name: string }) => string };
    assert.equal(mod.execute({ name: 'chain' }), 'Hello, chain!');
    // the same immutable commit again: from builds.json, without cloning
    const again = await builder.build(source);
    assert.ok(again.ok && again.cached && again.sha256 === r.sha256);
    const cache = JSON.parse(await readFile(join(base, 'data', 'builds.json'), 'utf8')) as Record<string, { sha256: string }>;
    assert.deepEqual(Object.values(cache).map((e) => e.sha256), [r.sha256]);
    assert.equal(readdirSync(base).filter((n) => n.startsWith('outlayer-build-')).length, 0, 'temp checkouts are removed');
  });

  it('finds index.js without package.json, and builds a branch name', async () => {
    const repo = await makeRepo('js-index', { 'index.js': 'export const execute = () => 42;\n' });
    const r = await builder.build({ repo: repo.url, commit: 'main', build_target: 'js' });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.cached, false);
  });

  it('builds a Makefile project into a wasm artifact', async () => {
    const repo = await makeRepo('make', { Makefile: `all:\n\tcp ${HELLO_WASM} "$$OUTLAYER_OUT"\n` });
    const r = await builder.build({ repo: repo.url, commit: repo.sha, build_target: 'wasm32-wasip1' });
    assert.ok(r.ok, r.ok ? '' : `${r.error.message}\n${r.log}`);
    assert.equal(r.kind, 'wasm');
    assert.deepEqual(await buffer((await store.get(r.sha256))!.stream), await readFile(HELLO_WASM));
  });

  it('fails a Makefile that produces no wasm, or not a wasm module', async () => {
    const none = await makeRepo('make-none', { Makefile: 'all:\n\t@echo nothing to do\n' });
    assert.match(failed(await builder.build({ repo: none.url, commit: none.sha })), /no out\.wasm/);
    const bad = await makeRepo('make-bad', { Makefile: 'all:\n\techo hi > out.wasm\n' });
    assert.match(failed(await builder.build({ repo: bad.url, commit: bad.sha })), /not a WebAssembly module/);
    const broken = await makeRepo('make-broken', { Makefile: 'all:\n\t@echo compiler says no >&2; exit 3\n' });
    const r = await builder.build({ repo: broken.url, commit: broken.sha });
    assert.match(failed(r), /make failed.*compiler says no/s);
    assert.match(r.log, /compiler says no/);
  });

  it('fails an unknown commit, naming it', async () => {
    const repo = await makeRepo('unknown', { 'index.js': 'export const execute = () => 1;\n' });
    const message = failed(await builder.build({ repo: repo.url, commit: 'f'.repeat(40), build_target: 'js' }));
    assert.match(message, /commit f{40} not found/);
    assert.match(failed(await builder.build({ repo: repo.url, commit: 'no-such-branch', build_target: 'js' })), /not found/);
  });

  it('rejects invalid sources with the contract rules, and local repos unless allowed', async () => {
    assert.match(failed(await builder.build({ repo: 'https://github.com/a/b', commit: '--upload-pack=evil' })), /must not start with '-'/);
    assert.match(failed(await builder.build({ repo: 'https://github.com/a/b', commit: 'a..b' })), /'\.\.'/);
    assert.match(failed(await builder.build({ repo: 'file:///x', commit: 'main', build_path: '../up' })), /build path/);
    const strict = new Builder({ store, dataDir: join(base, 'data') });
    assert.match(failed(await strict.build({ repo: 'file:///tmp/x', commit: 'main' })), /invalid code source/);
    await strict.dispose();
  });

  it('fails an unreachable GitHub repository quickly, naming it', async () => {
    const t0 = Date.now();
    const message = failed(await builder.build({ repo: 'https://github.com/near/definitely-not-reachable', commit: 'a'.repeat(40), build_target: 'js' }));
    assert.match(message, /could not clone https:\/\/github\.com\/near\/definitely-not-reachable/);
    assert.ok(Date.now() - t0 < 30_000);
  });

  it('kills a build that runs past the time limit', async () => {
    const repo = await makeRepo('slow', { Makefile: 'all:\n\tsleep 10 & sleep 10\n' });
    const quick = new Builder({ store, dataDir: join(base, 'data'), allowLocalRepos: true, workDir: base, timeoutMs: 1000 });
    const t0 = Date.now();
    const message = failed(await quick.build({ repo: repo.url, commit: repo.sha }));
    assert.match(message, /timed out/);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    await quick.dispose();
  });

  it('reports a missing wasm32-wasip1 Rust target (or a cargo failure) as build_failed', { timeout: 120_000 }, async () => {
    const repo = await makeRepo('cargo', {
      'Cargo.toml': '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/main.rs': 'fn main() { println!("hi"); }\n',
    });
    const r = await builder.build({ repo: repo.url, commit: repo.sha });
    if (r.ok) return; // a machine with the target installed builds it
    if (/may not be installed/.test(r.log)) assert.match(r.error.message, /the wasm32-wasip1 Rust target is not installed on this builder/);
    else assert.match(r.error.message, /cargo build/);
  });

  it('keeps the head and tail of a long build log within 64 KiB', () => {
    const log = new BuildLog();
    log.write('FIRST\n');
    for (let i = 0; i < 2000; i++) log.write(`line ${i} ${'x'.repeat(100)}\n`);
    log.write('LAST\n');
    const text = log.toString();
    assert.ok(Buffer.byteLength(text) < MAX_LOG_BYTES + 100);
    assert.ok(text.startsWith('FIRST') && text.endsWith('LAST\n') && text.includes('bytes of log omitted'));
    assert.equal(existsSync(join(base, 'never')), false);
  });
});
