#!/usr/bin/env node
// Rebuilds the committed example guests in examples/ from their sources:
//   examples/*.c      -> examples/*.wasm      with clang --target=wasm32-wasi
//   examples/wat/*.wat -> examples/wat/*.wasm  with wabt (npm devDependency)
//
// The .wasm files are committed because users and CI have no C toolchain, so the build must
// be reproducible: the same sources and toolchain give the same bytes. That is why clang runs
// from examples/ with relative paths and no debug info (nothing host-specific gets embedded).
//
//   node scripts/build-examples.mjs           rebuild and write the .wasm files
//   node scripts/build-examples.mjs --check   rebuild in memory, fail if a committed file differs
//
// Exit status 1 if anything failed (including clang being absent; WAT is still built then).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examplesDir = join(root, 'examples');
const watDir = join(examplesDir, 'wat');
const check = process.argv.includes('--check');

const CLANG_FLAGS = [
  '--target=wasm32-wasi',
  '-O2',
  '-Wall',
  '-Wextra',
  // Debug sections would embed absolute paths; the name section stays for readable traps.
  '-Wl,--strip-debug',
];
const WABT_FEATURES = { bulk_memory: true, mutable_globals: true, sign_extension: true };
const CLANG_HINT =
  'clang for wasm32-wasi is not available. On Debian/Ubuntu install it with:\n' +
  '  apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const sorted = (dir, ext) => readdirSync(dir).filter((f) => f.endsWith(ext)).sort();

let failed = false;
let clangMissing = false;

/** Writes (or, with --check, compares) one built module and prints its size and hash. */
function emit(outPath, bytes) {
  const rel = relative(root, outPath);
  if (check) {
    const same = existsSync(outPath) && sha256(readFileSync(outPath)) === sha256(bytes);
    if (!same) failed = true;
    console.log(`${same ? 'ok     ' : 'DIFFERS'} ${rel}`);
    return;
  }
  writeFileSync(outPath, bytes);
  console.log(`${String(bytes.length).padStart(9)}  ${sha256(bytes).slice(0, 16)}  ${rel}`);
}

function clangAvailable() {
  const r = spawnSync('clang', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

function buildC() {
  const sources = sorted(examplesDir, '.c');
  if (!clangAvailable()) {
    console.error(CLANG_HINT);
    console.error('skipping the C examples; building the WAT ones anyway');
    failed = clangMissing = true;
    return;
  }
  // clang writes to a scratch directory first so a failed build never leaves a half-written
  // .wasm next to its source, and --check never touches the committed files.
  const scratch = mkdtempSync(join(tmpdir(), 'outlayer-examples-'));
  try {
    for (const src of sources) {
      const out = join(scratch, src.replace(/\.c$/, '.wasm'));
      const r = spawnSync('clang', [...CLANG_FLAGS, '-o', out, src], {
        cwd: examplesDir,
        encoding: 'utf8',
      });
      if (r.error || r.status !== 0) {
        const why = r.error ? r.error.message : r.stderr;
        console.error(`clang failed for examples/${src}:\n${why}`);
        if (/wasm32-wasi|crt1|libc|builtins/.test(why ?? '')) console.error(CLANG_HINT);
        failed = true;
        continue;
      }
      if (r.stderr) process.stderr.write(r.stderr); // warnings
      emit(join(examplesDir, src.replace(/\.c$/, '.wasm')), readFileSync(out));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function buildWat() {
  let wabt;
  try {
    const { default: wabtInit } = await import('wabt');
    wabt = await wabtInit();
  } catch (err) {
    console.error(`cannot load wabt (run npm install): ${err.message}`);
    failed = true;
    return;
  }
  for (const src of sorted(watDir, '.wat')) {
    let mod;
    try {
      mod = wabt.parseWat(src, readFileSync(join(watDir, src), 'utf8'), WABT_FEATURES);
      mod.resolveNames();
      mod.validate();
      // No debug names: keeps the output independent of wabt's naming choices.
      const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
      emit(join(watDir, src.replace(/\.wat$/, '.wasm')), Buffer.from(buffer));
    } catch (err) {
      console.error(`wabt failed for examples/wat/${src}: ${err.message}`);
      failed = true;
    } finally {
      mod?.destroy();
    }
  }
}

buildC();
await buildWat();
if (failed) {
  if (clangMissing) console.error('C examples not built: clang is missing (see above)');
  else console.error(check ? 'examples are out of date: run `npm run examples`' : 'some examples failed to build');
  process.exit(1);
}
