// The NEAR `env` allowlist: what a contract may import, and that every allowed function exists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModulePreparer } from '../../sandbox/prepare.js';
import { wat } from '../../testing/wat.js';
import { ENV_SIGNATURES } from './abi.js';
import { HOST_FNS } from './env.js';
import { prepareContract } from './run.js';

const preparer = new ModulePreparer();

async function refusal(source: string | Uint8Array): Promise<string> {
  const r = await prepareContract(preparer, typeof source === 'string' ? await wat(source) : source);
  assert.equal(r.ok, false, 'should be refused');
  if (r.ok) return '';
  assert.equal(r.error.kind, 'InvalidModule');
  return r.error.message;
}

describe('the env allowlist', () => {
  it('has an implementation for every allowed function, taking its arguments', () => {
    assert.deepEqual(Object.keys(HOST_FNS).sort(), Object.keys(ENV_SIGNATURES).sort());
    for (const [name, sig] of Object.entries(ENV_SIGNATURES)) {
      if (name.startsWith('storage_iter_')) continue; // deprecated: they fail whatever the arguments
      assert.equal(HOST_FNS[name as keyof typeof HOST_FNS].length, sig.params.length + 1, name);
    }
  });

  it("accepts the module's own memory, an env.memory import, or no memory", async () => {
    for (const src of [
      '(module (import "env" "log_utf8" (func (param i64 i64))) (memory 1) (func (export "m")))',
      '(module (import "env" "memory" (memory 1)) (func (export "m")))',
      '(module (import "env" "abort" (func (param i32 i32 i32 i32))) (func (export "m")))',
    ]) {
      assert.equal((await prepareContract(preparer, await wat(src))).ok, true, src);
    }
  });

  it('refuses anything else, naming the import', async () => {
    assert.equal(await refusal('(module (import "env" "foo" (func)))'), 'unknown import env.foo: not a NEAR host function');
    assert.equal(
      await refusal('(module (import "env" "alt_bn128_g1_sum" (func (param i64 i64 i64))))'),
      'import env.alt_bn128_g1_sum is a NEAR host function this devnet does not implement',
    );
    assert.equal(
      await refusal('(module (import "env" "value_return" (func (param i32 i32))))'),
      'import env.value_return has type (i32, i32) -> (); NEAR defines (i64, i64) -> ()',
    );
    assert.equal(await refusal('(module (import "env" "register_len" (func (param i64))))'), 'import env.register_len has type (i64) -> (); NEAR defines (i64) -> (i64)');
    assert.match(await refusal('(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))))'), /only import NEAR host functions from "env"/);
    assert.match(await refusal('(module (import "js" "mem" (memory 1)))'), /js\.mem: a contract's memory may only be imported as env\.memory/);
    assert.match(await refusal('(module (import "env" "g" (global i32)))'), /env\.g: env provides functions and memory, not a global/);
  });

  it('refuses bytes that are not a valid module', async () => {
    assert.match(await refusal(new TextEncoder().encode('export function main() {}')), /not a WebAssembly module/);
    assert.match(await refusal(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 99])), /./);
  });
});
