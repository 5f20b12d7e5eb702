/**
 * The guest-side half of the NEAR host API: builds the frozen `near` object from the raw host
 * primitives (./near-host.ts). It runs inside the realm, so argument checks and conversions
 * (Uint8Array ↔ ArrayBuffer, u64 strings → BigInt) are metered guest work, and the host
 * primitives only ever see strings, numbers and ArrayBuffers.
 */
export const NEAR_SOURCE = String.raw`(function makeNear(h) {
  'use strict';
  // Host strings travel as C strings, which end at a NUL: a string holding U+0000 crosses as its
  // UTF-8 bytes (utf8 / fromUtf8 below), and the host answers such text the same way (txt).
  const utf8 = (s) => {
    const out = [];
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      else if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out).buffer;
  };
  const fromUtf8 = (ab) => {
    const b = new Uint8Array(ab);
    let s = '';
    for (let i = 0; i < b.length; ) {
      const x = b[i];
      let c = 0xfffd, n = 1;
      if (x < 0x80) c = x;
      else if (x >= 0xc2 && x < 0xe0 && (b[i + 1] & 0xc0) === 0x80) { c = ((x & 31) << 6) | (b[i + 1] & 63); n = 2; }
      else if (x >= 0xe0 && x < 0xf0 && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80) { c = ((x & 15) << 12) | ((b[i + 1] & 63) << 6) | (b[i + 2] & 63); n = 3; if (c < 0x800 || (c >= 0xd800 && c < 0xe000)) c = 0xfffd; }
      else if (x >= 0xf0 && x < 0xf5 && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80 && (b[i + 3] & 0xc0) === 0x80) { c = ((x & 7) << 18) | ((b[i + 1] & 63) << 12) | ((b[i + 2] & 63) << 6) | (b[i + 3] & 63); n = 4; if (c < 0x10000 || c > 0x10ffff) c = 0xfffd; }
      s += String.fromCodePoint(c);
      i += n;
    }
    return s;
  };
  const str = (s) => (s.indexOf('\0') < 0 ? s : utf8(s));
  const txt = (r) => (r === null || typeof r === 'string' ? r : fromUtf8(r));
  const toWire = (v, what) => {
    if (typeof v === 'string') return str(v);
    if (v instanceof Uint8Array) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
    if (v instanceof ArrayBuffer) return v.slice(0);
    throw new TypeError(what + ' must be a string or a Uint8Array');
  };
  const bytes = (ab) => (ab === null ? null : new Uint8Array(ab));
  const u128 = (v, what) => {
    if (v === undefined) return '0';
    if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string') {
      const b = BigInt(v);
      if (b < 0n || b >= (1n << 128n)) throw new RangeError(what + ' must fit in an unsigned 128-bit integer');
      return b.toString();
    }
    throw new TypeError(what + ' must be a bigint, number or decimal string');
  };
  return {
    storageRead: (key) => (typeof key === 'string' && key.indexOf('\0') < 0 ? txt(h.storageReadText(key)) : txt(h.storageRead(toWire(key, 'key'), 1))),
    storageReadBytes: (key) => bytes(h.storageRead(toWire(key, 'key'), 0)),
    storageWrite: (key, value) => h.storageWrite(toWire(key, 'key'), toWire(value, 'value')),
    storageRemove: (key) => h.storageRemove(toWire(key, 'key')),
    storageHasKey: (key) => h.storageHasKey(toWire(key, 'key')),
    currentAccountId: () => h.context(0),
    signerAccountId: () => h.context(1),
    predecessorAccountId: () => h.context(2),
    blockTimestamp: () => BigInt(h.context(3)),
    blockHeight: () => BigInt(h.context(4)),
    attachedDeposit: () => BigInt(h.context(5)),
    accountBalance: () => BigInt(h.context(6)),
    storageUsage: () => BigInt(h.context(7)),
    ed25519Verify: (signature, message, publicKey) => h.ed25519Verify(toWire(signature, 'signature'), toWire(message, 'message'), toWire(publicKey, 'publicKey')),
    randomSeed: () => bytes(h.randomSeed()),
    log: (...args) => { h.log(str(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '))); },
    sha256: (data) => bytes(h.hash(toWire(data, 'data'), 0)),
    keccak256: (data) => bytes(h.hash(toWire(data, 'data'), 1)),
    input: () => txt(h.input()),
    valueReturn: (value) => { h.valueReturn(toWire(value, 'value')); },
    panic: (message) => { h.panic(message === undefined ? '' : str(String(message))); throw new Error('near.panic'); },
    promiseCreate: (accountId, methodName, args, amount, gas) =>
      BigInt(h.promise(-1, String(accountId), String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(amount, 'amount'), u128(gas, 'gas'))),
    promiseThen: (promiseIndex, accountId, methodName, args, amount, gas) =>
      BigInt(h.promise(Number(promiseIndex), String(accountId), String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(amount, 'amount'), u128(gas, 'gas'))),
    promiseAnd: (...promiseIndices) => BigInt(h.promiseAnd(promiseIndices.map((i) => String(Number(i))).join(','))),
    promiseBatchCreate: (accountId) => BigInt(h.promiseBatch(-1, String(accountId))),
    promiseBatchThen: (promiseIndex, accountId) => BigInt(h.promiseBatch(Number(promiseIndex), String(accountId))),
    promiseBatchActionFunctionCall: (promiseIndex, methodName, args, amount, gas) => {
      h.promiseActionFunctionCall(Number(promiseIndex), String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(amount, 'amount'), u128(gas, 'gas'), '0');
    },
    promiseBatchActionFunctionCallWeight: (promiseIndex, methodName, args, amount, gas, weight) => {
      h.promiseActionFunctionCall(Number(promiseIndex), String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(amount, 'amount'), u128(gas, 'gas'), u128(weight, 'weight'));
    },
    promiseBatchActionTransfer: (promiseIndex, amount) => { h.promiseActionTransfer(Number(promiseIndex), u128(amount, 'amount')); },
    promiseBatchActionCreateAccount: (promiseIndex) => { h.promiseActionCreateAccount(Number(promiseIndex)); },
    promiseBatchActionDeployContract: (promiseIndex, code) => { h.promiseActionDeployContract(Number(promiseIndex), toWire(code, 'code')); },
    promiseBatchActionAddKeyWithFullAccess: (promiseIndex, publicKey, nonce) => {
      h.promiseActionAddKey(Number(promiseIndex), String(publicKey), u128(nonce, 'nonce'), 0, '', '', '');
    },
    promiseBatchActionAddKeyWithFunctionCall: (promiseIndex, publicKey, nonce, allowance, receiverId, methodNames) => {
      const a = allowance === null || allowance === undefined ? '0' : u128(allowance, 'allowance');
      const methods = Array.isArray(methodNames) ? methodNames.map(String).join(',') : methodNames === undefined || methodNames === null ? '' : String(methodNames);
      h.promiseActionAddKey(Number(promiseIndex), String(publicKey), u128(nonce, 'nonce'), 1, a === '0' ? '' : a, String(receiverId), methods);
    },
    promiseBatchActionDeleteKey: (promiseIndex, publicKey) => { h.promiseActionDeleteKey(Number(promiseIndex), String(publicKey)); },
    promiseBatchActionDeleteAccount: (promiseIndex, beneficiaryId) => { h.promiseActionDeleteAccount(Number(promiseIndex), String(beneficiaryId)); },
    promiseYieldCreate: (methodName, args, gas, gasWeight) => {
      const i = h.promiseYieldCreate(String(methodName), toWire(args === undefined ? '' : args, 'args'), u128(gas, 'gas'), u128(gasWeight, 'gasWeight'));
      return Object.freeze({ promiseIndex: BigInt(i), dataId: bytes(h.yieldDataId(i)) });
    },
    promiseYieldResume: (dataId, payload) => h.promiseYieldResume(toWire(dataId, 'dataId'), toWire(payload === undefined ? '' : payload, 'payload')),
    promiseReturn: (promiseIndex) => { h.promiseReturn(Number(promiseIndex)); },
    promiseResultsCount: () => h.promiseResultsCount(),
    promiseResult: (i) => txt(h.promiseResult(Number(i), 1)),
    promiseResultBytes: (i) => bytes(h.promiseResult(Number(i), 0)),
  };
})`;
