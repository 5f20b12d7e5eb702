/**
 * What the frozen realm may hold: for each intrinsic, the own properties it keeps. Lockdown walks
 * the global object and the hidden intrinsics and deletes every property not listed here (SES
 * `permits.js`, reduced to names). `@@name` stands for the well-known symbol `Symbol.name`; a
 * property keyed by any other symbol is always removed.
 *
 * An object is named by the path that first reaches it from the global (`Array.prototype`) or,
 * for intrinsics no global property leads to, by its spec name (`%TypedArray%`). A function with
 * no entry keeps only `length` and `name`; any other object with no entry fails lockdown, so a new
 * engine version cannot slip an unreviewed object in.
 *
 * Kept: ECMAScript 2025, Annex B, and the later proposals the engine ships that are deterministic
 * (Error.isError, Math.sumPrecise, RegExp.escape, Iterator.concat, Map/WeakMap getOrInsert).
 * Gone: everything that observes time, garbage collection, shared memory or the host
 * (SharedArrayBuffer, WeakRef, FinalizationRegistry, Function.prototype.fileName, …).
 */

const FUNCTION = 'length name';
const CONSTRUCTOR = `${FUNCTION} prototype`;
const ERROR_PROTOTYPE = 'constructor message name';
const TYPED_ARRAY = `${CONSTRUCTOR} BYTES_PER_ELEMENT`;
const TYPED_ARRAY_PROTOTYPE = 'constructor BYTES_PER_ELEMENT';
const ITERATOR_PROTOTYPE = 'next @@toStringTag';

/** Globals the guest sees. The realm's own additions (console, crypto, harden, queueMicrotask) are here too. */
const GLOBALS = [
  // Values and functions (ECMA-262 §19.1, §19.2, Annex B.2.1).
  'globalThis Infinity NaN undefined eval isFinite isNaN parseFloat parseInt',
  'decodeURI decodeURIComponent encodeURI encodeURIComponent escape unescape',
  // Constructors and namespaces (§19.3, §19.4).
  'AggregateError Array ArrayBuffer BigInt BigInt64Array BigUint64Array Boolean DataView Date Error',
  'EvalError Float16Array Float32Array Float64Array Function Int8Array Int16Array Int32Array Iterator',
  'Map Number Object Promise Proxy RangeError ReferenceError RegExp Set String Symbol SyntaxError',
  'TypeError Uint8Array Uint8ClampedArray Uint16Array Uint32Array URIError WeakMap WeakSet',
  'JSON Math Reflect',
  // Added by lockdown.
  'console crypto harden queueMicrotask',
].join(' ');

