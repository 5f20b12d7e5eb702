/**
 * env [-i] [-u NAME]... [NAME=VALUE]... [command [arg...]]: prints the environment (one NAME=VALUE
 * a line, in the environment's order), or runs the command with the changed environment and
 * exits with its status (127: not found, 126: could not run).
 */
import { getopt } from './lib/getopt.js';
import { osError, strerror, tool } from './lib/io.js';

export const env = tool(
  'env',
  async (t, args) => {
    const parsed = getopt(args, 'iu:', true);
    const operands = [...parsed.operands];
    let clear = false;
    if (operands[0] === '-') {
      clear = true;
      operands.shift();
    }
    const vars = new Map(t.p.env);
    for (const [letter, arg] of parsed.opts) {
      if (letter === 'i') clear = true;
      else vars.delete(arg);
    }
    if (clear) vars.clear();
    while (operands.length && /^[^=]+=/.test(operands[0]!)) {
      const assignment = operands.shift()!;
      const at = assignment.indexOf('=');
      vars.set(assignment.slice(0, at), assignment.slice(at + 1));
    }
    if (operands.length === 0) {
      for (const [name, value] of vars) await t.text(`${name}=${value}\n`);
      return 0;
    }
    await t.flush();
    let pid: number;
    try {
      pid = await t.p.spawn(operands, { env: vars });
    } catch (e) {
      await t.error(`'${operands[0]}': ${strerror(e)}`);
      return osError(e).code === 'ENOENT' ? 127 : 126;
    }
    return t.p.wait(pid);
  },
  125,
);
