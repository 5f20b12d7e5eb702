// The L3/L4 conformance suite against the in-thread JS runtime.
import { after, describe, it } from 'node:test';
import { normalizeOptions } from '../sandbox/options.js';
import { ModulePreparer } from '../sandbox/prepare.js';
import { JS_CASES, type RunJs } from './conformance/cases.js';
import { nodeQuickJsSource } from './node/source.js';
import { JsRuntime } from './runtime.js';

const js = new JsRuntime({ source: nodeQuickJsSource, preparer: new ModulePreparer() });
const run: RunJs = async (source, options = {}) => {
  const { entry, ...rest } = options;
  const { state: _state, ...result } = await js.run(source, normalizeOptions(rest), { entry });
  return result;
};

describe('conformance: in-thread JS runtime', () => {
  after(() => js.dispose());
  for (const c of JS_CASES) it(c.name, () => c.run(run));
});
