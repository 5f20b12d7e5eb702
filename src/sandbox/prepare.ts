/**
 * Turns untrusted bytes into a compiled, metered WebAssembly.Module, or a clear `invalid_module`
 * reason. Results are cached by sha256: compiled modules in memory, instrumented bytes in an
 * optional persistent store, so QuickJS's 500 KB wasm is instrumented once per machine.
 *
 * A `ModuleTransform` (asyncify: ./asyncify/transform.ts) may rewrite the validated bytes before
 * the meter runs; its id is part of the cache key, so both variants of a module are cached side
 * by side and a plain `prepare` is unaffected.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DecodeError } from './binary/bytes.js';
import { parseModule, type FuncType, type Limits } from './binary/module.js';
import { LruCache, type ByteStore } from './cache.js';
import { METER_VERSION } from './meter/costs.js';
import { instrument, type InstrumentedModule } from './meter/instrument.js';

export interface PreparedModule {
  sha256: string;
  module: WebAssembly.Module;
  memory: Limits | null;
  memoryImport: InstrumentedModule['memoryImport'];
  hasStart: boolean;
  imports: InstrumentedModule['imports'];
  types: FuncType[];
  exports: string[];
  /** How the module was obtained: 'memory' | 'store' | 'instrumented' (for benchmarks). */
  source: 'memory' | 'store' | 'instrumented';
  /** The id of the transform applied before metering, if any. */
  transform?: string;
}

/**
 * A rewrite of valid module bytes before metering. `id` names the rewrite and its version (tool
 * version, options): the same id must always give the same bytes. Throws InvalidModule for a
 * module it cannot handle.
 */
export interface ModuleTransform {
  readonly id: string;
  apply(bytes: Uint8Array): Promise<Uint8Array>;
}

/** Thrown for bytes that cannot run; becomes an `invalid_module` result. */
export class InvalidModule extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidModule';
  }
}

type Meta = Omit<InstrumentedModule, 'bytes'>;

/**
 * Hex sha256 of `bytes`: the engine's native digest where there is one (Node, secure browser
 * contexts: 0.6 ms for QuickJS's 503 KB), else @noble/hashes (3.8 ms).
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) return bytesToHex(new Uint8Array(await subtle.digest('SHA-256', bytes as BufferSource)));
  return bytesToHex(sha256(bytes));
}

export class ModulePreparer {
  private readonly compiled: LruCache<PreparedModule>;
  constructor(
    private readonly store?: ByteStore,
    capacity = 32,
  ) {
    this.compiled = new LruCache(capacity);
  }

  async prepare(bytes: Uint8Array, knownHash?: string, transform?: ModuleTransform): Promise<PreparedModule> {
    const hash = knownHash ?? (await sha256Hex(bytes));
    const key = transform ? `${hash}-${transform.id}-m${METER_VERSION}` : `${hash}-m${METER_VERSION}`;
    const hit = this.compiled.get(key);
    if (hit) return { ...hit, source: 'memory' };

    let source: PreparedModule['source'] = 'store';
    let found = await this.load(key);
    if (!found) {
      source = 'instrumented';
      const inst = instrumentChecked(transform ? await transformChecked(bytes, transform) : bytes);
      found = { bytes: inst.bytes, meta: { memory: inst.memory, memoryImport: inst.memoryImport, imports: inst.imports, types: inst.types, exports: inst.exports, hasStart: inst.hasStart } };
      await this.save(key, found.bytes, found.meta);
    }
    const module = await WebAssembly.compile(found.bytes);
    const prepared: PreparedModule = { sha256: hash, module, ...found.meta, source, ...(transform && { transform: transform.id }) };
    this.compiled.set(key, prepared);
    return prepared;
  }

  private async load(key: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; meta: Meta } | undefined> {
    if (!this.store) return undefined;
    const [bytes, metaBytes] = await Promise.all([this.store.get(`${key}.wasm`), this.store.get(`${key}.json`)]);
    if (!bytes || !metaBytes) return undefined;
    try {
      return { bytes, meta: JSON.parse(new TextDecoder().decode(metaBytes)) as Meta };
    } catch {
      return undefined;
    }
  }

  private async save(key: string, bytes: Uint8Array, meta: Meta): Promise<void> {
    if (!this.store) return;
    await this.store.set(`${key}.json`, new TextEncoder().encode(JSON.stringify(meta)));
    await this.store.set(`${key}.wasm`, bytes);
  }
}

/** Validates the original (so the transform only sees valid modules, and errors name the original's problem), then transforms. */
async function transformChecked(bytes: Uint8Array, transform: ModuleTransform): Promise<Uint8Array> {
  checkValid(bytes);
  return transform.apply(bytes);
}

/** Validates with the engine, then instruments; every failure names its cause. */
function instrumentChecked(bytes: Uint8Array): InstrumentedModule {
  checkValid(bytes);
  try {
    return instrument(bytes);
  } catch (e) {
    if (e instanceof DecodeError) throw new InvalidModule(e.message);
    throw e;
  }
}

/** Throws InvalidModule, naming the cause, unless the engine accepts `bytes`. */
function checkValid(bytes: Uint8Array): void {
  if (!WebAssembly.validate(bytes as BufferSource)) {
    // Our own decoder gives the clearest message for bad headers and truncation...
    try {
      parseModule(bytes);
    } catch (e) {
      if (e instanceof DecodeError) throw new InvalidModule(e.message);
      throw e;
    }
    // ...and the engine for everything else.
    try {
      new WebAssembly.Module(bytes as BufferSource);
    } catch (e) {
      throw new InvalidModule(`fails validation: ${(e as Error).message.replace(/^WebAssembly\.Module\(\): /, '')}`);
    }
    throw new InvalidModule('fails validation');
  }
}
