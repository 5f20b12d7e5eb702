/**
 * WASI preview1 records that more than one family of calls writes into guest memory: the
 * `fdstat` of fd_fdstat_get and the `dirent` stream of fd_readdir (in-memory directories in
 * calls-io.ts, mounts in calls-mount.ts). One layout, one place.
 */
import type { WasiContext } from './context.js';
import type { GuestMemory } from './memory.js';

/** Bytes of a dirent header: d_next u64, d_ino u64, d_namlen u32, d_type u8, padding. */
export const DIRENT_SIZE = 24;

const encoder = new TextEncoder();

/** One directory entry whose successor has cookie `next`. */
export interface Dirent {
  next: bigint;
  ino: bigint;
  name: string;
  filetype: number;
}

/**
 * fd_readdir's answer: packs `entries` (pulled lazily, in cookie order) into the guest buffer
 * (buf, len) — the last record cut at the end of the buffer, so a full buffer tells the guest
 * to call again — charges the bytes and writes the count to `out`.
 */
export function writeDirents(ctx: WasiContext, mem: GuestMemory, entries: Iterable<Dirent>, buf: number, len: number, out: number): void {
  const chunks: Uint8Array[] = [];
  let used = 0;
  for (const e of entries) {
    if (used >= len) break;
    const nameBytes = encoder.encode(e.name);
    const record = new Uint8Array(DIRENT_SIZE + nameBytes.length);
    const view = new DataView(record.buffer);
    view.setBigUint64(0, e.next, true);
    view.setBigUint64(8, e.ino, true);
    view.setUint32(16, nameBytes.length, true);
    view.setUint8(20, e.filetype);
    record.set(nameBytes, DIRENT_SIZE);
    const take = Math.min(record.length, len - used);
    chunks.push(record.subarray(0, take));
    used += take;
  }
  ctx.chargeBytes(used);
  let at = buf >>> 0;
  for (const c of chunks) {
    mem.write(at, c);
    at += c.length;
  }
  mem.setU32(out, used);
}

/** fd_fdstat_get's 24-byte record. */
export function writeFdstat(mem: GuestMemory, out: number, filetype: number, entry: { flags: number; rightsBase: bigint | number; rightsInheriting: bigint | number }): void {
  mem.range(out, 24);
  mem.setU8(out, filetype);
  mem.setU8(out + 1, 0);
  mem.setU16(out + 2, entry.flags);
  mem.setU32(out + 4, 0);
  mem.setU64(out + 8, entry.rightsBase);
  mem.setU64(out + 16, entry.rightsInheriting);
}
