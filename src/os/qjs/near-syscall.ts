/**
 * `os.syscall(nr, ...args)` for `qjs` processes: the NEAR system calls 400–499 of
 * docs/sandbox.md on JS values instead of guest pointers, over the same operations the WASI
 * import uses (`nearOps`, src/sandbox/near.ts), so both kinds of process see one NEAR context.
 *
 * Arguments arrive tagged by the guest side (std-source.ts): 's' text, 'b' bytes, 'n' an
 * integer in decimal. Keys, values and data accept text (as UTF-8) or bytes; account ids,
 * method names and log lines accept text (or UTF-8 bytes); amounts, gas and promise indices
 * are integers. Results: bytes (Uint8Array on the guest side), text, bigint, boolean or null.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { NearSyscall, type NearOps, type NearSyscallContext } from '../../sandbox/near.js';
import { Errno, WasiErrno } from '../../sandbox/wasi/errno.js';

export type SyscallResult = Uint8Array | bigint | boolean | string | null;

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function nearSyscall(ctx: NearSyscallContext, ops: NearOps, nr: number, kinds: string, values: readonly (string | Uint8Array)[]): SyscallResult {
  const arg = (i: number): string | Uint8Array => {
    const v = values[i];
    if (v === undefined) throw new WasiErrno(Errno.INVAL);
    return v;
  };
  const data = (i: number): Uint8Array => {
    const v = arg(i);
    if (kinds[i] === 'n') throw new WasiErrno(Errno.INVAL);
    return typeof v === 'string' ? encoder.encode(v) : v;
  };
  const text = (i: number): string => {
    const v = arg(i);
    if (kinds[i] === 'n') throw new WasiErrno(Errno.INVAL);
    if (typeof v === 'string') return v;
    try {
      return utf8.decode(v);
    } catch {
      throw new WasiErrno(Errno.ILSEQ);
    }
  };
  const int = (i: number): bigint => {
    const v = arg(i);
    if (kinds[i] !== 'n' || typeof v !== 'string' || !/^-?[0-9]+$/.test(v)) throw new WasiErrno(Errno.INVAL);
    return BigInt(v);
  };
  const promise = (at: number, after: bigint | null): bigint =>
    ops.promise({ accountId: text(at), methodName: text(at + 1), args: data(at + 2), amount: int(at + 3), gas: int(at + 4) }, after);

  switch (nr) {
    case NearSyscall.STORAGE_READ:
      return ops.storageRead(data(0)) ?? null;
    case NearSyscall.STORAGE_WRITE:
      return ops.storageWrite(data(0), data(1));
    case NearSyscall.STORAGE_REMOVE:
      return ops.storageRemove(data(0));
    case NearSyscall.STORAGE_HAS_KEY:
      return ops.storageHasKey(data(0));
    case NearSyscall.LOG:
      ops.log(text(0));
      return null;
    case NearSyscall.PANIC:
      return ops.panic(values.length > 0 ? text(0) : 'explicit guest panic');
    case NearSyscall.CURRENT_ACCOUNT_ID:
      return ctx.currentAccountId;
    case NearSyscall.SIGNER_ACCOUNT_ID:
      return ctx.signerAccountId;
    case NearSyscall.PREDECESSOR_ACCOUNT_ID:
      return ctx.predecessorAccountId;
    case NearSyscall.PROMISE_CREATE:
      return promise(0, null);
    case NearSyscall.PROMISE_THEN:
      return promise(1, int(0));
    case NearSyscall.PROMISE_RETURN:
      ops.promiseReturn(int(0));
      return null;
    case NearSyscall.BLOCK_HEIGHT:
      return ctx.blockHeight;
    case NearSyscall.BLOCK_TIMESTAMP:
      return ctx.blockTimestampNs;
    case NearSyscall.SHA256:
      return sha256(data(0));
    case NearSyscall.RANDOM_SEED:
      return ctx.randomSeed.slice();
    default:
      throw new WasiErrno(Errno.NOSYS);
  }
}
