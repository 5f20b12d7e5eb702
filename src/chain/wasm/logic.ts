/**
 * The per-call state host functions work on (nearcore's `VMLogic`), with the helpers they share:
 * memory-or-register reads, UTF-8/UTF-16 strings, account ids, the storage overlay and the
 * view-call guard. The host functions themselves live in host-*.ts, one group per file.
 */
import { bytesToKey } from '../../js/host/state.js';
import { isValidAccountId } from '../codec/account-id.js';
import { EXT, LIMITS } from './costs.js';
import { badUtf16, badUtf8, hostError, prohibitedInView } from './errors.js';
import type { GasCounter } from './gas.js';
import type { GuestMemory } from './memory.js';
import { Registers } from './registers.js';
import type { ContractPromise, PromiseResult, StorageReader, WasmCallContext, YieldResume } from './types.js';

export const U64_MAX = (1n << 64n) - 1n;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16 = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export interface VMInit {
  context: WasmCallContext;
  input: Uint8Array;
  storage: StorageReader;
  promiseResults: readonly PromiseResult[];
  isYieldPending: (dataId: Uint8Array) => boolean;
}

export class NearVM {
  readonly registers: Registers;
  readonly context: WasmCallContext;
  readonly input: Uint8Array;
  readonly promiseResults: readonly PromiseResult[];
  readonly isYieldPending: (dataId: Uint8Array) => boolean;
  private readonly base: StorageReader;
  /** Written values, or null for removed keys, over `base`. */
  readonly changes = new Map<string, Uint8Array | null>();
  storageWrites = 0;
  storageUsage: bigint;
  balance: bigint;
  readonly logs: string[] = [];
  private logLength = 0n;
  returnData: { kind: 'value'; value: Uint8Array } | { kind: 'promise'; index: number } | null = null;
  readonly promises: ContractPromise[] = [];
  readonly yieldResumes: YieldResume[] = [];
  yieldsCreated = 0;

  constructor(
    readonly gas: GasCounter,
    readonly memory: GuestMemory,
    init: VMInit,
  ) {
    this.registers = new Registers(gas);
    this.context = init.context;
    this.input = init.input;
    this.base = init.storage;
    this.promiseResults = init.promiseResults;
    this.isYieldPending = init.isYieldPending;
    this.storageUsage = init.context.storageUsage;
    this.balance = init.context.accountBalance + init.context.attachedDeposit;
  }

  /** Fails with ProhibitedInView when this is a view call. */
  notInView(method: string): void {
    if (this.context.isView) throw prohibitedInView(method);
  }

  /** nearcore's `get_memory_or_register`: `len == u64::MAX` means "the register numbered ptr". */
  memOrReg(ptr: bigint, len: bigint): Uint8Array {
    return len === U64_MAX ? this.registers.get(ptr) : this.memory.view(ptr, len);
  }

  /** nearcore's `get_utf8_string`: `len == u64::MAX` reads up to a NUL byte. */
  utf8String(len: bigint, ptr: bigint): string {
    this.gas.pay(EXT.utf8_decoding_base);
    const maxLen = LIMITS.max_total_log_length - this.logLength;
    let bytes: Uint8Array;
    if (len !== U64_MAX) {
      if (len > maxLen) throw this.totalLogLengthExceeded(len);
      bytes = this.memory.view(ptr, len);
    } else {
      const buf: number[] = [];
      for (let i = 0n; ; i++) {
        const b = this.memory.getU8(ptr + i);
        if (b === 0) break;
        if (i === maxLen) throw this.totalLogLengthExceeded(maxLen + 1n);
        buf.push(b);
      }
      bytes = Uint8Array.from(buf);
    }
    this.gas.payPer(EXT.utf8_decoding_byte, BigInt(bytes.length));
    try {
      return utf8.decode(bytes);
    } catch {
      throw badUtf8();
    }
  }

  /** nearcore's `get_utf16_string`: `len == u64::MAX` reads up to a 0x0000 code unit. */
  utf16String(len: bigint, ptr: bigint): string {
    this.gas.pay(EXT.utf16_decoding_base);
    const maxLen = LIMITS.max_total_log_length - this.logLength;
    let bytes: Uint8Array;
    if (len === U64_MAX) {
      let n = 0n;
      while (this.memory.getU16(ptr + n) !== 0) {
        n += 2n;
        if (n > maxLen) throw this.totalLogLengthExceeded(n);
      }
      len = n;
      bytes = this.memory.viewFree(ptr, len);
    } else {
      bytes = this.memory.view(ptr, len);
    }
    if (bytes.length % 2 !== 0) throw badUtf16();
    if (len > maxLen) throw this.totalLogLengthExceeded(len);
    this.gas.payPer(EXT.utf16_decoding_byte, len);
    try {
      return utf16.decode(bytes);
    } catch {
      throw badUtf16();
    }
  }

  /** nearcore's `read_and_parse_account_id`. */
  accountId(ptr: bigint, len: bigint): string {
    const bytes = this.memOrReg(ptr, len);
    this.gas.pay(EXT.utf8_decoding_base);
    this.gas.payPer(EXT.utf8_decoding_byte, BigInt(bytes.length));
    let id: string;
    try {
      id = utf8.decode(bytes);
    } catch {
      throw badUtf8();
    }
    if (!isValidAccountId(id)) throw hostError('InvalidAccountId', 'VM Logic returned an invalid account id');
    return id;
  }

  private totalLogLengthExceeded(add: bigint): never {
    const limit = LIMITS.max_total_log_length;
    throw hostError('TotalLogLengthExceeded', `The length of a log message ${this.logLength + add} exceeds the limit ${limit}`);
  }

  checkCanLog(): void {
    if (this.logs.length >= LIMITS.max_number_logs) {
      throw hostError('NumberOfLogsExceeded', `The number of logs will exceed the limit ${LIMITS.max_number_logs}`);
    }
  }

  pushLog(message: string): void {
    const len = BigInt(encoder.encode(message).length);
    if (this.logLength + len > LIMITS.max_total_log_length) throw this.totalLogLengthExceeded(len);
    this.logLength += len;
    this.logs.push(message);
  }

  storageGet(key: Uint8Array): Uint8Array | undefined {
    const id = bytesToKey(key);
    const changed = this.changes.get(id);
    if (changed !== undefined) return changed ?? undefined;
    return this.base.get(id);
  }

  /** Sets or removes (value null) a key; returns the previous value. */
  storagePut(key: Uint8Array, value: Uint8Array | null): Uint8Array | undefined {
    const old = this.storageGet(key);
    this.changes.set(bytesToKey(key), value ? value.slice() : null);
    this.storageWrites++;
    return old;
  }
}
