import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountIdType, checkCreateAccount, isSubAccountOf, isTopLevelAccountId, isValidAccountId, validateAccountId } from './account-id.js';

// The valid/invalid tables of the near-account-id crate's tests, plus NEAR-specific forms.
const VALID = [
  'aa',
  'a-a',
  'a-aa',
  '100',
  '0o',
  'com',
  'near',
  'bowen',
  'b-o_w_e-n',
  'b.owen',
  'bro.wen',
  'a.ha',
  'a.b-a.ra',
  'system',
  'over.9000',
  'google.com',
  'illia.cheapaccounts.near',
  '0o0ooo00oo00o',
  'alex-skidanov',
  '10-4.8-2',
  'b-o_w_e-n',
  'no_lols',
  '0123456789012345678901234567890123456789012345678901234567890123',
  'test.near',
  'alice.test.near',
  '0x' + 'ab'.repeat(20),
  'a'.repeat(64),
];

const INVALID: Array<[string, string]> = [
  ['', 'too_short'],
  ['a', 'too_short'],
  ['A', 'too_short'],
  ['Abc', 'invalid_char'],
  ['-near', 'redundant_separator'],
  ['near-', 'redundant_separator'],
  ['jakarta_', 'redundant_separator'],
  ['_jakarta', 'redundant_separator'],
  ['a..near', 'redundant_separator'],
  ['a-_b', 'redundant_separator'],
  ['a.-b', 'redundant_separator'],
  ['.near', 'redundant_separator'],
  ['near.', 'redundant_separator'],
  ['a b', 'invalid_char'],
  ['a@b', 'invalid_char'],
  ['öbb.near', 'invalid_char'],
  ['alice.Near', 'invalid_char'],
  ['0123456789012345678901234567890123456789012345678901234567890123a', 'too_long'],
  ['a'.repeat(65), 'too_long'],
];

describe('validateAccountId', () => {
  it('accepts the valid table', () => {
    for (const id of VALID) assert.equal(validateAccountId(id), null, id);
  });

  it('rejects the invalid table, with the reason', () => {
    for (const [id, kind] of INVALID) {
      assert.equal(validateAccountId(id)?.kind, kind, id);
      assert.equal(isValidAccountId(id), false, id);
    }
  });

  it('words errors as the near-account-id crate does', () => {
    assert.equal(validateAccountId('Abc')?.message, "the Account ID contains an invalid character 'A' at index 0");
    assert.equal(validateAccountId('a..b')?.message, "the Account ID has a redundant separator '.' at index 2");
    assert.equal(validateAccountId('ab_')?.message, "the Account ID has a redundant separator '_' at index 2");
    assert.equal(validateAccountId('x')?.message, 'the Account ID is too short');
  });
});

describe('account kinds', () => {
  it('tells implicit accounts from named ones', () => {
    assert.equal(accountIdType('a'.repeat(64)), 'near-implicit');
    assert.equal(accountIdType('0123456789abcdef'.repeat(4)), 'near-implicit');
    assert.equal(accountIdType('0x' + 'ab'.repeat(20)), 'eth-implicit');
    assert.equal(accountIdType('0x' + 'ab'.repeat(19)), 'named');
    assert.equal(accountIdType('g'.repeat(64)), 'named');
    assert.equal(accountIdType('alice.near'), 'named');
  });

  it('top-level ids have no dot', () => {
    assert.ok(isTopLevelAccountId('near'));
    assert.ok(isTopLevelAccountId('a'.repeat(64)));
    assert.ok(!isTopLevelAccountId('test.near'));
    assert.ok(!isTopLevelAccountId('system'));
  });

  it('sub-accounts are direct children only', () => {
    assert.ok(isSubAccountOf('alice.test.near', 'test.near'));
    assert.ok(isSubAccountOf('test.near', 'near'));
    assert.ok(!isSubAccountOf('a.alice.test.near', 'test.near'));
    assert.ok(!isSubAccountOf('test.near', 'test.near'));
    assert.ok(!isSubAccountOf('malicetest.near', 'test.near'));
    assert.ok(!isSubAccountOf('.test.near', 'test.near'));
    assert.ok(!isSubAccountOf('near', 'near'));
  });
});

describe('checkCreateAccount (who may create an account)', () => {
  it('a parent creates its direct sub-accounts, nobody else does', () => {
    assert.equal(checkCreateAccount('alice.test.near', 'test.near'), null);
    assert.deepEqual(checkCreateAccount('alice.test.near', 'bob.test.near'), {
      CreateAccountNotAllowed: { account_id: 'alice.test.near', predecessor_id: 'bob.test.near' },
    });
    assert.deepEqual(checkCreateAccount('a.alice.test.near', 'test.near'), {
      CreateAccountNotAllowed: { account_id: 'a.alice.test.near', predecessor_id: 'test.near' },
    });
    assert.equal(checkCreateAccount('bob.near', 'near'), null);
  });

  it('short top-level accounts need the registrar; long ones do not', () => {
    assert.deepEqual(checkCreateAccount('short', 'test.near'), {
      CreateAccountOnlyByRegistrar: { account_id: 'short', registrar_account_id: 'registrar', predecessor_id: 'test.near' },
    });
    assert.equal(checkCreateAccount('short', 'registrar'), null);
    assert.equal(checkCreateAccount('a-very-long-top-level-account-name-00', 'anyone.near'), null);
    assert.equal(checkCreateAccount('short', 'root', { registrarAccountId: 'root', minTopLevelLength: 32 }), null);
  });

  it('implicit accounts are never created by CreateAccount', () => {
    const hex = 'ab'.repeat(32);
    assert.deepEqual(checkCreateAccount(hex, 'test.near'), { OnlyImplicitAccountCreationAllowed: { account_id: hex } });
    assert.deepEqual(checkCreateAccount('0x' + 'cd'.repeat(20), 'registrar'), { OnlyImplicitAccountCreationAllowed: { account_id: '0x' + 'cd'.repeat(20) } });
  });
});
