/** cat [-u] [file...]: concatenates files ('-' or none: stdin) to stdout, streaming. */
import { getopt } from './lib/getopt.js';
import { tool } from './lib/io.js';

export const cat = tool('cat', async (t, args) => {
  const { operands } = getopt(args, 'u'); // -u (unbuffered) is the POSIX default here
  return t.eachInput(operands, async (fd) => {
    for await (const chunk of t.chunks(fd)) await t.out(chunk);
  });
});
