/**
 * Sends each WASI call that names a descriptor to the mount calls (./calls-mount.ts,
 * ./calls-mount-path.ts) when that descriptor is a mount's, and to the in-memory calls otherwise.
 * Installed only for a run that has mounts, so a run without them makes exactly the calls (and
 * spends exactly the fuel) it always did.
 */
import type { SyscallTable, WasiContext } from './context.js';
import { mountFdCalls } from './calls-mount.js';
import { mountPathCalls } from './calls-mount-path.js';

/** For each routed call, the positions of its descriptor arguments. */
const FD_ARGS: Readonly<Record<string, readonly number[]>> = {
  fd_advise: [0],
  fd_allocate: [0],
  fd_datasync: [0],
  fd_fdstat_get: [0],
  fd_fdstat_set_flags: [0],
  fd_filestat_get: [0],
  fd_filestat_set_size: [0],
  fd_filestat_set_times: [0],
  fd_pread: [0],
  fd_prestat_dir_name: [0],
  fd_prestat_get: [0],
  fd_pwrite: [0],
  fd_read: [0],
  fd_readdir: [0],
  fd_seek: [0],
  fd_sync: [0],
  fd_tell: [0],
  fd_write: [0],
  path_create_directory: [0],
  path_filestat_get: [0],
  path_filestat_set_times: [0],
  path_link: [0, 4],
  path_open: [0],
  path_readlink: [0],
  path_remove_directory: [0],
  path_rename: [0, 3],
  path_symlink: [2],
  path_unlink_file: [0],
};

export function withMounts(base: SyscallTable, ctx: WasiContext): SyscallTable {
  const mounted: SyscallTable = { ...mountFdCalls(ctx), ...mountPathCalls(ctx) };
  const isMount = (fd: unknown): boolean => {
    const kind = typeof fd === 'number' ? ctx.fds.find(fd)?.kind : undefined;
    return kind === 'mount-dir' || kind === 'mount-file';
  };
  const out: SyscallTable = { ...base };
  for (const [name, positions] of Object.entries(FD_ARGS)) {
    const inMemory = base[name];
    const onMount = mounted[name];
    if (!inMemory || !onMount) throw new Error(`mount routing: no ${name}`);
    out[name] = (...args: unknown[]) => (positions.some((i) => isMount(args[i])) ? onMount(...args) : inMemory(...args));
  }
  return out;
}
