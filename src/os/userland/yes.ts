/**
 * yes [string...]: writes the line (default `y`) forever. It never stops by itself: a closed pipe
 * (SIGPIPE, or EPIPE when ignored) or the fuel budget ends it, as every write is charged.
 */
import { argBin, tool } from './lib/io.js';

/** Lines are written in batches of about this many bytes (one system call each). */
const BATCH = 8192;

export const yes = tool('yes', async (t, args) => {
  const line = `${args.length ? args.map(argBin).join(' ') : 'y'}\n`;
  const batch = line.repeat(Math.max(1, Math.floor(BATCH / line.length)));
  for (;;) await t.out(batch);
});
