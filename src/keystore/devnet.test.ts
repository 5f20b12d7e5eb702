// Secrets end to end on the devnet: sealed by a client, stored with store_secrets through
// near-api-js, and opened by the keystore only for requesters its access condition admits —
// every condition granted and refused, balances and tokens read from real devnet contracts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { actions } from 'near-api-js';
import { OutlayerError } from '../errors.js';
import { CONTRACT_ID, Harness, NEAR, TGAS } from '../contract/node/harness.js';
import { Keystore } from './keystore.js';
import { sealSecrets } from './seal.js';

const REPO = 'https://github.com/alice/app';
const FT = `
export function ft_balance_of({ account_id }) { return near.storageRead('b:' + account_id) ?? '0'; }
export function set_balance({ account_id, amount }) { near.storageWrite('b:' + account_id, amount); }`;
const NFT = `
export function nft_tokens_for_owner({ account_id }) { const t = near.storageRead('o:' + account_id); return t ? [{ token_id: t, owner_id: account_id }] : []; }
export function nft_token({ token_id }) { const o = near.storageRead('t:' + token_id); return o ? { token_id, owner_id: o } : null; }
export function mint({ token_id, owner_id }) { near.storageWrite('t:' + token_id, owner_id); near.storageWrite('o:' + owner_id, token_id); }`;

