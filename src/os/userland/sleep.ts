/** sleep NUMBER[smhd]...: waits the sum of the intervals in virtual time (fractions allowed). */
import { UsageError, tool } from './lib/io.js';

const UNIT: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const sleep = tool('sleep', async (t, args) => {
  const operands = args[0] === '--' ? args.slice(1) : args;
  if (operands.length === 0) throw new UsageError('missing operand');
  let ms = 0;
  for (const arg of operands) {
    const m = /^\+?(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(arg);
    if (!m) throw new UsageError(`invalid time interval '${arg}'`);
    ms += Number(m[1]) * UNIT[m[2]!]!;
  }
  await t.p.sleep(ms);
  return 0;
});
