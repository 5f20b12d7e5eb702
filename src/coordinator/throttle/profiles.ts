/**
 * Throttle profiles: the limits per client tier, the global per-route bucket, and per-route
 * overrides. Defaults are the reference figures of ARCHITECTURE.md (anonymous 5 req/s, burst 10,
 * 4 concurrent; API key 20 req/s, burst 40, 8 concurrent). Settings come, lowest precedence
 * first, from the defaults, a JSON file (`OUTLAYER_THROTTLE_CONFIG=path`) and environment
 * variables (`OUTLAYER_THROTTLE_ANON_RPS`, ... — see ENV_VARS and docs/throttling.md). Unknown
 * keys and unknown `OUTLAYER_THROTTLE_*` variables are rejected, as are non-positive limits.
 *
 * @example
 *   const config = loadThrottleConfig(process.env);
 *   const limits = resolveRoute(config, '/v1/near-rpc', 'anonymous'); // { rps: 5, burst: 10, ... }
 */
import { readFileSync } from 'node:fs';

export type Tier = 'anonymous' | 'keyed';
export const TIERS: readonly Tier[] = ['anonymous', 'keyed'];

export interface TierProfile {
  /** Sustained requests per second (tokens/s). */
  rps: number;
  /** Bucket size: requests allowed at once after an idle period. */
  burst: number;
  /** Requests of one client in flight at once on one route. */
  concurrency: number;
}

export interface GlobalProfile {
  rps: number;
  burst: number;
}

export interface RouteOverride {
  anonymous?: Partial<TierProfile>;
  keyed?: Partial<TierProfile>;
  global?: Partial<GlobalProfile>;
  /** Never throttle this route. */
  exempt?: boolean;
}

export interface ThrottleConfig {
  anonymous: TierProfile;
  keyed: TierProfile;
  /** The bucket every client of one route shares (all tiers together). */
  global: GlobalProfile;
  /** How long a concurrency slot is held at most if never released (a crashed replica), ms. */
  leaseMs: number;
  /** Overrides by route pattern, as fastify's `routeOptions.url` spells it (e.g. `/v1/jobs/:id`). */
  routes: Record<string, RouteOverride>;
}

/** Limits for one (route, tier). */
export interface RouteLimits extends TierProfile {
  globalRps: number;
  globalBurst: number;
  exempt: boolean;
}

export const DEFAULT_THROTTLE_CONFIG: ThrottleConfig = Object.freeze({
  anonymous: Object.freeze({ rps: 5, burst: 10, concurrency: 4 }),
  keyed: Object.freeze({ rps: 20, burst: 40, concurrency: 8 }),
  global: Object.freeze({ rps: 1000, burst: 2000 }),
  leaseMs: 120_000,
  routes: Object.freeze({}),
}) as ThrottleConfig;

/** Environment variables read by `loadThrottleConfig`, and the setting each one sets. */
export const ENV_VARS = {
  OUTLAYER_THROTTLE_CONFIG: 'path of a JSON file with the settings (applied before the variables below)',
  OUTLAYER_THROTTLE_ANON_RPS: 'anonymous.rps',
  OUTLAYER_THROTTLE_ANON_BURST: 'anonymous.burst',
  OUTLAYER_THROTTLE_ANON_CONCURRENCY: 'anonymous.concurrency',
  OUTLAYER_THROTTLE_KEYED_RPS: 'keyed.rps',
  OUTLAYER_THROTTLE_KEYED_BURST: 'keyed.burst',
  OUTLAYER_THROTTLE_KEYED_CONCURRENCY: 'keyed.concurrency',
  OUTLAYER_THROTTLE_GLOBAL_RPS: 'global.rps',
  OUTLAYER_THROTTLE_GLOBAL_BURST: 'global.burst',
  OUTLAYER_THROTTLE_LEASE_MS: 'leaseMs',
} as const;

export class ThrottleConfigError extends Error {
  override name = 'ThrottleConfigError';
}

const fail = (where: string, what: string): never => {
  throw new ThrottleConfigError(`throttle config: ${where}: ${what}`);
};

function object(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `expected an object, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${where}${where ? '.' : ''}${k}`, `unknown key (expected one of ${allowed.join(', ')})`);
}

const RATE_MIN = 0.001; // below this a bucket's refill step vanishes in rounding

function limit(v: unknown, where: string, kind: 'rate' | 'burst' | 'integer'): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(where, `expected a finite number, got ${JSON.stringify(v)}`);
  if (kind === 'rate' && v < RATE_MIN) fail(where, `must be at least ${RATE_MIN}, got ${v}`);
  if (kind === 'burst' && v < 1) fail(where, `must be at least 1, got ${v}`);
  if (kind === 'integer' && !(Number.isSafeInteger(v) && v >= 1)) fail(where, `must be a positive integer, got ${v}`);
  return v;
}

const TIER_KEYS = ['rps', 'burst', 'concurrency'] as const;
const GLOBAL_KEYS = ['rps', 'burst'] as const;
const KIND = { rps: 'rate', burst: 'burst', concurrency: 'integer' } as const;

