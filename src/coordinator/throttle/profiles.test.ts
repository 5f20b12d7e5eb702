import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_THROTTLE_CONFIG, ENV_VARS, loadThrottleConfig, parseThrottleConfig, resolveRoute, ThrottleConfigError } from './profiles.js';

describe('throttle profiles', () => {
  it('defaults are the ARCHITECTURE figures', () => {
    assert.deepEqual(resolveRoute(DEFAULT_THROTTLE_CONFIG, '/v1/near-rpc', 'anonymous'), { rps: 5, burst: 10, concurrency: 4, globalRps: 1000, globalBurst: 2000, exempt: false });
    assert.deepEqual(resolveRoute(DEFAULT_THROTTLE_CONFIG, '/v1/near-rpc', 'keyed'), { rps: 20, burst: 40, concurrency: 8, globalRps: 1000, globalBurst: 2000, exempt: false });
    assert.deepEqual(loadThrottleConfig({}), DEFAULT_THROTTLE_CONFIG);
  });

  it('JSON settings merge over the defaults, with per-route overrides', () => {
    const c = parseThrottleConfig({ keyed: { rps: 50 }, global: { burst: 100 }, routes: { '/v1/near-rpc': { anonymous: { burst: 3 }, global: { rps: 7 } }, '/v1/artifacts/:hash': { exempt: true } } });
    assert.deepEqual(resolveRoute(c, '/v1/stats', 'keyed'), { rps: 50, burst: 40, concurrency: 8, globalRps: 1000, globalBurst: 100, exempt: false });
    assert.deepEqual(resolveRoute(c, '/v1/near-rpc', 'anonymous'), { rps: 5, burst: 3, concurrency: 4, globalRps: 7, globalBurst: 100, exempt: false });
    assert.equal(resolveRoute(c, '/v1/artifacts/:hash', 'anonymous').exempt, true);
    assert.equal(resolveRoute(c, 'constructor', 'anonymous').exempt, false, 'no prototype lookups');
  });

  it('rejects unknown keys and bad values with the path in the message', () => {
    const bad: [unknown, RegExp][] = [
      [{ anonymus: {} }, /anonymus: unknown key/],
      [{ anonymous: { rsp: 1 } }, /anonymous\.rsp: unknown key \(expected one of rps, burst, concurrency\)/],
      [{ anonymous: { rps: 0 } }, /anonymous\.rps: must be at least 0\.001/],
      [{ keyed: { burst: 0.5 } }, /keyed\.burst: must be at least 1/],
      [{ keyed: { concurrency: 2.5 } }, /keyed\.concurrency: must be a positive integer/],
      [{ global: { concurrency: 3 } }, /global\.concurrency: unknown key/],
      [{ global: { rps: '10' } }, /global\.rps: expected a finite number/],
      [{ routes: { 'v1/x': {} } }, /starts with "\/"/],
      [{ routes: { '/v1/x': { exempt: 'yes' } } }, /exempt: expected true or false/],
      [{ routes: { '/v1/x': { limit: 1 } } }, /routes\["\/v1\/x"\]\.limit: unknown key/],
      [[], /expected an object/],
      [{ leaseMs: -1 }, /leaseMs: must be a positive integer/],
    ];
    for (const [json, re] of bad) assert.throws(() => parseThrottleConfig(json), (e: unknown) => e instanceof ThrottleConfigError && re.test(e.message), JSON.stringify(json));
  });

  it('environment variables override the file, which overrides the defaults', () => {
    const files: Record<string, string> = { '/etc/t.json': JSON.stringify({ anonymous: { rps: 1, burst: 2 }, routes: { '/v1/x': { keyed: { concurrency: 1 } } } }) };
    const c = loadThrottleConfig({ OUTLAYER_THROTTLE_CONFIG: '/etc/t.json', OUTLAYER_THROTTLE_ANON_RPS: '3', OUTLAYER_THROTTLE_KEYED_BURST: '80', OUTLAYER_THROTTLE_GLOBAL_RPS: '0.5', OUTLAYER_THROTTLE_LEASE_MS: '5000', PATH: '/bin' }, (p) => files[p]!);
    assert.deepEqual(c.anonymous, { rps: 3, burst: 2, concurrency: 4 });
    assert.deepEqual(c.keyed, { rps: 20, burst: 80, concurrency: 8 });
    assert.deepEqual(c.global, { rps: 0.5, burst: 2000 });
    assert.equal(c.leaseMs, 5000);
    assert.equal(resolveRoute(c, '/v1/x', 'keyed').concurrency, 1);
    assert.ok(Object.keys(ENV_VARS).every((k) => k.startsWith('OUTLAYER_THROTTLE_')));
  });

  it('rejects unknown or malformed variables and unreadable files, naming them', () => {
    assert.throws(() => loadThrottleConfig({ OUTLAYER_THROTTLE_ANON_RSP: '3' }), /OUTLAYER_THROTTLE_ANON_RSP: unknown environment variable/);
    assert.throws(() => loadThrottleConfig({ OUTLAYER_THROTTLE_ANON_RPS: 'fast' }), /OUTLAYER_THROTTLE_ANON_RPS: expected a number/);
    assert.throws(() => loadThrottleConfig({ OUTLAYER_THROTTLE_KEYED_CONCURRENCY: '0' }), /OUTLAYER_THROTTLE_KEYED_CONCURRENCY: must be a positive integer/);
    assert.throws(
      () =>
        loadThrottleConfig({ OUTLAYER_THROTTLE_CONFIG: '/nope.json' }, () => {
          throw new Error('ENOENT');
        }),
      /OUTLAYER_THROTTLE_CONFIG=\/nope\.json: cannot read the file \(ENOENT\)/,
    );
    assert.throws(() => loadThrottleConfig({ OUTLAYER_THROTTLE_CONFIG: '/t.json' }, () => '{ nope'), /\/t\.json: not valid JSON/);
    assert.throws(() => loadThrottleConfig({ OUTLAYER_THROTTLE_CONFIG: '/t.json' }, () => '{"anonymous":{"rps":-1}}'), /anonymous\.rps/);
  });
});
