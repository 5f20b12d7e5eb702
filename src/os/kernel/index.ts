/** The guest kernel (L2): see docs/os.md. */
export { Kernel, PROGRAM_MAGIC } from './kernel.js';
export type { KernelErrorKind, KernelOptions, RunOptions, RunResult } from './kernel.js';
export { DEFAULT_QUOTA_BYTES, ENTRY_OVERHEAD, MAX_NAME, MAX_PATH, Vfs } from './vfs.js';
export type { VfsImage, VfsOptions } from './vfs.js';
export { SNAPSHOT_FORMAT } from './snapshot.js';
export type { SnapshotDir, SnapshotFile, SnapshotNode, VfsSnapshot } from './snapshot.js';
export { DEFAULT_PIPE_CAPACITY } from './pipe.js';
