// The OutLayer contract on the devnet: what request_execution accepts and how it stores it —
// every spelling of a GitHub repository, build paths, limits and argument names — and what it
// rejects, with the message the caller sees.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, NEAR } from './node/harness.js';

const DEPOSIT = NEAR / 50n;

describe('OutLayer contract: request validation', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
  });
  after(async () => h[Symbol.asyncDispose]());

  /** Makes a request that must be accepted; returns the stored request. */
  async function accepted(codeSource: unknown, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const r = await h.request('alice.test.near', { code_source: codeSource, ...extra }, DEPOSIT);
    assert.ok(r.requestId >= 0, `rejected: ${r.error}`);
    return h.view<Record<string, unknown>>('get_request', { request_id: r.requestId });
  }
  /** Makes a request that must be rejected; returns the panic text, checking nothing was stored. */
  async function rejected(args: Record<string, unknown>): Promise<string> {
    const count = await h.view<number>('get_request_count');
    const res = await h.call('alice.test.near', 'request_execution', args, { deposit: DEPOSIT });
    assert.notEqual(res.error, null, `accepted: ${JSON.stringify(args)}`);
    assert.equal(await h.view('get_request_count'), count);
    return res.error!;
  }

  it('every spelling of a GitHub repository is stored as https://github.com/<owner>/<repo>', async () => {
    const forms = ['https://github.com/u/r', 'https://github.com/u/r.git', 'https://github.com/u/r/', 'http://github.com/u/r', 'github.com/u/r', 'git@github.com:u/r.git', 'HTTPS://GitHub.com/u/r', 'ssh://git@github.com/u/r.git'];
    for (const repo of forms) {
      const req = await accepted({ repo, commit: 'main' });
      assert.deepEqual(req.code_source, { repo: 'https://github.com/u/r', commit: 'main', build_target: 'wasm32-wasip1', build_path: null }, repo);
    }
    // The reference's tagged form too, and owner/repo case is kept.
    const tagged = await accepted({ GitHub: { repo: 'github.com/Near/Core', commit: 'abc123', build_target: 'wasm32-wasi' } });
    assert.deepEqual(tagged.code_source, { repo: 'https://github.com/Near/Core', commit: 'abc123', build_target: 'wasm32-wasip1', build_path: null });
  });

  it('the execution_requested event carries the canonical repository', async () => {
    const r = await h.request('alice.test.near', { code_source: { repo: 'git@github.com:u/r.git', commit: 'main' } }, DEPOSIT);
    const ev = r.events.find((e) => e.event === 'execution_requested')!;
    assert.equal((ev.data.code_source as Record<string, unknown>).repo, 'https://github.com/u/r');
    assert.equal((JSON.parse(ev.data.request_data as string) as { code_source: { repo: string } }).code_source.repo, 'https://github.com/u/r');
  });

  it('rejects repositories that are not exactly an owner and a repository on github.com', async () => {
    const cases: Array<[string, RegExp]> = [
      ['https://gitlab.com/u/r', /^only GitHub repositories are supported, got host 'gitlab\.com'$/],
      ['https://github.com.evil.com/u/r', /only GitHub repositories are supported/],
      ['git@bitbucket.org:u/r.git', /only GitHub repositories are supported, got host 'bitbucket\.org'/],
      ['https://github.com/u', /^invalid repository 'https:\/\/github\.com\/u': missing repository name \(expected github\.com\/<owner>\/<repo>\)$/],
      ['github.com/u/', /missing repository name/],
      ['https://github.com/', /missing owner and repository name/],
      ['https://github.com/u//r', /^invalid repository 'https:\/\/github\.com\/u\/\/r': empty path segment$/],
      ['https://github.com//u/r', /empty path segment/],
      ['https://github.com/u/r/tree/main', /extra path segments/],
      ['https://user:pw@github.com/u/r', /credentials are not allowed/],
      ['ftp://github.com/u/r', /unsupported scheme 'ftp'/],
      ['https://github.com:8443/u/r', /a port is not allowed/],
      ['https://github.com/u/r?x=1', /must not contain a query or fragment/],
      ['https://github.com/-u/r', /owner '-u' must be 1-39 letters/],
      ['https://github.com/u/..', /repository name '\.\.' must be/],
      ['https://github.com/u/.git', /must not be only '\.git'/],
      ['', /repository must not be empty/],
    ];
    for (const [repo, message] of cases) {
      assert.match(await rejected({ code_source: { repo, commit: 'main' } }), message, repo);
    }
  });

  it('build_path: normalised (\\ to /, trailing / dropped), Unicode kept; escapes from the checkout rejected', async () => {
    const repo = 'https://github.com/u/r';
    const stored = async (p: string) => ((await accepted({ repo, commit: 'main', build_path: p })).code_source as Record<string, unknown>).build_path;
    assert.equal(await stored('contracts\\token\\'), 'contracts/token');
    assert.equal(await stored('src/café/模块'), 'src/café/模块');
    assert.equal(await stored('a/b/'), 'a/b');
    assert.equal(await stored('v1.2/x..y'), 'v1.2/x..y');
    const cases: Array<[string, RegExp]> = [
      ['', /^build path must not be empty$/],
      ['/etc/passwd', /^build path must be relative: '\/etc\/passwd'$/],
      ['C:\\x', /build path must be relative/],
      ['.github/workflows', /^build path must not start with '\.' \(a hidden folder or '\.\/'\): '\.github\/workflows'$/],
      ['./src', /must not start with '\.'/],
      ['src/../../etc', /^build path must not contain '\.\.' segments: 'src\/\.\.\/\.\.\/etc'$/],
      ['..', /must not contain '\.\.' segments/],
      ['src\\..\\..\\etc', /must not contain '\.\.' segments/],
      ['%2e%2e%2fetc', /^build path must not contain '\.\.' segments \(after percent-decoding\): '%2e%2e%2fetc'$/],
      ['src/%2E%2E/x', /'\.\.' segments \(after percent-decoding\)/],
      ['..%252fetc', /^build path must not contain '\.\.' segments \(after percent-decoding\): '\.\.%252fetc'$/],
      ['src/./x', /must not contain '\.' segments/],
      ['src//x', /must not contain empty segments/],
      ['src/\u0001x', /must not contain control characters/],
      ['a'.repeat(513), /build path must be at most 512 characters/],
    ];
    for (const [p, message] of cases) {
      assert.match(await rejected({ code_source: { repo, commit: 'main', build_path: p } }), message, JSON.stringify(p));
    }
  });

  it('commits and artifacts: stored canonically, bad ones rejected', async () => {
    const art = await accepted({ artifact: { sha256: 'AB'.repeat(32), kind: 'js', url: 'ipfs://bafy' } });
    assert.deepEqual(art.code_source, { artifact: { sha256: 'ab'.repeat(32), kind: 'js', url: 'ipfs://bafy' } });
    const wasmUrl = await accepted({ WasmUrl: { url: 'https://x.example/a.wasm', hash: 'e'.repeat(64) } });
    assert.deepEqual(wasmUrl.code_source, { artifact: { sha256: 'e'.repeat(64), kind: 'wasm', url: 'https://x.example/a.wasm' } });
    const cases: Array<[unknown, RegExp]> = [
      [{ repo: 'github.com/u/r', commit: '--upload-pack=x' }, /commit must not start with '-'/],
      [{ repo: 'github.com/u/r', commit: 'main..evil' }, /commit must not contain '\.\.'/],
      [{ repo: 'github.com/u/r', commit: '' }, /commit must not be empty/],
      [{ repo: 'github.com/u/r' }, /requires 'commit'/],
      [{ repo: 'github.com/u/r', commit: 'main', build_target: 'x86' }, /unsupported build_target 'x86'/],
      [{ repo: 'github.com/u/r', commit: 'main', branch: 'x' }, /branch/],
      [{ artifact: { sha256: 'z'.repeat(64), kind: 'wasm' } }, /code_source\.artifact\.sha256 must be 64 hexadecimal characters/],
      [{ artifact: { sha256: 'a'.repeat(64), kind: 'exe' } }, /code_source\.artifact\.kind must be 'wasm', 'js' or 'sh'/],
      [{ artifact: { sha256: 'a'.repeat(64), kind: 'wasm', url: 'file:///etc/passwd' } }, /must start with https:\/\/, http:\/\/, ipfs:\/\/ or ar:\/\//],
      [{ repo: 'github.com/u/r', commit: 'main', artifact: { sha256: 'a'.repeat(64), kind: 'wasm' } }, /either 'repo' or 'artifact', not both/],
      [{}, /code_source requires 'repo' and 'commit', or 'artifact'/],
    ];
    for (const [cs, message] of cases) assert.match(await rejected({ code_source: cs }), message, JSON.stringify(cs));
  });

  it('arguments: unknown names, limits over the caps, input_data, response_format, payer and secrets_ref are checked', async () => {
    const cs = { artifact: { sha256: 'a'.repeat(64), kind: 'wasm' } };
    assert.match(await rejected({ code_source: cs, resource_limit: { max_instructions: 1 } }), /^request_execution: unknown argument 'resource_limit' \(expected code_source, resource_limits, input_data, secrets_ref, response_format, payer_account_id\)$/);
    assert.match(await rejected({ resource_limits: {} }), /^request_execution: missing argument 'code_source'$/);
    assert.match(await rejected({ code_source: cs, resource_limits: { max_instructions: 500_000_000_001 } }), /Requested max_instructions 500000000001 exceeds hard limit of 500000000000/);
    assert.match(await rejected({ code_source: cs, resource_limits: { max_memory_mb: 4097 } }), /Requested max_memory_mb 4097 exceeds hard limit of 4096/);
    assert.match(await rejected({ code_source: cs, resource_limits: { max_execution_seconds: -1 } }), /max_execution_seconds/);
    assert.match(await rejected({ code_source: cs, response_format: 'Xml' }), /^response_format must be "Text", "Json" or "Bytes", got "Xml"$/);
    assert.match(await rejected({ code_source: cs, input_data: 5 }), /^input_data must be a string, got 5$/);
    assert.match(await rejected({ code_source: cs, payer_account_id: 'Not Valid' }), /^payer_account_id 'Not Valid' is not a valid account id/);
    assert.match(await rejected({ code_source: cs, secrets_ref: { profile: 'bad profile!', account_id: 'alice.test.near' } }), /Profile name must contain only/);
    assert.match(await rejected({ code_source: cs, secrets_ref: { profile: 'p' } }), /missing argument 'account_id'/);
    const ok = await accepted(cs, { resource_limits: { max_memory_mb: 256 }, input_data: 'héllo', response_format: 'Json', secrets_ref: { profile: 'prod', account_id: 'alice.test.near' } });
    assert.deepEqual(ok.resource_limits, { max_instructions: 1_000_000_000, max_memory_mb: 256, max_execution_seconds: 60 });
    assert.equal(ok.input_data, 'héllo');
    assert.equal(ok.response_format, 'Json');
    assert.deepEqual(ok.secrets_ref, { profile: 'prod', account_id: 'alice.test.near' });
  });
});
