import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessKind, accessToJson, evaluateAccess, explainAccess, matchesAccountPattern, parseAccessCondition, type AccessChain, type AccessCondition } from './access.js';
import { ContractError } from './errors.js';

/** A fake chain: balances and NFT ownership from tables; records every lookup. */
function fakeChain(): AccessChain & { calls: string[] } {
  const near: Record<string, bigint> = { 'alice.near': 10n ** 24n, 'bob.near': 5n };
  const ft: Record<string, bigint> = { 'usdt.near/alice.near': 100n };
  const nft: Record<string, string[]> = { 'nft.near/alice.near': ['1', '7'] };
  const calls: string[] = [];
  return {
    calls,
    async nearBalance(id) {
      calls.push(`near:${id}`);
      if (id === 'boom.near') throw new Error('rpc down');
      return near[id] ?? null;
    },
    async ftBalance(contract, id) {
      calls.push(`ft:${contract}:${id}`);
      return ft[`${contract}/${id}`] ?? (contract === 'usdt.near' ? 0n : null);
    },
    async nftOwned(contract, id, tokenId) {
      calls.push(`nft:${contract}:${id}:${tokenId}`);
      const owned = nft[`${contract}/${id}`] ?? [];
      return tokenId === null ? owned.length > 0 : owned.includes(tokenId);
    },
  };
}

const check = async (rule: unknown, id: string, expected: boolean): Promise<void> => {
  assert.equal(await evaluateAccess(parseAccessCondition(rule), id, fakeChain()), expected, `${JSON.stringify(rule)} for ${id}`);
};

describe('parseAccessCondition: canonical forms round-trip', () => {
  const canonical: unknown[] = [
    'AllowAll',
    { Whitelist: { accounts: ['alice.near', 'bob.near'] } },
    { AccountPattern: { pattern: '.*\\.gov\\.near' } },
    { NearBalance: { operator: 'Gte', value: '1000000000000000000000000' } },
    { FtBalance: { contract: 'usdt.near', operator: 'Gt', value: '0' } },
    { NftOwned: { contract: 'nft.near', token_id: null } },
    { NftOwned: { contract: 'nft.near', token_id: '7' } },
    { Logic: { operator: 'And', conditions: ['AllowAll', { Not: { condition: 'AllowAll' } }] } },
    { Not: { condition: { Whitelist: { accounts: ['eve.near'] } } } },
  ];
  for (const c of canonical) it(JSON.stringify(c), () => assert.deepEqual(accessToJson(parseAccessCondition(c)), c));
});

describe('parseAccessCondition: alternative spellings are normalised', () => {
  const cases: [unknown, AccessCondition][] = [
    [{ AllowAll: {} }, 'AllowAll'],
    [{ AllowAll: null }, 'AllowAll'],
    [{ NearBalance: { min: '5' } }, { NearBalance: { operator: 'Gte', value: '5' } }],
    [{ Logic: { And: ['AllowAll'] } }, { Logic: { operator: 'And', conditions: ['AllowAll'] } }],
    [{ Logic: { Or: ['AllowAll'] } }, { Logic: { operator: 'Or', conditions: ['AllowAll'] } }],
    [{ Not: 'AllowAll' }, { Not: { condition: 'AllowAll' } }],
    [{ Not: { Whitelist: { accounts: ['a.near'] } } }, { Not: { condition: { Whitelist: { accounts: ['a.near'] } } } }],
    [{ NftOwned: { contract: 'nft.near' } }, { NftOwned: { contract: 'nft.near', token_id: null } }],
    [{ Whitelist: { accounts: ['b.near', 'a.near', 'b.near'] } }, { Whitelist: { accounts: ['b.near', 'a.near'] } }],
    [{ FtBalance: { contract: 'usdt.near', operator: 'Eq', value: '007' } }, { FtBalance: { contract: 'usdt.near', operator: 'Eq', value: '7' } }],
  ];
  for (const [input, out] of cases) it(JSON.stringify(input), () => assert.deepEqual(parseAccessCondition(input), out));
});