function partial<K extends 'rps' | 'burst' | 'concurrency'>(v: unknown, keys: readonly K[], where: string): Partial<Record<K, number>> {
  const o = object(v, where);
  onlyKeys(o, keys, where);
  const out: Partial<Record<K, number>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = limit(o[k], `${where}.${k}`, KIND[k]);
  return out;
}

/**
 * Validates a JSON settings object (every key optional) and merges it over `base`.
 * Throws ThrottleConfigError naming the offending key.
 */
export function parseThrottleConfig(json: unknown, base: ThrottleConfig = DEFAULT_THROTTLE_CONFIG): ThrottleConfig {
  const o = object(json, '(root)');
  onlyKeys(o, ['anonymous', 'keyed', 'global', 'leaseMs', 'routes'], '');
  const routes: Record<string, RouteOverride> = { ...base.routes };
  if (o.routes !== undefined) {
    for (const [route, v] of Object.entries(object(o.routes, 'routes'))) {
      const where = `routes[${JSON.stringify(route)}]`;
      if (!route.startsWith('/')) fail(where, 'a route pattern starts with "/"');
      const r = object(v, where);
      onlyKeys(r, ['anonymous', 'keyed', 'global', 'exempt'], where);
      const out: RouteOverride = {};
      for (const tier of TIERS) if (r[tier] !== undefined) out[tier] = partial(r[tier], TIER_KEYS, `${where}.${tier}`);
      if (r.global !== undefined) out.global = partial(r.global, GLOBAL_KEYS, `${where}.global`);
      if (r.exempt !== undefined) out.exempt = typeof r.exempt === 'boolean' ? r.exempt : fail(`${where}.exempt`, 'expected true or false');
      routes[route] = out;
    }
  }
  return {
    anonymous: { ...base.anonymous, ...(o.anonymous === undefined ? {} : partial(o.anonymous, TIER_KEYS, 'anonymous')) },
    keyed: { ...base.keyed, ...(o.keyed === undefined ? {} : partial(o.keyed, TIER_KEYS, 'keyed')) },
    global: { ...base.global, ...(o.global === undefined ? {} : partial(o.global, GLOBAL_KEYS, 'global')) },
    leaseMs: o.leaseMs === undefined ? base.leaseMs : limit(o.leaseMs, 'leaseMs', 'integer'),
    routes,
  };
}

/**
 * Defaults, then the JSON file named by OUTLAYER_THROTTLE_CONFIG, then the other
 * OUTLAYER_THROTTLE_* variables. Any other variable with that prefix is an error (a typo would
 * otherwise silently leave the default in force).
 */
export function loadThrottleConfig(env: Record<string, string | undefined> = process.env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): ThrottleConfig {
  for (const name of Object.keys(env)) {
    if (name.startsWith('OUTLAYER_THROTTLE_') && !(name in ENV_VARS)) fail(name, `unknown environment variable (known: ${Object.keys(ENV_VARS).join(', ')})`);
  }
  let config = DEFAULT_THROTTLE_CONFIG;
  const path = env.OUTLAYER_THROTTLE_CONFIG;
  if (path !== undefined && path !== '') {
    let text: string;
    try {
      text = readFile(path);
    } catch (e) {
      return fail(`OUTLAYER_THROTTLE_CONFIG=${path}`, `cannot read the file (${(e as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return fail(path, `not valid JSON (${(e as Error).message})`);
    }
    config = parseThrottleConfig(json, config);
  }
  const fromEnv: Record<string, Record<string, number>> = {};
  for (const [name, setting] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (name === 'OUTLAYER_THROTTLE_CONFIG' || raw === undefined || raw === '') continue;
    const n = Number(raw.trim());
    if (raw.trim() === '' || Number.isNaN(n)) fail(name, `expected a number, got ${JSON.stringify(raw)}`);
    const [group, key] = setting.split('.') as [string, string | undefined];
    if (key === undefined) (fromEnv as Record<string, unknown>)[group] = n;
    else (fromEnv[group] ??= {})[key] = n;
  }
  try {
    return parseThrottleConfig(fromEnv, config);
  } catch (e) {
    // Name the variable rather than the JSON path it maps to.
    const msg = (e as Error).message;
    const hit = Object.entries(ENV_VARS).find(([, setting]) => msg.startsWith(`throttle config: ${setting}:`));
    throw hit ? new ThrottleConfigError(msg.replace(`throttle config: ${hit[1]}`, `throttle config: ${hit[0]}`)) : e;
  }
}

/** The limits that apply to `route` for `tier`: tier profile, then the route's overrides. */
export function resolveRoute(config: ThrottleConfig, route: string, tier: Tier): RouteLimits {
  const o = Object.hasOwn(config.routes, route) ? config.routes[route] : undefined;
  const t = { ...config[tier], ...o?.[tier] };
  const g = { ...config.global, ...o?.global };
  return { rps: t.rps, burst: t.burst, concurrency: t.concurrency, globalRps: g.rps, globalBurst: g.burst, exempt: o?.exempt ?? false };
}
