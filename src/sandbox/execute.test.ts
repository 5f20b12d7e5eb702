// The L1 conformance suite against the in-thread executor (no pool, no timeout).
import { describe, it } from 'node:test';
import { repoFile } from '../testing/repo.js';
import { CASES, type Run } from './conformance/cases.js';
import { executeWasm } from './execute.js';
import { normalizeOptions } from './options.js';
import { ModulePreparer } from './prepare.js';

const preparer = new ModulePreparer();
const run: Run = (file, options) => executeWasm(preparer, typeof file === 'string' ? repoFile(file) : file, normalizeOptions(options));

describe('conformance: in-thread executor', () => {
  // The wall-clock backstop needs a thread to terminate: the pool's suite covers it.
  for (const c of CASES.filter((c) => !c.needsTimeout)) it(c.name, () => c.run(run));
});
