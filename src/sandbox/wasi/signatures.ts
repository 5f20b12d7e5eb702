/**
 * The allowlist: every wasi_snapshot_preview1 function with its exact core-wasm signature
 * (witx `wasi_snapshot_preview1.witx` lowered to wasm types). The Wasi class exposes exactly these
 * names, and a module importing anything else from the WASI module, or one of these with another
 * signature, should be rejected before it runs.
 */

export type WasmValType = 'i32' | 'i64';
export interface WasiSignature {
  readonly params: readonly WasmValType[];
  readonly results: readonly 'i32'[];
}

const fn = (...params: WasmValType[]): WasiSignature => Object.freeze({ params: Object.freeze(params), results: Object.freeze(['i32'] as const) });

// A null-prototype object, so a lookup like WASI_SIGNATURES['toString'] is undefined, never inherited.
export const WASI_SIGNATURES: Readonly<Record<string, WasiSignature>> = Object.freeze(Object.assign(Object.create(null) as Record<string, WasiSignature>, {
  args_get: fn('i32', 'i32'),
  args_sizes_get: fn('i32', 'i32'),
  environ_get: fn('i32', 'i32'),
  environ_sizes_get: fn('i32', 'i32'),
  clock_res_get: fn('i32', 'i32'),
  clock_time_get: fn('i32', 'i64', 'i32'),
  fd_advise: fn('i32', 'i64', 'i64', 'i32'),
  fd_allocate: fn('i32', 'i64', 'i64'),
  fd_close: fn('i32'),
  fd_datasync: fn('i32'),
  fd_fdstat_get: fn('i32', 'i32'),
  fd_fdstat_set_flags: fn('i32', 'i32'),
  fd_fdstat_set_rights: fn('i32', 'i64', 'i64'),
  fd_filestat_get: fn('i32', 'i32'),
  fd_filestat_set_size: fn('i32', 'i64'),
  fd_filestat_set_times: fn('i32', 'i64', 'i64', 'i32'),
  fd_pread: fn('i32', 'i32', 'i32', 'i64', 'i32'),
  fd_prestat_get: fn('i32', 'i32'),
  fd_prestat_dir_name: fn('i32', 'i32', 'i32'),
  fd_pwrite: fn('i32', 'i32', 'i32', 'i64', 'i32'),
  fd_read: fn('i32', 'i32', 'i32', 'i32'),
  fd_readdir: fn('i32', 'i32', 'i32', 'i64', 'i32'),
  fd_renumber: fn('i32', 'i32'),
  fd_seek: fn('i32', 'i64', 'i32', 'i32'),
  fd_sync: fn('i32'),
  fd_tell: fn('i32', 'i32'),
  fd_write: fn('i32', 'i32', 'i32', 'i32'),
  path_create_directory: fn('i32', 'i32', 'i32'),
  path_filestat_get: fn('i32', 'i32', 'i32', 'i32', 'i32'),
  path_filestat_set_times: fn('i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32'),
  path_link: fn('i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'),
  path_open: fn('i32', 'i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32', 'i32'),
  path_readlink: fn('i32', 'i32', 'i32', 'i32', 'i32', 'i32'),
  path_remove_directory: fn('i32', 'i32', 'i32'),
  path_rename: fn('i32', 'i32', 'i32', 'i32', 'i32', 'i32'),
  path_symlink: fn('i32', 'i32', 'i32', 'i32', 'i32'),
  path_unlink_file: fn('i32', 'i32', 'i32'),
  poll_oneoff: fn('i32', 'i32', 'i32', 'i32'),
  proc_exit: Object.freeze({ params: Object.freeze(['i32'] as const), results: Object.freeze([] as const) }),
  proc_raise: fn('i32'),
  sched_yield: fn(),
  random_get: fn('i32', 'i32'),
  sock_accept: fn('i32', 'i32', 'i32'),
  sock_recv: fn('i32', 'i32', 'i32', 'i32', 'i32', 'i32'),
  sock_send: fn('i32', 'i32', 'i32', 'i32', 'i32'),
  sock_shutdown: fn('i32', 'i32'),
}));

/** The preview1 function names, in the order above. */
export const WASI_FUNCTIONS: readonly string[] = Object.freeze(Object.keys(WASI_SIGNATURES));