describe('parseAccessCondition: errors name the offending value', () => {
  const nest = (n: number): unknown => (n === 0 ? 'AllowAll' : { Not: nest(n - 1) });
  const errors: [string, unknown, RegExp][] = [
    ['unknown string variant', 'DenyAll', /unknown access condition 'DenyAll'/],
    ['unknown object variant', { Everyone: {} }, /unknown access condition 'Everyone'/],
    ['two variant keys', { AllowAll: {}, Not: 'AllowAll' }, /exactly one variant key/],
    ['number', 42, /got a number 42/],
    ['array', ['AllowAll'], /got an array/],
    ['AllowAll with fields', { AllowAll: { x: 1 } }, /AllowAll takes no fields/],
    ['Whitelist unknown key', { Whitelist: { accounts: ['a.near'], extra: 1 } }, /unknown key 'extra'/],
    ['Whitelist missing accounts', { Whitelist: {} }, /missing 'accounts'/],
    ['Whitelist not array', { Whitelist: { accounts: 'a.near' } }, /must be an array/],
    ['Whitelist empty', { Whitelist: { accounts: [] } }, /empty/],
    ['Whitelist too long', { Whitelist: { accounts: Array.from({ length: 101 }, (_, i) => `a${i}.near`) } }, /101 entries/],
    ['Whitelist invalid id', { Whitelist: { accounts: ['Alice.near'] } }, /'Alice\.near' is not a valid NEAR account id/],
    ['Whitelist body not object', { Whitelist: 'a.near' }, /Whitelist must be an object/],
    ['pattern not string', { AccountPattern: { pattern: 1 } }, /must be a string/],
    ['unsafe pattern', { AccountPattern: { pattern: '(a+)+' } }, /unsafe AccountPattern/],
    ['pattern unknown key', { AccountPattern: { pattern: 'a', flags: 'i' } }, /unknown key 'flags'/],
    ['NearBalance number', { NearBalance: { operator: 'Gte', value: 5 } }, /decimal string \(U128\), got a number 5/],
    ['NearBalance not decimal', { NearBalance: { operator: 'Gte', value: '1e24' } }, /'1e24' is not a decimal amount/],
    ['NearBalance negative', { NearBalance: { operator: 'Gte', value: '-1' } }, /'-1' is not a decimal amount/],
    ['NearBalance 2^128', { NearBalance: { operator: 'Gte', value: (1n << 128n).toString() } }, /does not fit in a U128/],
    ['NearBalance bad operator', { NearBalance: { operator: 'Ge', value: '1' } }, /operator 'Ge'/],
    ['NearBalance min and operator', { NearBalance: { min: '1', operator: 'Gte' } }, /unknown key 'operator'/],
    ['NearBalance missing value', { NearBalance: { operator: 'Gte' } }, /missing 'value'/],
    ['FtBalance bad contract', { FtBalance: { contract: 'USDT', operator: 'Gte', value: '1' } }, /'USDT' is not a valid/],
    ['NftOwned bad token_id', { NftOwned: { contract: 'nft.near', token_id: 7 } }, /token_id must be null or a string/],
    ['NftOwned empty token_id', { NftOwned: { contract: 'nft.near', token_id: '' } }, /token_id/],
    ['Logic bad operator', { Logic: { operator: 'Xor', conditions: ['AllowAll'] } }, /'Xor' is not And or Or/],
    ['Logic empty', { Logic: { operator: 'And', conditions: [] } }, /0 conditions/],
    ['Logic too many', { Logic: { operator: 'Or', conditions: Array(17).fill('AllowAll') } }, /17 conditions/],
    ['Logic not array', { Logic: { And: 'AllowAll' } }, /must be an array/],
    ['Logic unknown key', { Logic: { And: ['AllowAll'], Or: ['AllowAll'] } }, /unknown key 'Or'/],
    ['Not unknown key', { Not: { condition: 'AllowAll', x: 1 } }, /unknown key 'x'/],
    ['too deep', nest(8), /deeper than 8/],
    ['too many nodes', { Logic: { operator: 'Or', conditions: Array(16).fill({ Logic: { Or: Array(4).fill('AllowAll') } }) } }, /more than 64/],
  ];
  for (const [name, input, why] of errors) {
    it(name, () => assert.throws(() => parseAccessCondition(input), (e: unknown) => e instanceof ContractError && why.test(e.message)));
  }
  it('accepts exactly the limits (depth 8, 64 nodes)', () => {
    assert.doesNotThrow(() => parseAccessCondition(nest(7)));
    assert.doesNotThrow(() => parseAccessCondition({ Logic: { operator: 'Or', conditions: [...Array(15).fill({ Logic: { Or: Array(3).fill('AllowAll') } }), { Not: { Not: 'AllowAll' } }] } }));
  });
});

