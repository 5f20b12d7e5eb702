/** tee [-ai] [file...]: copies stdin to stdout and to each file (-a: append; -i: accepted, no-op). */
import { getopt, has } from './lib/getopt.js';
import { osError, strerror, tool } from './lib/io.js';

export const tee = tool('tee', async (t, args) => {
  const parsed = getopt(args, 'ai');
  const append = has(parsed, 'a');
  let status = 0;
  const fds: Array<{ fd: number; name: string }> = [];
  for (const name of parsed.operands) {
    try {
      fds.push({ fd: await t.p.open(name, { write: true, create: true, truncate: !append, append }), name });
    } catch (e) {
      await t.error(`${name}: ${strerror(e)}`);
      status = 1;
    }
  }
  for await (const chunk of t.chunks(0)) {
    await t.out(chunk);
    await t.flush(); // tee passes data on as it comes
    for (const f of [...fds]) {
      try {
        await t.p.write(f.fd, chunk);
      } catch (e) {
        osError(e);
        await t.error(`${f.name}: ${strerror(e)}`);
        fds.splice(fds.indexOf(f), 1);
        status = 1;
      }
    }
  }
  for (const f of fds) t.p.close(f.fd);
  return status;
});
