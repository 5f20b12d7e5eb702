// A mount that spends from the budget a streamed guest shares (the guest OS charging a WASI
// module's file calls): after each mount call the guest keeps no more fuel than the shared budget
// has left, so the two together never pass it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { wat } from '../../testing/wat.js';
import { prepareCommand } from '../execute.js';
import { normalizeOptions } from '../options.js';
import { ModulePreparer } from '../prepare.js';
import { Errno, WasiErrno, type MountFs } from '../wasi/index.js';
import { runStreaming } from './run.js';
import { ASYNCIFY_TRANSFORM } from './transform.js';

const BUDGET = 1_000_000n;
const MOUNT_CALL = 900_000n;

/** A mount whose only working call is stat('/'), which spends MOUNT_CALL of the shared budget. */
function spendingMount(spend: (n: bigint) => void): MountFs {
  const no = (): never => {
    throw new WasiErrno(Errno.NOTSUP);
  };
  return {
    stat: () => {
      spend(MOUNT_CALL);
      return { filetype: 'dir', size: 0, ino: 1, mtimNs: 0n };
    },
    open: no, close: no, read: no, write: no, seek: no, fstat: no, truncate: no, readdir: no, mkdir: no, unlink: no, rmdir: no, rename: no,
  };
}

it('a mount call that spends the shared budget lowers what the guest may still spend', async () => {
  // path_filestat_get(3, ".") once, then loop forever.
  const code = await wat(`(module
    (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) ".")
    (func (export "_start")
      (drop (call $stat (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 64)))
      (loop $l (br $l))))`);
  const prepared = await prepareCommand(new ModulePreparer(), code, ASYNCIFY_TRANSFORM);
  let spent = 0n;
  const spend = (n: bigint) => {
    spent += n;
    if (spent > BUDGET) throw new Error('the shared budget is spent');
  };
  const r = await runStreaming(prepared, normalizeOptions({ maxInstructions: 10n * BUDGET }), {
    streams: { read: () => null, write: () => {} },
    mounts: [{ guestPath: '/', fs: spendingMount(spend) }],
    fuel: { left: () => BUDGET - spent, charge: (used) => spend(used) },
  });
  assert.equal(r.error?.kind, 'out_of_fuel');
  // The guest ran on what the mount left (100,000 minus its own use so far), not on the 1,000,000 it was given.
  assert.equal(spent, BUDGET);
  assert.equal(BigInt(r.fuel_used), BUDGET - MOUNT_CALL);
});
