/**
 * Guest-side source: the primordials every other fragment uses, captured before anything is
 * replaced or frozen (SES `commons.js`). Fragments are spliced into one strict-mode function, so
 * these are plain `const`s in its scope and never reachable from the guest.
 */
export const COMMONS_SOURCE = String.raw`
const {
  apply,
  construct,
  deleteProperty,
  getOwnPropertyDescriptor,
  getPrototypeOf,
  ownKeys,
} = Reflect;
/** Object's, not Reflect's defineProperty and preventExtensions: a failure must throw. */
const { defineProperty, freeze, hasOwn, is: objectIs, keys: objectKeys, preventExtensions } = Object;
const arrayIsArray = Array.isArray;
const numberParseInt = Number.parseInt;
const numberIsInteger = Number.isInteger;
const { abs, imul, trunc } = Math;
const OriginalDate = Date;
const OriginalSet = Set;
const OriginalWeakSet = WeakSet;
const OriginalMap = Map;
const OriginalWeakMap = WeakMap;
const OriginalPromise = Promise;
const OriginalString = String;
const OriginalUint8Array = Uint8Array;
const OriginalTypeError = TypeError;
const OriginalRangeError = RangeError;
const jsonStringify = JSON.stringify;
const stringFromCharCode = String.fromCharCode;

/** f.call without going through Function.prototype.call at run time. */
const uncurryThis = (fn) => (self, ...args) => apply(fn, self, args);
const getterOf = (obj, key) => uncurryThis(getOwnPropertyDescriptor(obj, key).get);

const arrayJoin = uncurryThis(Array.prototype.join);
const arraySlice = uncurryThis(Array.prototype.slice);
const stringCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const stringSlice = uncurryThis(String.prototype.slice);
const stringSplit = uncurryThis(String.prototype.split);
const stringReplace = uncurryThis(String.prototype.replace);
const stringPadStart = uncurryThis(String.prototype.padStart);
const stringIncludes = uncurryThis(String.prototype.includes);
const stringTest = uncurryThis(RegExp.prototype.test);
const setHas = uncurryThis(Set.prototype.has);
const setAdd = uncurryThis(Set.prototype.add);
const setDelete = uncurryThis(Set.prototype.delete);
const weakSetHas = uncurryThis(WeakSet.prototype.has);
const weakSetAdd = uncurryThis(WeakSet.prototype.add);
const weakSetDelete = uncurryThis(WeakSet.prototype.delete);
const weakMapGet = uncurryThis(WeakMap.prototype.get);
const weakMapSet = uncurryThis(WeakMap.prototype.set);
const mapGet = uncurryThis(Map.prototype.get);
const mapSet = uncurryThis(Map.prototype.set);
const promiseThen = uncurryThis(Promise.prototype.then);
const functionToString = uncurryThis(Function.prototype.toString);
const symbolToString = uncurryThis(Symbol.prototype.toString);
const TypedArray = getPrototypeOf(Int8Array);
/** The name of a typed array's kind, or undefined for anything else (never throws: §23.2.3.38). */
const typedArrayTag = getterOf(TypedArray.prototype, Symbol.toStringTag);
const typedArrayBuffer = getterOf(TypedArray.prototype, 'buffer');
const typedArrayByteOffset = getterOf(TypedArray.prototype, 'byteOffset');
const typedArrayByteLength = getterOf(TypedArray.prototype, 'byteLength');
const typedArrayLength = getterOf(TypedArray.prototype, 'length');

const isObject = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';
/** Array push that does not look up Array.prototype.push (an accessor after lockdown). */
const append = (array, value) => {
  array[array.length] = value;
};
`;
