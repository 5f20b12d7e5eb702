/**
 * Guest-side source: the intrinsics no global property leads to, reached through syntax and
 * prototypes (SES `get-anonymous-intrinsics.js`). Each is walked against the permits and hardened;
 * every name here needs an entry in permits.ts. Runs before the global is pruned, because
 * InternalError is only on the global until then.
 */
export const INTRINSICS_SOURCE = String.raw`
function collectHiddenIntrinsics() {
  const hidden = [];
  const add = (name, value) => {
    if (isObject(value)) append(hidden, [name, value]);
  };
  add('%InternalError%', globalThis.InternalError);
  add('%TypedArray%', TypedArray);
  add('%ArrayIteratorPrototype%', getPrototypeOf([][Symbol.iterator]()));
  add('%StringIteratorPrototype%', getPrototypeOf(''[Symbol.iterator]()));
  add('%MapIteratorPrototype%', getPrototypeOf(new OriginalMap()[Symbol.iterator]()));
  add('%SetIteratorPrototype%', getPrototypeOf(new OriginalSet()[Symbol.iterator]()));
  add('%RegExpStringIteratorPrototype%', getPrototypeOf(/x/g[Symbol.matchAll]('x')));
  const IteratorPrototype = getPrototypeOf(getPrototypeOf([][Symbol.iterator]()));
  if (typeof IteratorPrototype.map === 'function') {
    add('%IteratorHelperPrototype%', getPrototypeOf(apply(IteratorPrototype.map, [][Symbol.iterator](), [(x) => x])));
  }
  if (typeof globalThis.Iterator === 'function' && typeof Iterator.from === 'function') {
    add('%WrapForValidIteratorPrototype%', getPrototypeOf(Iterator.from({ next() {} })));
  }
  add('%GeneratorFunction%', getPrototypeOf(function* () {}).constructor);
  add('%AsyncFunction%', getPrototypeOf(async function () {}).constructor);
  add('%AsyncGeneratorFunction%', getPrototypeOf(async function* () {}).constructor);
  add('%AsyncIteratorPrototype%', getPrototypeOf(getPrototypeOf(async function* () {}).prototype));
  // %ThrowTypeError% (§10.2.4.1) is Function.prototype.caller's getter; harden reaches it from there.
  return hidden;
}
`;
