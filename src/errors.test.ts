// Keeps src/errors.ts and docs/errors.md in step (fastify's errors.test.js habit).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { it } from 'node:test';
import { join } from 'node:path';
import { API_ERROR_CODES, HOST_ERROR_CODES, RESULT_ERROR_KINDS } from './errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = new Set([...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]));

it('every error code is documented, and every documented code exists', () => {
  const codes = [...Object.keys(RESULT_ERROR_KINDS), ...Object.keys(HOST_ERROR_CODES), ...Object.keys(API_ERROR_CODES)];
  for (const code of codes) assert.ok(documented.has(code), `${code} is missing from docs/errors.md`);
  for (const code of documented) assert.ok(codes.includes(code!), `docs/errors.md lists ${code}, which src/errors.ts does not define`);
  assert.equal(new Set(codes).size, codes.length, 'no code is defined twice');
});

it('documents each host code with its HTTP status', () => {
  for (const [code, { status }] of Object.entries(HOST_ERROR_CODES)) {
    assert.match(doc, new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'));
  }
});

it('documents each coordinator API code with its HTTP status, and the coordinator uses no other code', () => {
  for (const [code, { status }] of Object.entries(API_ERROR_CODES)) {
    assert.match(doc, new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'));
  }
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') && !n.endsWith('.test.ts') ? [join(dir, n)] : []));
  const src = new URL('.', import.meta.url).pathname;
  for (const file of files(join(src, 'coordinator'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/sendError\(reply, (\d+), '([a-z_]+)'/g)) {
      const known = API_ERROR_CODES[m[2] as keyof typeof API_ERROR_CODES];
      assert.ok(known, `${file} answers with ${m[2]}, which src/errors.ts does not list`);
      assert.equal(known.status, Number(m[1]), `${file} answers ${m[2]} with status ${m[1]}, not ${known.status}`);
    }
  }
});