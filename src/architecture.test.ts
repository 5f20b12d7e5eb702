// Keeps the layering of docs/architecture.md true: layers never import services, and the
// environment-neutral core of L1 never imports a Node-only module (it must run in a Web Worker).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/** The top-level folder under src/ a file belongs to ('' for src/*.ts). */
function area(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : '';
}

// Which areas each area may import (besides itself and src/*.ts such as errors.ts).
const ALLOWED: Record<string, string[]> = {
  sandbox: [],
  js: ['sandbox'],
  chain: ['sandbox', 'js'],
  testing: ['sandbox'],
  os: ['sandbox', 'js'],
  // The OutLayer contract is guest code bundled into one module (see the next test): it may use
  // the chain codec's pure account-id rules; its node/ folder bundles it with the js layer.
  contract: ['chain', 'js'],
  keystore: ['contract', 'chain'],
  // The services: the coordinator watches the chain and serves workers; workers run jobs in the
  // sandbox and talk to the coordinator only over HTTP (through the client SDK).
  coordinator: ['sandbox', 'js', 'chain', 'contract', 'keystore', 'sdk'],
  sdk: ['sandbox'],
  worker: ['sandbox', 'js', 'os', 'sdk', 'contract', 'chain'],
  // The browser bundle: the cores plus the pure pieces of the protocol (sdk client, attestation
  // message, toResponse); the next-but-one test keeps everything it reaches free of Node.
  browser: ['sandbox', 'js', 'os', 'sdk', 'contract', 'chain', 'worker'],
  cli: ['sandbox', 'js', 'chain', 'contract', 'keystore', 'coordinator', 'sdk', 'worker', 'os'], // the CLI is the top: `outlayer dev` starts everything
};

it('layers import only the layers below them', () => {
  for (const file of sources(SRC)) {
    const from = area(file);
    if (from === '') continue;
    for (const spec of imports(file)) {
      if (!spec.startsWith('.')) continue;
      const to = area(resolve(dirname(file), spec));
      if (to === '' || to === from) continue;
      assert.ok((ALLOWED[from] ?? []).includes(to), `${relative(SRC, file)} imports ${spec}: ${from} may not depend on ${to}`);
    }
  }
});

it('the L1, L2 (guest OS) and L3 cores use no Node-only module (only their node/ folders may)', () => {
  for (const file of [...sources(join(SRC, 'sandbox')), ...sources(join(SRC, 'js')), ...sources(join(SRC, 'os'))]) {
    if (/^(sandbox|js|os)\/node\//.test(relative(SRC, file))) continue;
    for (const spec of imports(file)) {
      assert.ok(!spec.startsWith('node:') && !['fs', 'path', 'os', 'worker_threads', 'crypto'].includes(spec), `${relative(SRC, file)} imports ${spec}`);
      if (spec.startsWith('.')) {
        assert.ok(!/\/(sandbox|js|os)\/node\//.test(resolve(dirname(file), spec)), `${relative(SRC, file)} imports the Node-only ${spec}`);
      }
    }
  }
});

it('the browser bundles reach no Node-only module (every file imported from src/browser, transitively)', () => {
  const seen = new Set<string>();
  const visit = (file: string, from: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const rel = relative(SRC, file);
    assert.ok(!/(^|\/)node\//.test(rel), `${relative(SRC, from)} reaches the Node-only ${rel}`);
    for (const spec of imports(file)) {
      assert.ok(!spec.startsWith('node:') && !['fs', 'path', 'os', 'worker_threads', 'crypto', 'module', 'url', 'buffer'].includes(spec), `${rel} (reached from src/browser) imports ${spec}`);
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec).replace(/\.js$/, '.ts'), file);
    }
    assert.ok(!/\bBuffer\./.test(readFileSync(file, 'utf8')), `${rel} (reached from src/browser) uses Node's Buffer`);
  };
  for (const file of sources(join(SRC, 'browser'))) visit(file, file);
  assert.ok(seen.size > 20);
});

it('the chain codec uses no Node-only module (the Node devnet injects node:crypto from src/chain/node/)', () => {
  for (const file of sources(join(SRC, 'chain', 'codec'))) {
    for (const spec of imports(file)) {
      assert.ok(!spec.startsWith('node:') && !['fs', 'path', 'os', 'worker_threads', 'crypto'].includes(spec), `${relative(SRC, file)} imports ${spec}`);
      if (spec.startsWith('.')) assert.ok(resolve(dirname(file), spec).startsWith(join(SRC, 'chain', 'codec')), `${relative(SRC, file)} imports ${spec} from outside the codec`);
    }
  }
});

it('the OutLayer contract (guest code, bundled into the devnet) imports only itself and pure chain codec files', () => {
  for (const file of sources(join(SRC, 'contract'))) {
    if (/^contract\/node\//.test(relative(SRC, file))) continue;
    for (const spec of imports(file)) {
      assert.ok(spec.startsWith('.'), `${relative(SRC, file)} imports the package ${spec}: the contract runs in the guest realm, with the near API only`);
      const target = resolve(dirname(file), spec);
      assert.ok(target.startsWith(join(SRC, 'contract')) || target.startsWith(join(SRC, 'chain', 'codec')), `${relative(SRC, file)} imports ${spec}`);
      assert.ok(!/\/contract\/node\//.test(target), `${relative(SRC, file)} imports the Node-only ${spec}`);
    }
  }
});

it('has no import cycles (with verbatimModuleSyntax, type-only imports are marked and skipped)', () => {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(/^\s*(import|export)\s(?!type\s)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) => resolve(dirname(file), m[2]!).replace(/\.js$/, '.ts'));
    graph.set(file, deps);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') assert.fail(`import cycle: ${[...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → ')}`);
    state.set(file, 'visiting');
    for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
});
