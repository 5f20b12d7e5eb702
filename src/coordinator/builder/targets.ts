/**
 * How a checked-out build directory becomes one artifact, per build target:
 *
 * - `js`: the entry is package.json "module" or "main" when that file exists, else the first of
 *   `index.js`, `main.js`, `src/index.js`; it is bundled into one ES module with esbuild
 *   ({@link bundleContract}).
 * - `wasm32-wasip1`: a `Cargo.toml` runs `cargo build --release --target wasm32-wasip1` and takes
 *   the single `.wasm` under `target/wasm32-wasip1/release/`; otherwise a `Makefile` runs `make`
 *   with `OUTLAYER_OUT=<build dir>/out.wasm` and takes that file, or else the single `*.wasm` in
 *   the build directory. The output must start with the wasm magic `\0asm`.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { bundleContract } from '../../js/node/bundle.js';
import { type BuildLog, runStep } from './run.js';

/** A build failure with a message for the user (the log has the details). */
export class BuildFailure extends Error {
  override name = 'BuildFailure';
}

export interface TargetContext {
  /** the checkout root */
  root: string;
  /** the directory to build (root or root/build_path) */
  dir: string;
  /** a scratch directory outside the checkout (cargo's target dir) */
  scratch: string;
  env: NodeJS.ProcessEnv;
  log: BuildLog;
  /** ms left before the build's deadline */
  remainingMs: () => number;
  signal: AbortSignal;
  maxOutputBytes: number;
}

const JS_ENTRIES = ['index.js', 'main.js', 'src/index.js'];
const WASM_MAGIC = Buffer.from([0, 0x61, 0x73, 0x6d]);

/** True when `path` (after resolving symlinks) is `root` or inside it. */
async function inside(root: string, path: string): Promise<boolean> {
  const [r, p] = await Promise.all([realpath(root), realpath(path)]);
  return p === r || p.startsWith(r + sep);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** The JS entry file of `dir` (see the module comment for the lookup order). */
export async function findJsEntry(dir: string): Promise<string> {
  const candidates: string[] = [];
  const pkgPath = join(dir, 'package.json');
  if (existsSync(pkgPath)) {
    let pkg: unknown;
    try {
      pkg = JSON.parse(await readFile(pkgPath, 'utf8'));
    } catch (e) {
      throw new BuildFailure(`package.json is not valid JSON: ${(e as Error).message}`);
    }
    for (const field of ['module', 'main']) {
      const value = (pkg as Record<string, unknown> | null)?.[field];
      if (typeof value === 'string' && value !== '') candidates.push(value);
    }
  }
  candidates.push(...JS_ENTRIES);
  for (const candidate of candidates) {
    const path = resolve(dir, candidate);
    if (!(await isFile(path))) continue;
    if (!(await inside(dir, path))) throw new BuildFailure(`entry ${candidate} points outside the build directory`);
    return path;
  }
  throw new BuildFailure(`no JS entry found: expected package.json "module"/"main", ${JS_ENTRIES.join(', ')}`);
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BuildFailure(`${what} timed out`)), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function buildJs(ctx: TargetContext): Promise<Buffer> {
  const entry = await findJsEntry(ctx.dir);
  ctx.log.write(`$ esbuild bundle ${relative(ctx.root, entry) || entry}\n`);
  let code: string;
  try {
    code = await withDeadline(bundleContract(entry), ctx.remainingMs(), 'build');
  } catch (e) {
    if (e instanceof BuildFailure) throw e;
    ctx.log.write(`${(e as Error).message}\n`);
    throw new BuildFailure(`bundling failed: ${(e as Error).message}`);
  }
  const bytes = Buffer.from(code, 'utf8');
  ctx.log.write(`bundled ${bytes.length} bytes\n`);
  return bytes;
}

async function readWasm(path: string, ctx: TargetContext): Promise<Buffer> {
  const st = await stat(path);
  if (st.size > ctx.maxOutputBytes) throw new BuildFailure(`build output is ${st.size} bytes, more than the ${ctx.maxOutputBytes}-byte limit`);
  const bytes = await readFile(path);
  if (!bytes.subarray(0, 4).equals(WASM_MAGIC)) throw new BuildFailure(`build output ${path.split(sep).pop()} is not a WebAssembly module`);
  return bytes;
}

function stepFailure(what: string, r: { code: number | null; timedOut: boolean; spawnError: string | null; tail: string }): BuildFailure {
  if (r.timedOut) return new BuildFailure(`${what} timed out`);
  if (r.spawnError) return new BuildFailure(`${what} could not start: ${r.spawnError}`);
  return new BuildFailure(`${what} failed (exit status ${r.code ?? 'killed'})${r.tail ? `: ${r.tail}` : ''}`);
}

async function wasmFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.wasm')).map((n) => join(dir, n));
}

export async function buildWasm(ctx: TargetContext): Promise<Buffer> {
  const step = { cwd: ctx.dir, env: ctx.env, log: ctx.log, signal: ctx.signal };
  if (existsSync(join(ctx.dir, 'Cargo.toml'))) {
    const targetDir = join(ctx.scratch, 'target');
    const r = await runStep('cargo', ['build', '--release', '--target', 'wasm32-wasip1'], {
      ...step,
      env: { ...ctx.env, CARGO_TARGET_DIR: targetDir },
      timeoutMs: ctx.remainingMs(),
    });
    if (r.code !== 0) {
      if (/target may not be installed|can't find crate for `(core|std)`/.test(ctx.log.toString())) {
        throw new BuildFailure('cargo build failed: the wasm32-wasip1 Rust target is not installed on this builder (rustup target add wasm32-wasip1)');
      }
      throw stepFailure('cargo build', r);
    }
    const outputs = await wasmFiles(join(targetDir, 'wasm32-wasip1', 'release'));
    if (outputs.length !== 1) throw new BuildFailure(`cargo build produced ${outputs.length} .wasm files in target/wasm32-wasip1/release (expected exactly one)`);
    return readWasm(outputs[0]!, ctx);
  }
  if (['Makefile', 'makefile', 'GNUmakefile'].some((f) => existsSync(join(ctx.dir, f)))) {
    const out = join(ctx.dir, 'out.wasm');
    const r = await runStep('make', ['--no-print-directory'], { ...step, env: { ...ctx.env, OUTLAYER_OUT: out }, timeoutMs: ctx.remainingMs() });
    if (r.code !== 0) throw stepFailure('make', r);
    if (await isFile(out)) {
      if (!(await inside(ctx.root, out))) throw new BuildFailure('out.wasm points outside the checkout');
      return readWasm(out, ctx);
    }
    const outputs = await wasmFiles(ctx.dir);
    if (outputs.length !== 1) throw new BuildFailure(`make produced no out.wasm and ${outputs.length} .wasm files in the build directory (expected $OUTLAYER_OUT or exactly one)`);
    if (!(await inside(ctx.root, outputs[0]!))) throw new BuildFailure('the .wasm output points outside the checkout');
    return readWasm(outputs[0]!, ctx);
  }
  throw new BuildFailure('nothing to build for wasm32-wasip1: no Cargo.toml or Makefile in the build directory');
}