export const PERMITS: Readonly<Record<string, string>> = {
  globalThis: GLOBALS,

  Object: `${CONSTRUCTOR} assign create defineProperties defineProperty entries freeze fromEntries getOwnPropertyDescriptor getOwnPropertyDescriptors getOwnPropertyNames getOwnPropertySymbols getPrototypeOf groupBy hasOwn is isExtensible isFrozen isSealed keys preventExtensions seal setPrototypeOf values`,
  'Object.prototype':
    'constructor hasOwnProperty isPrototypeOf propertyIsEnumerable toLocaleString toString valueOf __proto__ __defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__',

  Function: CONSTRUCTOR,
  'Function.prototype': `${FUNCTION} apply bind call constructor toString caller arguments @@hasInstance`,

  Error: `${CONSTRUCTOR} isError`,
  'Error.prototype': `${ERROR_PROTOTYPE} toString`,
  EvalError: CONSTRUCTOR,
  'EvalError.prototype': ERROR_PROTOTYPE,
  RangeError: CONSTRUCTOR,
  'RangeError.prototype': ERROR_PROTOTYPE,
  ReferenceError: CONSTRUCTOR,
  'ReferenceError.prototype': ERROR_PROTOTYPE,
  SyntaxError: CONSTRUCTOR,
  'SyntaxError.prototype': ERROR_PROTOTYPE,
  TypeError: CONSTRUCTOR,
  'TypeError.prototype': ERROR_PROTOTYPE,
  URIError: CONSTRUCTOR,
  'URIError.prototype': ERROR_PROTOTYPE,
  AggregateError: CONSTRUCTOR,
  'AggregateError.prototype': ERROR_PROTOTYPE,
  // QuickJS throws InternalError (stack overflow, out of memory, interrupted): off the global,
  // but reachable through a caught error, so it is walked and hardened like the others.
  '%InternalError%': CONSTRUCTOR,
  '%InternalError%.prototype': ERROR_PROTOTYPE,

  Array: `${CONSTRUCTOR} from fromAsync isArray of @@species`,
  'Array.prototype':
    'length at concat constructor copyWithin entries every fill filter find findIndex findLast findLastIndex flat flatMap forEach includes indexOf join keys lastIndexOf map pop push reduce reduceRight reverse shift slice some sort splice toLocaleString toReversed toSorted toSpliced toString unshift values with @@iterator @@unscopables',
  'Array.prototype.@@unscopables':
    'at copyWithin entries fill find findIndex findLast findLastIndex flat flatMap includes keys toReversed toSorted toSpliced values',

  Number: `${CONSTRUCTOR} EPSILON MAX_SAFE_INTEGER MAX_VALUE MIN_SAFE_INTEGER MIN_VALUE NaN NEGATIVE_INFINITY POSITIVE_INFINITY isFinite isInteger isNaN isSafeInteger parseFloat parseInt`,
  'Number.prototype': 'constructor toExponential toFixed toLocaleString toPrecision toString valueOf',
  Boolean: CONSTRUCTOR,
  'Boolean.prototype': 'constructor toString valueOf',
  BigInt: `${CONSTRUCTOR} asIntN asUintN`,
  'BigInt.prototype': 'constructor toLocaleString toString valueOf @@toStringTag',
  Symbol: `${CONSTRUCTOR} for keyFor asyncIterator hasInstance isConcatSpreadable iterator match matchAll replace search species split toPrimitive toStringTag unscopables`,
  'Symbol.prototype': 'constructor description toString valueOf @@toPrimitive @@toStringTag',

  String: `${CONSTRUCTOR} fromCharCode fromCodePoint raw`,
  'String.prototype':
    'length at charAt charCodeAt codePointAt concat constructor endsWith includes indexOf isWellFormed lastIndexOf localeCompare match matchAll normalize padEnd padStart repeat replace replaceAll search slice split startsWith substring toLocaleLowerCase toLocaleUpperCase toLowerCase toString toUpperCase toWellFormed trim trimEnd trimStart valueOf @@iterator ' +
    // Annex B.2.2
    'substr anchor big blink bold fixed fontcolor fontsize italics link small strike sub sup trimLeft trimRight',
  RegExp: `${CONSTRUCTOR} escape @@species`,
  'RegExp.prototype':
    'constructor dotAll exec flags global hasIndices ignoreCase multiline source sticky test toString unicode unicodeSets compile @@match @@matchAll @@replace @@search @@split',

  Math: 'E LN10 LN2 LOG10E LOG2E PI SQRT1_2 SQRT2 abs acos acosh asin asinh atan atan2 atanh cbrt ceil clz32 cos cosh exp expm1 f16round floor fround hypot imul log log10 log1p log2 max min pow random round sign sin sinh sqrt sumPrecise tan tanh trunc @@toStringTag',
  JSON: 'parse stringify @@toStringTag',
  Reflect:
    'apply construct defineProperty deleteProperty get getOwnPropertyDescriptor getPrototypeOf has isExtensible ownKeys preventExtensions set setPrototypeOf @@toStringTag',
  Proxy: `${FUNCTION} revocable`,

  // Replaced by lockdown: the clock is the block timestamp and local time is UTC.
  Date: `${CONSTRUCTOR} UTC now parse`,
  'Date.prototype':
    'constructor getDate getDay getFullYear getHours getMilliseconds getMinutes getMonth getSeconds getTime getTimezoneOffset getUTCDate getUTCDay getUTCFullYear getUTCHours getUTCMilliseconds getUTCMinutes getUTCMonth getUTCSeconds setDate setFullYear setHours setMilliseconds setMinutes setMonth setSeconds setTime setUTCDate setUTCFullYear setUTCHours setUTCMilliseconds setUTCMinutes setUTCMonth setUTCSeconds toDateString toISOString toJSON toLocaleDateString toLocaleString toLocaleTimeString toString toTimeString toUTCString valueOf @@toPrimitive ' +
    // Annex B.2.3
    'getYear setYear toGMTString',

  Promise: `${CONSTRUCTOR} all allSettled any race reject resolve try withResolvers @@species`,
  'Promise.prototype': 'catch constructor finally then @@toStringTag',

  Map: `${CONSTRUCTOR} groupBy @@species`,
  'Map.prototype':
    'clear constructor delete entries forEach get getOrInsert getOrInsertComputed has keys set size values @@iterator @@toStringTag',
  Set: `${CONSTRUCTOR} @@species`,
  'Set.prototype':
    'add clear constructor delete difference entries forEach has intersection isDisjointFrom isSubsetOf isSupersetOf keys size symmetricDifference union values @@iterator @@toStringTag',
  WeakMap: CONSTRUCTOR,
  'WeakMap.prototype': 'constructor delete get getOrInsert getOrInsertComputed has set @@toStringTag',
  WeakSet: CONSTRUCTOR,
  'WeakSet.prototype': 'add constructor delete has @@toStringTag',

  ArrayBuffer: `${CONSTRUCTOR} isView @@species`,
  'ArrayBuffer.prototype':
    'byteLength constructor detached maxByteLength resizable resize slice transfer transferToFixedLength @@toStringTag',
  DataView: CONSTRUCTOR,
  'DataView.prototype':
    'buffer byteLength byteOffset constructor getBigInt64 getBigUint64 getFloat16 getFloat32 getFloat64 getInt8 getInt16 getInt32 getUint8 getUint16 getUint32 setBigInt64 setBigUint64 setFloat16 setFloat32 setFloat64 setInt8 setInt16 setInt32 setUint8 setUint16 setUint32 @@toStringTag',
  '%TypedArray%': `${CONSTRUCTOR} from of @@species`,
  '%TypedArray%.prototype':
    'length at buffer byteLength byteOffset constructor copyWithin entries every fill filter find findIndex findLast findLastIndex forEach includes indexOf join keys lastIndexOf map reduce reduceRight reverse set slice some sort subarray toLocaleString toReversed toSorted toString values with @@iterator @@toStringTag',
  Int8Array: TYPED_ARRAY,
  'Int8Array.prototype': TYPED_ARRAY_PROTOTYPE,
  Uint8Array: TYPED_ARRAY,
  'Uint8Array.prototype': TYPED_ARRAY_PROTOTYPE,
  Uint8ClampedArray: TYPED_ARRAY,
  'Uint8ClampedArray.prototype': TYPED_ARRAY_PROTOTYPE,
  Int16Array: TYPED_ARRAY,
  'Int16Array.prototype': TYPED_ARRAY_PROTOTYPE,
  Uint16Array: TYPED_ARRAY,
  'Uint16Array.prototype': TYPED_ARRAY_PROTOTYPE,
  Int32Array: TYPED_ARRAY,
  'Int32Array.prototype': TYPED_ARRAY_PROTOTYPE,
  Uint32Array: TYPED_ARRAY,
  'Uint32Array.prototype': TYPED_ARRAY_PROTOTYPE,
  BigInt64Array: TYPED_ARRAY,
  'BigInt64Array.prototype': TYPED_ARRAY_PROTOTYPE,
  BigUint64Array: TYPED_ARRAY,
  'BigUint64Array.prototype': TYPED_ARRAY_PROTOTYPE,
  Float16Array: TYPED_ARRAY,
  'Float16Array.prototype': TYPED_ARRAY_PROTOTYPE,
  Float32Array: TYPED_ARRAY,
  'Float32Array.prototype': TYPED_ARRAY_PROTOTYPE,
  Float64Array: TYPED_ARRAY,
  'Float64Array.prototype': TYPED_ARRAY_PROTOTYPE,

  // %IteratorPrototype% is Iterator.prototype (ES2025 iterator helpers).
  Iterator: `${CONSTRUCTOR} concat from`,
  'Iterator.prototype':
    'constructor drop every filter find flatMap forEach map reduce some take toArray @@iterator @@toStringTag',
  '%ArrayIteratorPrototype%': ITERATOR_PROTOTYPE,
  '%StringIteratorPrototype%': ITERATOR_PROTOTYPE,
  '%MapIteratorPrototype%': ITERATOR_PROTOTYPE,
  '%SetIteratorPrototype%': ITERATOR_PROTOTYPE,
  '%RegExpStringIteratorPrototype%': ITERATOR_PROTOTYPE,
  '%IteratorHelperPrototype%': `${ITERATOR_PROTOTYPE} return`,
  '%WrapForValidIteratorPrototype%': 'next return',
  '%AsyncIteratorPrototype%': '@@asyncIterator',

  '%GeneratorFunction%': CONSTRUCTOR,
  '%GeneratorFunction%.prototype': 'constructor prototype @@toStringTag', // %GeneratorFunction.prototype%
  '%GeneratorFunction%.prototype.prototype': 'constructor next return throw @@toStringTag', // %GeneratorPrototype%
  '%AsyncFunction%': CONSTRUCTOR,
  '%AsyncFunction%.prototype': 'constructor @@toStringTag',
  '%AsyncGeneratorFunction%': CONSTRUCTOR,
  '%AsyncGeneratorFunction%.prototype': 'constructor prototype @@toStringTag',
  '%AsyncGeneratorFunction%.prototype.prototype': 'constructor next return throw @@toStringTag',

  console: 'debug error info log warn',
  crypto: 'getRandomValues @@toStringTag',
};

