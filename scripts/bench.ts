/**
 * `npm run bench -- <area> [options]`: runs one benchmark area. Each area is one file under
 * scripts/bench/ exporting `run(args)`; add new areas to AREAS. See docs/benchmarks.md.
 */
const AREAS: Record<string, { about: string; load: () => Promise<{ run(args: readonly string[]): Promise<void> }> }> = {
  sandbox: { about: 'L1: fuel-metering overhead, QuickJS under the meter, pool latency, instrumentation', load: () => import('./bench/sandbox.js') },
  js: { about: 'L3/L4: realm start, host-call round trip, a compute kernel vs Node vm and SES', load: () => import('./bench/js.js') },
  devnet: { about: 'the NEAR devnet: function-call tx/s through near-api-js (end to end and pre-signed)', load: () => import('./bench/devnet.js') },
  throttle: { about: 'coordinator throttling: decision cost, allowed/rejected req/s under autocannon', load: () => import('./bench/throttle.js') },
  coordinator: { about: 'coordinator: throttle decision, req/s on loopback, devnet request→resolved latency, worker jobs/s', load: () => import('./bench/coordinator.js') },
  browser: { about: 'the browser bundle in Chromium: sizes, time to first result, per-job overhead vs Node', load: () => import('./bench/browser.js') },
  os: { about: 'the guest OS (L2): boot, echo | wc, pipe MB/s, spawn cost, memory per instance, linux vs direct', load: () => import('./bench/os.js') },
};

function usage(): string {
  const lines = Object.entries(AREAS).map(([name, a]) => `  ${name.padEnd(10)} ${a.about}`);
  return `usage: npm run bench -- <area> [--quick]\nareas:\n${lines.join('\n')}`;
}

const [area, ...rest] = process.argv.slice(2);
const entry = area === undefined ? undefined : AREAS[area];
if (!entry) {
  if (area !== undefined) console.error(`unknown benchmark area ${JSON.stringify(area)}`);
  console.error(usage());
  process.exit(2);
}
await (await entry.load()).run(rest);
