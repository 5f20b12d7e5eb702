/**
 * The asyncify rewrite (binaryen's `asyncify` pass) that lets a WASI guest stop in the middle of
 * a blocking call and continue later: when a host call must wait, the guest's stack is unwound
 * into linear memory, the host awaits, then the stack is rewound and the call returns (./run.ts).
 *
 * Only the WASI imports that can wait on the guest OS are asyncify imports (ASYNCIFY_IMPORTS):
 * `fd_read` (stdin, an empty pipe), `fd_write` (stdout/stderr, a full pipe) and `poll_oneoff`
 * (waits for stdin). Every other import answers at once (files live in memory, clocks are
 * virtual, `sched_yield` has nobody to yield to inside one module, `proc_exit` throws), so the
 * pass leaves the paths that reach only them untouched, which keeps the rewrite's cost down.
 * Indirect calls are assumed to reach a blocking import (wasi-libc writes stdout through a
 * function pointer), as the pass does by default.
 *
 * binaryen (about 100 MB of wasm and JS) is imported only when a module is rewritten, and its
 * global options are set on every use so the output depends only on the input bytes and
 * ASYNCIFY_TRANSFORM.id (see ../prepare.ts: the id is part of the cache key).
 */
import { InvalidModule, type ModuleTransform } from '../prepare.js';

/** Imports that may block (module.name, as binaryen's `asyncify-imports` wants them). */
export const ASYNCIFY_IMPORTS = ['wasi_snapshot_preview1.fd_read', 'wasi_snapshot_preview1.fd_write', 'wasi_snapshot_preview1.poll_oneoff'] as const;

/** binaryen's version (package.json pins it; a test checks the two agree). */
export const BINARYEN_VERSION = '132.0.0';

/**
 * binaryen's optimisation level for the pass, which then cleans up its own additions. Measured on
 * determinism.wasm (3e6 iterations, 2026-11-23): level 0 ran 2.54× the fuel of direct mode (and
 * 2.2× the bytes), level 1 1.054×; levels 2 and 3 gave the same fuel as level 1.
 */
export const ASYNCIFY_OPTIMIZE_LEVEL = 1;

/** Bumped whenever the rewrite changes (options, imports, binaryen): it is part of the cache key. */
const REWRITE_VERSION = 1;

/**
 * Features binaryen may read and write: those the meter accepts (../meter/instrument.ts rejects
 * threads, exception handling, GC, memory64 and multiple memories).
 */
const FEATURE_NAMES = ['MutableGlobals', 'NontrappingFPToInt', 'SIMD128', 'BulkMemory', 'SignExt', 'TailCall', 'ReferenceTypes', 'Multivalue'] as const;

/** The exports the pass adds, which ./run.ts drives. */
export const ASYNCIFY_EXPORTS = ['asyncify_start_unwind', 'asyncify_stop_unwind', 'asyncify_start_rewind', 'asyncify_stop_rewind', 'asyncify_get_state'] as const;

type Binaryen = typeof import('binaryen').default;
let loading: Promise<Binaryen> | null = null;

function binaryen(): Promise<Binaryen> {
  loading ??= import('binaryen').then((m) => m.default);
  return loading;
}

/** Runs the asyncify pass on valid module bytes. Throws InvalidModule when binaryen cannot. */
export async function asyncify(bytes: Uint8Array): Promise<Uint8Array> {
  const b = await binaryen();
  let module: ReturnType<Binaryen['readBinary']> | null = null;
  try {
    const features = FEATURE_NAMES.reduce((f, name) => f | b.Features[name], b.Features.MVP);
    module = b.readBinary(bytes);
    module.setFeatures(features);
    // binaryen's options are process-wide: set every one the pass can read, every time.
    b.setOptimizeLevel(ASYNCIFY_OPTIMIZE_LEVEL);
    b.setShrinkLevel(0);
    b.setDebugInfo(false);
    b.setTrapsNeverHappen(false);
    b.setClosedWorld(false);
    b.setLowMemoryUnused(false);
    b.setZeroFilledMemory(false);
    b.setFastMath(false);
    b.setAlwaysInlineMaxSize(2);
    b.setFlexibleInlineMaxSize(20);
    b.clearPassArguments();
    b.clearPassesToSkip();
    b.setPassArgument('asyncify-imports', ASYNCIFY_IMPORTS.join(','));
    module.runPasses(['asyncify']);
    if (!module.validate()) throw new Error('binaryen produced an invalid module');
    return module.emitBinary();
  } catch (e) {
    if (e instanceof InvalidModule) throw e;
    throw new InvalidModule(`asyncify failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    module?.dispose();
    b.clearPassArguments();
  }
}

/** The transform for ModulePreparer.prepare. */
export const ASYNCIFY_TRANSFORM: ModuleTransform = {
  id: `asyncify${REWRITE_VERSION}-b${BINARYEN_VERSION}-O${ASYNCIFY_OPTIMIZE_LEVEL}`,
  apply: asyncify,
};
