import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envProblem, isReservedEnvName, MAX_ENV_ENTRIES, MAX_ENV_VALUE_BYTES } from './env.js';

describe('envProblem', () => {
  it('accepts ordinary maps (and the empty map)', () => {
    assert.equal(envProblem({ API_KEY: 'k', _x: '', a1: 'é'.repeat(1000) }), null);
    assert.equal(envProblem({}), null);
  });
  const bad: [string, unknown, RegExp][] = [
    ['not an object', ['A'], /JSON object/],
    ['null', null, /JSON object/],
    ['name starting with a digit', { '1A': 'v' }, /"1A" must match/],
    ['name with a dash', { 'A-B': 'v' }, /must match/],
    ['empty name', { '': 'v' }, /must match/],
    ['name of 129 characters', { ['A'.repeat(129)]: 'v' }, /must match/],
    ['reserved NEAR_FOO', { NEAR_FOO: 'v' }, /"NEAR_FOO" is reserved/],
    ['reserved PATH', { PATH: '/bin' }, /reserved/],
    ['reserved TZ', { TZ: 'UTC' }, /reserved/],
    ['non-string value', { A: 1 }, /must be a string/],
    ['NUL in value', { A: 'a\0b' }, /NUL/],
    ['too many entries', Object.fromEntries(Array.from({ length: MAX_ENV_ENTRIES + 1 }, (_, i) => [`V${i}`, 'x'])), /65 variables/],
    ['value too large', { A: 'x'.repeat(MAX_ENV_VALUE_BYTES + 1) }, /65537 bytes/],
    ['value too large in UTF-8', { A: 'é'.repeat(MAX_ENV_VALUE_BYTES / 2 + 1) }, /bytes/],
  ];
  for (const [name, env, why] of bad) it(`rejects ${name}`, () => assert.match(envProblem(env) ?? 'accepted', why));
  it('never quotes values', () => assert.doesNotMatch(envProblem({ A: 'supersecret\0' })!, /supersecret/));
  it('knows the reserved names', () => {
    for (const n of ['NEAR_SENDER_ID', 'TZ', 'LANG', 'LC_ALL', 'PATH', 'HOME']) assert.ok(isReservedEnvName(n), n);
    assert.ok(!isReservedEnvName('NEARBY'));
  });
});
