// Keeps src/errors.ts and docs/errors.md in step (fastify's errors.test.js habit).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { HOST_ERROR_CODES, RESULT_ERROR_KINDS } from './errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = new Set([...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]));

it('every error code is documented, and every documented code exists', () => {
  const codes = [...Object.keys(RESULT_ERROR_KINDS), ...Object.keys(HOST_ERROR_CODES)];
  for (const code of codes) assert.ok(documented.has(code), `${code} is missing from docs/errors.md`);
  for (const code of documented) assert.ok(codes.includes(code!), `docs/errors.md lists ${code}, which src/errors.ts does not define`);
  assert.equal(new Set(codes).size, codes.length, 'no code is defined twice');
});

it('documents each host code with its HTTP status', () => {
  for (const [code, { status }] of Object.entries(HOST_ERROR_CODES)) {
    assert.match(doc, new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'));
  }
});