describe('keystore × OutLayer contract on the devnet', () => {
  let h: Harness;
  let ks: Keystore;
  let dir: string;
  let n = 0;

  before(async () => {
    h = await Harness.start();
    dir = mkdtempSync(join(tmpdir(), 'keystore-devnet-'));
    ks = Keystore.open({ dataDir: dir, rpcUrl: h.server.url, contractId: CONTRACT_ID });
    await h.createAccount('alice.test.near');
    await h.createAccount('bob.test.near', 50n * NEAR);
    await h.createAccount('carol.test.near', 2n * NEAR);
    await h.createAccount('mallory.test.near');
    for (const [id, code] of [['ft.test.near', FT], ['nft.test.near', NFT]] as const) {
      await h.root.signAndSendTransaction({ receiverId: id, actions: [actions.createAccount(), actions.transfer(5n * NEAR), actions.deployContract(new TextEncoder().encode(code))] });
    }
    const fc = (receiverId: string, method: string, args: unknown) =>
      h.root.signAndSendTransaction({ receiverId, actions: [actions.functionCall(method, new TextEncoder().encode(JSON.stringify(args)), 30n * TGAS, 0n)] });
    await fc('ft.test.near', 'set_balance', { account_id: 'bob.test.near', amount: '150' });
    await fc('nft.test.near', 'mint', { token_id: 't1', owner_id: 'bob.test.near' });
  });
  after(async () => {
    ks.dispose();
    await h[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  /** alice stores {API_KEY} under a fresh profile with `access`; returns the profile. */
  async function store(access: unknown): Promise<string> {
    const profile = `p${n++}`;
    const sealed = sealSecrets(ks.publicKey(), { owner: 'alice.test.near', repo: REPO, branch: null, profile }, { API_KEY: `key-${profile}` });
    const r = await h.call('alice.test.near', 'store_secrets', { repo: 'github.com/alice/app', profile, encrypted_secrets_base64: sealed, access }, { deposit: NEAR });
    assert.equal(r.error, null);
    return profile;
  }
  const open = (profile: string, requester: string) => ks.secretsFor({ owner: 'alice.test.near', repo: REPO, branch: null, profile, requester });
  async function refused(profile: string, requester: string): Promise<void> {
    await assert.rejects(open(profile, requester), (e: unknown) => e instanceof OutlayerError && e.code === 'secrets_access_denied' && !e.message.includes('key-'));
  }

  const cases: Array<[string, unknown, string, string | null]> = [
    // [name, access, a requester it grants, one it refuses (null: none can be)]
    ['AllowAll', 'AllowAll', 'carol.test.near', null],
    ['Whitelist', { Whitelist: { accounts: ['bob.test.near'] } }, 'bob.test.near', 'carol.test.near'],
    ['AccountPattern (whole id)', { AccountPattern: { pattern: '[a-z]+\\.test\\.near' } }, 'bob.test.near', 'x.bob.test.near'],
    ['NearBalance', { NearBalance: { operator: 'Gte', value: String(40n * NEAR) } }, 'bob.test.near', 'carol.test.near'],
    ['NearBalance {min}', { NearBalance: { min: String(40n * NEAR) } }, 'bob.test.near', 'carol.test.near'],
    ['FtBalance', { FtBalance: { contract: 'ft.test.near', operator: 'Gte', value: '100' } }, 'bob.test.near', 'carol.test.near'],
    ['NftOwned (any token)', { NftOwned: { contract: 'nft.test.near' } }, 'bob.test.near', 'carol.test.near'],
    ['NftOwned (token t1)', { NftOwned: { contract: 'nft.test.near', token_id: 't1' } }, 'bob.test.near', 'carol.test.near'],
    ['Logic And', { Logic: { operator: 'And', conditions: [{ Whitelist: { accounts: ['bob.test.near', 'carol.test.near'] } }, { NearBalance: { operator: 'Gte', value: String(40n * NEAR) } }] } }, 'bob.test.near', 'carol.test.near'],
    ['Logic Or', { Logic: { Or: [{ Whitelist: { accounts: ['carol.test.near'] } }, { FtBalance: { contract: 'ft.test.near', operator: 'Gt', value: '149' } }] } }, 'carol.test.near', 'mallory.test.near'],
    ['Not', { Not: { condition: { Whitelist: { accounts: ['carol.test.near'] } } } }, 'bob.test.near', 'carol.test.near'],
  ];
  for (const [name, access, granted, refusedTo] of cases) {
    it(`${name}: granted to ${granted}${refusedTo ? `, refused to ${refusedTo}` : ''}`, async () => {
      const profile = await store(access);
      assert.deepEqual(await open(profile, granted), { API_KEY: `key-${profile}` });
      if (refusedTo) await refused(profile, refusedTo);
    });
  }

  it('update_access changes who may open them', async () => {
    const profile = await store({ Whitelist: { accounts: ['bob.test.near'] } });
    await refused(profile, 'carol.test.near');
    const change = { repo: REPO, profile, new_access: { Whitelist: { accounts: ['carol.test.near'] } } };
    // A longer rule occupies more bytes: without a deposit the update is refused, with one it is paid for.
    assert.match((await h.call('alice.test.near', 'update_access', change)).error ?? '', /Insufficient deposit for update/);
    assert.equal((await h.call('alice.test.near', 'update_access', change, { deposit: NEAR / 100n })).error, null);
    assert.deepEqual(await open(profile, 'carol.test.near'), { API_KEY: `key-${profile}` });
    await refused(profile, 'bob.test.near');
  });

  it("a ciphertext copied into another owner's profile does not open (it is bound to where it was sealed)", async () => {
    const profile = await store({ Whitelist: { accounts: ['bob.test.near'] } });
    const stolen = await h.view<{ encrypted_secrets: string }>('get_secrets', { repo: REPO, profile, owner: 'alice.test.near' });
    const r = await h.call('mallory.test.near', 'store_secrets', { repo: REPO, profile, encrypted_secrets_base64: stolen.encrypted_secrets, access: 'AllowAll' }, { deposit: NEAR });
    assert.equal(r.error, null);
    await assert.rejects(ks.secretsFor({ owner: 'mallory.test.near', repo: REPO, branch: null, profile, requester: 'mallory.test.near' }), (e: unknown) => e instanceof OutlayerError && e.code === 'secrets_decrypt_failed');
  });

  it('unknown profiles are secrets_not_found; deleted ones too', async () => {
    const profile = await store('AllowAll');
    assert.equal((await h.call('alice.test.near', 'delete_secrets', { repo: REPO, profile })).error, null);
    await assert.rejects(open(profile, 'bob.test.near'), (e: unknown) => e instanceof OutlayerError && e.code === 'secrets_not_found');
  });
});