describe('evaluateAccess', () => {
  it('AllowAll grants anyone', () => check('AllowAll', 'eve.near', true));
  it('Whitelist grants listed, refuses others', async () => {
    await check({ Whitelist: { accounts: ['alice.near'] } }, 'alice.near', true);
    await check({ Whitelist: { accounts: ['alice.near'] } }, 'alice.near.evil.near', false);
  });
  it('AccountPattern must match the whole account id', async () => {
    await check({ AccountPattern: { pattern: '.*\\.gov\\.near' } }, 'tax.gov.near', true);
    await check({ AccountPattern: { pattern: '.*\\.gov\\.near' } }, 'x.gov.near.evil.near', false);
    await check({ AccountPattern: { pattern: 'alice|bob' } }, 'alice.near', false);
    assert.equal(matchesAccountPattern('alice|bob', 'bob'), true);
  });
  it('NearBalance compares actual OP value; missing accounts are refused', async () => {
    const rule = (operator: string, value: string) => ({ NearBalance: { operator, value } });
    await check(rule('Gte', '5'), 'bob.near', true);
    await check(rule('Gt', '5'), 'bob.near', false);
    await check(rule('Lte', '5'), 'bob.near', true);
    await check(rule('Lt', '5'), 'bob.near', false);
    await check(rule('Eq', '5'), 'bob.near', true);
    await check(rule('Ne', '5'), 'bob.near', false);
    await check(rule('Gte', '0'), 'ghost.near', false);
    await check({ NearBalance: { min: '1000000000000000000000000' } }, 'alice.near', true);
  });
  it('FtBalance reads ft_balance_of on the named contract', async () => {
    await check({ FtBalance: { contract: 'usdt.near', operator: 'Gte', value: '100' } }, 'alice.near', true);
    await check({ FtBalance: { contract: 'usdt.near', operator: 'Gt', value: '0' } }, 'bob.near', false);
    await check({ FtBalance: { contract: 'none.near', operator: 'Gte', value: '0' } }, 'alice.near', false);
  });
  it('NftOwned with and without token_id', async () => {
    await check({ NftOwned: { contract: 'nft.near', token_id: null } }, 'alice.near', true);
    await check({ NftOwned: { contract: 'nft.near', token_id: '7' } }, 'alice.near', true);
    await check({ NftOwned: { contract: 'nft.near', token_id: '8' } }, 'alice.near', false);
    await check({ NftOwned: { contract: 'nft.near' } }, 'bob.near', false);
  });
  it('Not negates', async () => {
    await check({ Not: { Whitelist: { accounts: ['eve.near'] } } }, 'alice.near', true);
    await check({ Not: { Whitelist: { accounts: ['eve.near'] } } }, 'eve.near', false);
  });
  it('Logic And/Or short-circuit in order', async () => {
    const chain = fakeChain();
    const and = parseAccessCondition({ Logic: { And: [{ Whitelist: { accounts: ['x.near'] } }, { NearBalance: { min: '0' } }] } });
    assert.equal(await evaluateAccess(and, 'alice.near', chain), false);
    assert.deepEqual(chain.calls, []);
    const or = parseAccessCondition({ Logic: { Or: ['AllowAll', { NearBalance: { min: '0' } }] } });
    assert.equal(await evaluateAccess(or, 'alice.near', chain), true);
    assert.deepEqual(chain.calls, []);
    await check({ Logic: { And: [{ NearBalance: { min: '1' } }, { NftOwned: { contract: 'nft.near' } }] } }, 'alice.near', true);
    await check({ Logic: { Or: [{ NearBalance: { min: '100' } }, { NftOwned: { contract: 'nft.near' } }] } }, 'bob.near', false);
  });
  it('chain errors propagate', async () => {
    await assert.rejects(evaluateAccess(parseAccessCondition({ NearBalance: { min: '1' } }), 'boom.near', fakeChain()), /rpc down/);
  });
  it('rejects an invalid requester', async () => {
    await assert.rejects(evaluateAccess('AllowAll', 'Not An Id', fakeChain()), ContractError);
  });
  it('explainAccess names the top-level rule that failed', async () => {
    const rule = parseAccessCondition({ Logic: { And: ['AllowAll', { Whitelist: { accounts: ['x.near'] } }] } });
    assert.deepEqual(await explainAccess(rule, 'alice.near', fakeChain()), { granted: false, reason: 'condition 2 of 2 (Whitelist) of the top-level Logic(And) rule is not met' });
    assert.equal((await explainAccess({ Whitelist: { accounts: ['x.near'] } }, 'alice.near', fakeChain())).reason, 'the top-level Whitelist rule is not met');
    assert.equal(accessKind({ Logic: { operator: 'Or', conditions: ['AllowAll'] } }), 'Logic(Or)');
  });
});
