/**
 * `npm run bench -- browser`: the browser bundle in headless Debian Chromium (playwright-core):
 * bundle sizes raw and gzipped (target: the page bundle ≤ 25 KB gzipped without wasm), time to
 * the first result in a fresh page (WASI hello, JS hello), and per-job overhead in the browser
 * against the Node pool (the same trivial job repeated). Needs `npm run build` and
 * /usr/bin/chromium. Writes bench-results/browser.json.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { createPool } from '../../src/js/node/pool.js';
import { machineInfo, median, printTable, writeResults, type Figure } from './stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const FILES = ['outlayer.iife.js', 'outlayer.worker.js', 'quickjs.wasm'];
const PAGE = '<!doctype html><meta charset="utf-8"><title>bench</title><script src="/dist/outlayer.iife.js"></script>';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function run(args: readonly string[]): Promise<void> {
  const quick = args.includes('--quick');
  if (!existsSync('/usr/bin/chromium') || FILES.some((f) => !existsSync(join(DIST, f)))) {
    console.error('browser bench: needs /usr/bin/chromium (apt-get install chromium) and a built dist/ (npm run build)');
    process.exitCode = 1;
    return;
  }
  const figures: Figure[] = [];
  for (const f of FILES) {
    const bytes = readFileSync(join(DIST, f));
    figures.push({ id: `size.${f}`, label: `${f} raw`, value: statSync(join(DIST, f)).size, unit: 'B' });
    figures.push({ id: `gzip.${f}`, label: `${f} gzipped`, value: gzipSync(bytes, { level: 9 }).length, unit: 'B', ...(f === 'outlayer.iife.js' && { target: 25_000 }) });
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const file = normalize(join(DIST, path.replace(/^\/dist\//, '')));
    if (path.startsWith('/dist/') && file.startsWith(DIST) && existsSync(file)) return void res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const hello = Array.from(readFileSync(join(ROOT, 'examples/hello.wasm')));
  const jsHello = readFileSync(join(ROOT, 'examples/js/hello.js'), 'utf8');
  try {
    // Time to the first result in a fresh page (a new context each time: nothing cached).
    const reps = quick ? 2 : 5;
    for (const kind of ['wasm', 'js'] as const) {
      const samples: number[] = [];
      for (let i = 0; i < reps; i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${origin}/`);
        const ms = await page.evaluate(async ([k, wasm, js]) => {
          const O = (globalThis as unknown as { OutLayer: { run(code: unknown, o: object): Promise<{ status: string }> } }).OutLayer;
          const code = k === 'wasm' ? new Uint8Array(wasm as number[]) : js;
          const r = await O.run(code, { kind: k, input: k === 'js' ? '{"name":"x"}' : '' });
          if (r.status !== 'ok') throw new Error(`first run failed: ${JSON.stringify(r)}`);
          return performance.now(); // since navigation started
        }, [kind, hello, jsHello] as const);
        samples.push(ms);
        await context.close();
      }
      figures.push({ id: `first.${kind}`, label: `first ${kind === 'wasm' ? 'WASI' : 'JS'} hello result, fresh page (ms since navigation, median)`, value: median(samples), unit: 'ms', samples });
    }
    // Per-job overhead: the same trivial WASI job, warm, in the browser and through the Node pool.
    const n = quick ? 20 : 100;
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    const perJob = await page.evaluate(async ([wasm, count]) => {
      const O = (globalThis as unknown as { OutLayer: { run(code: unknown, o: object): Promise<unknown> } }).OutLayer;
      const code = new Uint8Array(wasm as number[]);
      for (let i = 0; i < 5; i++) await O.run(code, {});
      const t = performance.now();
      for (let i = 0; i < (count as number); i++) await O.run(code, {});
      return (performance.now() - t) / (count as number);
    }, [hello, n] as const);
    const pool = await createPool({ size: 1 });
    const bytes = new Uint8Array(hello);
    for (let i = 0; i < 5; i++) await pool.run(bytes);
    const t = performance.now();
    for (let i = 0; i < n; i++) await pool.run(bytes);
    const node = (performance.now() - t) / n;
    await pool.dispose();
    figures.push({ id: 'job.browser', label: `trivial WASI job in the browser (mean of ${n})`, value: perJob, unit: 'ms' });
    figures.push({ id: 'job.node', label: `the same through the Node pool (mean of ${n})`, value: node, unit: 'ms' });
    figures.push({ id: 'job.ratio', label: 'browser / Node per job', value: perJob / node, unit: 'x' });
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`browser bench (${machineInfo().cpu}, ${machineInfo().cores} cores; headless Chromium)`);
  printTable(figures);
  console.log(`wrote ${await writeResults('browser', { machine: machineInfo(), figures })}`);
}
