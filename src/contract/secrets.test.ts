// The OutLayer contract on the devnet: encrypted secrets — the storage deposit (required figure,
// excess refunded, refunded on deletion), canonical repositories, profile and branch rules,
// the views, update_access, and every access-condition form stored canonically.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, NEAR, TGAS } from './node/harness.js';

const SEALED = Buffer.from('sealed-to-the-keystore:'.repeat(8)).toString('base64');
/** What one call's gas can cost at most: 300 Tgas at the devnet's 10^8 gas price. */
const GAS_BOUND = 300n * TGAS * 10n ** 8n;

describe('OutLayer contract: secrets', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    await h.createAccount('alice.test.near');
    await h.createAccount('bob.test.near');
  });
  after(async () => h[Symbol.asyncDispose]());

  const store = (signer: string, args: Record<string, unknown>, deposit = NEAR) =>
    h.call(signer, 'store_secrets', { encrypted_secrets_base64: SEALED, access: 'AllowAll', ...args }, { deposit });

  it('store_secrets: too small a deposit is rejected with the required figure; the excess is refunded', async () => {
    const args = { repo: 'git@github.com:alice/app.git', profile: 'default' };
    const estimate = BigInt(await h.view<string>('estimate_storage_cost', { ...args, owner: 'alice.test.near', encrypted_secrets_base64: SEALED, access: 'AllowAll' }));
    const short = await store('alice.test.near', args, 1n);
    const m = /^Insufficient storage deposit\. Required: (\d+) yoctoNEAR, attached: 1 yoctoNEAR$/.exec(short.error ?? '');
    assert.ok(m, short.error ?? 'accepted');
    const required = BigInt(m[1]!);
    assert.ok(required > 0n && required <= estimate, `${required} vs estimate ${estimate}`);
    assert.equal(await h.view('secrets_exist', { repo: 'https://github.com/alice/app', profile: 'default', owner: 'alice.test.near' }), false);
    // One yocto short of the figure is still refused; the figure itself is enough.
    assert.match((await store('alice.test.near', args, required - 1n)).error ?? '', /^Insufficient storage deposit/);
    const before = await h.balance('alice.test.near');
    const ok = await store('alice.test.near', args, 2n * NEAR);
    assert.equal(ok.error, null);
    assert.ok(ok.logs.includes(`Secrets stored: repo=https://github.com/alice/app, branch=None, profile=default, owner=alice.test.near, deposit=${required} yoctoNEAR`), ok.logs.join('\n'));
    const spent = before - (await h.balance('alice.test.near'));
    assert.ok(spent >= required && spent - required <= GAS_BOUND, `spent ${spent}, required ${required}`);
    const got = await h.view<Record<string, unknown>>('get_secrets', { repo: 'https://github.com/alice/app', profile: 'default', owner: 'alice.test.near' });
    assert.equal(got.encrypted_secrets, SEALED);
    assert.equal(got.access, 'AllowAll');
    assert.equal(got.storage_deposit, String(required));
    assert.equal(got.branch, null);
  });

  it('the repository is canonicalised the same way as for requests', async () => {
    for (const repo of ['https://github.com/alice/app', 'https://github.com/alice/app.git', 'https://github.com/alice/app/', 'http://github.com/alice/app', 'github.com/alice/app', 'git@github.com:alice/app.git']) {
      assert.equal(await h.view('secrets_exist', { repo, profile: 'default', owner: 'alice.test.near' }), true, repo);
    }
    assert.match((await store('alice.test.near', { repo: 'https://gitlab.com/alice/app', profile: 'p' })).error ?? '', /only GitHub repositories are supported/);
    assert.match((await store('alice.test.near', { repo: 'https://github.com/alice', profile: 'p' })).error ?? '', /missing repository name/);
    assert.equal((await store('alice.test.near', { repo: '  ', profile: 'p' })).error, 'Repository cannot be empty');
  });

  it('profile (≤ 64 of [A-Za-z0-9_-]) and branch (≤ 255) rules', async () => {
    const repo = 'github.com/alice/app';
    assert.equal((await store('alice.test.near', { repo, profile: '' })).error, 'Profile cannot be empty');
    assert.equal((await store('alice.test.near', { repo, profile: 'p'.repeat(65) })).error, 'Profile name too long (max 64 chars)');
    assert.equal((await store('alice.test.near', { repo, profile: 'a b' })).error, "Profile name must contain only A-Z, a-z, 0-9, '-' or '_', got 'a b'");
    assert.match((await store('alice.test.near', { repo, profile: 'café' })).error ?? '', /Profile name must contain only/);
    assert.equal((await store('alice.test.near', { repo, profile: 'p', branch: '' })).error, 'Branch name cannot be empty if provided');
    assert.equal((await store('alice.test.near', { repo, profile: 'p', branch: 'b'.repeat(256) })).error, 'Branch name too long (max 255 chars)');
    assert.equal((await store('alice.test.near', { repo, profile: 'p', encrypted_secrets_base64: '' })).error, 'Encrypted secrets cannot be empty');
    assert.equal((await store('alice.test.near', { repo, profile: 'p', encrypted_secrets_base64: '!!!' })).error, 'encrypted_secrets_base64 is not valid base64');
    assert.match((await store('alice.test.near', { repo, profile: 'p', colour: 'x' })).error ?? '', /store_secrets: unknown argument 'colour'/);
    assert.equal((await store('alice.test.near', { repo, profile: 'A-z_09'.padEnd(64, 'x'), branch: 'b'.repeat(255) })).error, null);
    assert.equal((await store('alice.test.near', { repo, profile: 'prod', branch: 'main' })).error, null);
  });

  it('list_user_secrets, secrets_exist, and get_secrets falling back to the all-branches profile', async () => {
    const list = await h.view<Array<Record<string, unknown>>>('list_user_secrets', { account_id: 'alice.test.near' });
    assert.deepEqual(list.map((s) => [s.repo, s.branch, s.profile]), [
      ['https://github.com/alice/app', null, 'default'],
      ['https://github.com/alice/app', 'b'.repeat(255), 'A-z_09'.padEnd(64, 'x')],
      ['https://github.com/alice/app', 'main', 'prod'],
    ]);
    assert.ok(list.every((s) => s.access === 'AllowAll' && BigInt(s.storage_deposit as string) > 0n));
    assert.deepEqual(await h.view('list_user_secrets', { account_id: 'bob.test.near' }), []);
    const q = { repo: 'github.com/alice/app', owner: 'alice.test.near' };
    assert.equal(await h.view('secrets_exist', { ...q, profile: 'prod', branch: 'main' }), true);
    assert.equal(await h.view('secrets_exist', { ...q, profile: 'prod', branch: 'dev' }), false);
    assert.equal(await h.view('secrets_exist', { ...q, profile: 'prod' }), false);
    // exact branch
    assert.equal((await h.view<Record<string, unknown>>('get_secrets', { ...q, profile: 'prod', branch: 'main' })).branch, 'main');
    // no 'prod' for branch dev nor for all branches
    assert.equal(await h.view('get_secrets', { ...q, profile: 'prod', branch: 'dev' }), null);
    // 'default' exists for all branches: any branch falls back to it
    const fallback = await h.view<Record<string, unknown>>('get_secrets', { ...q, profile: 'default', branch: 'feature/x' });
    assert.equal(fallback.branch, null);
    assert.equal(fallback.encrypted_secrets, SEALED);
    assert.equal(await h.view('get_secrets', { ...q, owner: 'bob.test.near', profile: 'default' }), null);
  });

  it('storing again updates in place; delete_secrets refunds the deposit and forgets the profile', async () => {
    const where = { repo: 'github.com/alice/app', profile: 'prod', branch: 'main' };
    const old = await h.view<Record<string, unknown>>('get_secrets', { ...where, owner: 'alice.test.near' });
    const again = await store('alice.test.near', { ...where, encrypted_secrets_base64: Buffer.from('v2').toString('base64') }, 0n);
    assert.equal(again.error, null, 'a smaller update is paid by the deposit already held');
    const updated = await h.view<Record<string, unknown>>('get_secrets', { ...where, owner: 'alice.test.near' });
    assert.equal(updated.encrypted_secrets, Buffer.from('v2').toString('base64'));
    assert.equal(updated.created_at, old.created_at);
    assert.ok(BigInt(updated.storage_deposit as string) < BigInt(old.storage_deposit as string));
    assert.match((await h.call('alice.test.near', 'delete_secrets', where, { deposit: 1n })).error ?? '', /^Method delete_secrets doesn't accept deposit$/);
    assert.equal((await h.call('bob.test.near', 'delete_secrets', where)).error, 'Secrets not found');
    const before = await h.balance('alice.test.near');
    const del = await h.call('alice.test.near', 'delete_secrets', where);
    assert.equal(del.error, null);
    assert.ok(del.logs.includes(`Secrets deleted: repo=https://github.com/alice/app, branch=main, profile=prod, refunded=${updated.storage_deposit} yoctoNEAR`), del.logs.join('\n'));
    const gained = (await h.balance('alice.test.near')) - before;
    const refund = BigInt(updated.storage_deposit as string);
    assert.ok(gained <= refund && refund - gained <= GAS_BOUND, `gained ${gained}, refund ${refund}`);
    assert.equal(await h.view('secrets_exist', { ...where, owner: 'alice.test.near' }), false);
    assert.equal((await h.view<unknown[]>('list_user_secrets', { account_id: 'alice.test.near' })).length, 2);
    assert.equal((await h.call('alice.test.near', 'delete_secrets', where)).error, 'Secrets not found');
  });

  it('a large profile: the deposit held comes back in full on deletion', async () => {
    const big = Buffer.alloc(30_000, 7).toString('base64');
    const where = { repo: 'github.com/bob/big', profile: 'big' };
    const before = await h.balance('bob.test.near');
    assert.equal((await store('bob.test.near', { ...where, encrypted_secrets_base64: big }, 5n * NEAR)).error, null);
    const held = BigInt((await h.view<Record<string, unknown>>('get_secrets', { ...where, owner: 'bob.test.near' })).storage_deposit as string);
    assert.ok(held > 40_000n * 10n ** 19n, String(held));
    const mid = await h.balance('bob.test.near');
    assert.ok(before - mid >= held && before - mid - held <= GAS_BOUND);
    assert.equal((await h.call('bob.test.near', 'delete_secrets', where)).error, null);
    const gained = (await h.balance('bob.test.near')) - mid;
    assert.ok(gained <= held && held - gained <= GAS_BOUND, `gained ${gained}, held ${held}`);
    assert.match((await store('bob.test.near', { ...where, encrypted_secrets_base64: Buffer.alloc(65_537).toString('base64') }, 10n * NEAR)).error ?? '', /^Encrypted secrets too large \(65537 bytes > 65536\)$/);
  });

  it('update_access: only for an existing profile, stored canonically', async () => {
    const where = { repo: 'github.com/alice/app', profile: 'default' };
    // A longer rule than the stored one: attach a deposit (the excess comes back).
    const res = await h.call('alice.test.near', 'update_access', { ...where, new_access: { Whitelist: { accounts: ['bob.test.near', 'carol.near', 'bob.test.near'] } } }, { deposit: NEAR / 100n });
    assert.equal(res.error, null);
    const got = await h.view<Record<string, unknown>>('get_secrets', { ...where, owner: 'alice.test.near' });
    assert.deepEqual(got.access, { Whitelist: { accounts: ['bob.test.near', 'carol.near'] } });
    assert.equal((await h.call('bob.test.near', 'update_access', { ...where, new_access: 'AllowAll' })).error, 'Secrets not found');
    assert.match((await h.call('alice.test.near', 'update_access', { ...where, new_access: { Whitelist: { accounts: [] } } })).error ?? '', /Whitelist\.accounts is empty/);
    // A longer rule needs more storage: without a deposit it is refused with the figures...
    const many = { Whitelist: { accounts: Array.from({ length: 100 }, (_, i) => `account-number-${i}.near`) } };
    assert.match((await h.call('alice.test.near', 'update_access', { ...where, new_access: many })).error ?? '', /^Insufficient deposit for update\. Required: \d+ yoctoNEAR, available \(attached 0 \+ old \d+\): \d+ yoctoNEAR$/);
    // The rejected updates left the rule as it was.
    assert.deepEqual((await h.view<Record<string, unknown>>('get_secrets', { ...where, owner: 'alice.test.near' })).access, { Whitelist: { accounts: ['bob.test.near', 'carol.near'] } });
    // ...and with one it is stored, the deposit held grows and the excess comes back.
    const held = BigInt((await h.view<Record<string, unknown>>('get_secrets', { ...where, owner: 'alice.test.near' })).storage_deposit as string);
    const before = await h.balance('alice.test.near');
    assert.equal((await h.call('alice.test.near', 'update_access', { ...where, new_access: many }, { deposit: NEAR })).error, null);
    const after = await h.view<Record<string, unknown>>('get_secrets', { ...where, owner: 'alice.test.near' });
    assert.deepEqual(after.access, many);
    const grew = BigInt(after.storage_deposit as string) - held;
    assert.ok(grew > 2_000n * 10n ** 19n, String(grew));
    const spent = before - (await h.balance('alice.test.near'));
    assert.ok(spent >= grew && spent - grew <= GAS_BOUND, `spent ${spent}, grew ${grew}`);
  });

  it('every access condition form is accepted and stored canonically; unsafe or malformed ones are rejected', async () => {
    const forms: Array<[unknown, unknown]> = [
      ['AllowAll', 'AllowAll'],
      [{ AllowAll: {} }, 'AllowAll'],
      [{ AllowAll: null }, 'AllowAll'],
      [{ Whitelist: { accounts: ['alice.near'] } }, { Whitelist: { accounts: ['alice.near'] } }],
      [{ AccountPattern: { pattern: '^[a-z0-9_-]+\\.gov\\.near$' } }, { AccountPattern: { pattern: '^[a-z0-9_-]+\\.gov\\.near$' } }],
      [{ NearBalance: { operator: 'Gte', value: '1000000000000000000000000' } }, { NearBalance: { operator: 'Gte', value: '1000000000000000000000000' } }],
      [{ NearBalance: { min: '0005' } }, { NearBalance: { operator: 'Gte', value: '5' } }],
      [{ FtBalance: { contract: 'usdt.near', operator: 'Gt', value: '0' } }, { FtBalance: { contract: 'usdt.near', operator: 'Gt', value: '0' } }],
      [{ NftOwned: { contract: 'nft.near' } }, { NftOwned: { contract: 'nft.near', token_id: null } }],
      [{ NftOwned: { contract: 'nft.near', token_id: '42' } }, { NftOwned: { contract: 'nft.near', token_id: '42' } }],
      [{ Logic: { operator: 'And', conditions: ['AllowAll', { Whitelist: { accounts: ['a.near'] } }] } }, { Logic: { operator: 'And', conditions: ['AllowAll', { Whitelist: { accounts: ['a.near'] } }] } }],
      [{ Logic: { Or: [{ NearBalance: { min: '1' } }, 'AllowAll'] } }, { Logic: { operator: 'Or', conditions: [{ NearBalance: { operator: 'Gte', value: '1' } }, 'AllowAll'] } }],
      [{ Not: { condition: { Whitelist: { accounts: ['evil.near'] } } } }, { Not: { condition: { Whitelist: { accounts: ['evil.near'] } } } }],
      [{ Not: 'AllowAll' }, { Not: { condition: 'AllowAll' } }],
    ];
    let i = 0;
    for (const [access, canonical] of forms) {
      const where = { repo: 'github.com/bob/rules', profile: `f${i++}` };
      const res = await store('bob.test.near', { ...where, access });
      assert.equal(res.error, null, JSON.stringify(access));
      assert.deepEqual((await h.view<Record<string, unknown>>('get_secrets', { ...where, owner: 'bob.test.near' })).access, canonical, JSON.stringify(access));
    }
    const bad: Array<[unknown, RegExp]> = [
      [{ AccountPattern: { pattern: '(a+)+' } }, /pattern/i],
      [{ AccountPattern: { pattern: '(a|a)*$' } }, /pattern/i],
      [{ AccountPattern: { pattern: '([' } }, /pattern/i],
      ['DenyAll', /unknown access condition 'DenyAll'/],
      [{ NearBalance: { operator: 'Gte', value: 5 } }, /must be a decimal string/],
      [{ NearBalance: { operator: 'Bigger', value: '5' } }, /operator 'Bigger' is not one of/],
      [{ FtBalance: { contract: 'Bad Contract', operator: 'Gt', value: '0' } }, /is not a valid NEAR account id/],
      [{ Logic: { operator: 'Xor', conditions: ['AllowAll'] } }, /Logic\.operator 'Xor' is not And or Or/],
      [{ Logic: { operator: 'And', conditions: [] } }, /Logic has 0 conditions/],
      [{ Whitelist: { accounts: ['a.near'] }, Not: 'AllowAll' }, /exactly one variant key/],
    ];
    for (const [access, message] of bad) {
      const res = await store('bob.test.near', { repo: 'github.com/bob/rules', profile: 'bad', access });
      assert.match(res.error ?? 'accepted', message, JSON.stringify(access));
    }
    assert.equal(await h.view('secrets_exist', { repo: 'github.com/bob/rules', profile: 'bad', owner: 'bob.test.near' }), false);
  });
});