/**
 * Data properties turned into accessors before freezing, so that assigning them on an object that
 * merely inherits them still works (the "override mistake": once `Error.prototype.name` is frozen,
 * `this.name = 'MyError'` in a subclass constructor would throw). `*` means every configurable data
 * property of that object. This is SES's "moderate" set, extended to every Error prototype.
 */
export const OVERRIDES: Readonly<Record<string, string>> = {
  'Object.prototype': '*',
  'Array.prototype': '*',
  'Function.prototype': 'constructor bind name toString',
  'Error.prototype': 'constructor message name toString',
  'EvalError.prototype': ERROR_PROTOTYPE,
  'RangeError.prototype': ERROR_PROTOTYPE,
  'ReferenceError.prototype': ERROR_PROTOTYPE,
  'SyntaxError.prototype': ERROR_PROTOTYPE,
  'TypeError.prototype': ERROR_PROTOTYPE,
  'URIError.prototype': ERROR_PROTOTYPE,
  'AggregateError.prototype': ERROR_PROTOTYPE,
  '%InternalError%.prototype': ERROR_PROTOTYPE,
  'Promise.prototype': 'constructor',
  '%TypedArray%.prototype': '*',
  '%GeneratorFunction%.prototype': 'constructor',
  'Iterator.prototype': '*',
};
