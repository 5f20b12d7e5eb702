/**
 * Guest-side source: `harden`, a transitive freeze over own property values, accessors and
 * prototypes (SES `make-hardener.js`). Objects already hardened are remembered in a WeakSet, so
 * hardening a guest object stops at the (already frozen) intrinsics.
 */
export const HARDEN_SOURCE = String.raw`
function makeHardener() {
  const hardened = new OriginalWeakSet();

  /** Typed arrays with elements cannot be frozen (§10.4.5.3); freeze everything but the elements. */
  const freezeOne = (obj) => {
    if (typedArrayTag(obj) === undefined) {
      freeze(obj);
      return;
    }
    preventExtensions(obj);
    const length = typedArrayLength(obj);
    const keys = ownKeys(obj);
    // ownKeys lists the integer-indexed elements first (§10.4.5.7): skip them.
    for (let i = length; i < keys.length; i++) {
      const key = keys[i];
      const desc = getOwnPropertyDescriptor(obj, key);
      defineProperty(obj, key, hasOwn(desc, 'value') ? { writable: false, configurable: false } : { configurable: false });
    }
  };

  const harden = {
    harden(root) {
      const queue = [];
      const queued = new OriginalSet();
      const enqueue = (value) => {
        if (!isObject(value) || weakSetHas(hardened, value) || setHas(queued, value)) return;
        setAdd(queued, value);
        append(queue, value);
      };
      enqueue(root);
      for (let i = 0; i < queue.length; i++) {
        const obj = queue[i];
        freezeOne(obj);
        enqueue(getPrototypeOf(obj));
        const keys = ownKeys(obj);
        for (let j = 0; j < keys.length; j++) {
          const desc = getOwnPropertyDescriptor(obj, keys[j]);
          if (desc === undefined) continue;
          if (hasOwn(desc, 'value')) enqueue(desc.value);
          else {
            enqueue(desc.get);
            enqueue(desc.set);
            enqueue(overriddenValue(desc.get)); // the value behind a repaired property (overrides.ts)
          }
        }
      }
      for (let i = 0; i < queue.length; i++) weakSetAdd(hardened, queue[i]);
      return root;
    },
  }.harden;

  return { harden, hardened };
}
`;
