/**
 * Guest-side source: repairs the "override mistake" before freezing (SES
 * `enable-property-overrides.js`). A listed data property becomes an accessor whose getter
 * returns the original value and whose setter, called on an object that only inherits the
 * property, defines an own property there, as plain assignment would have before the freeze.
 * Assigning on the intrinsic itself still throws.
 */
export const OVERRIDES_SOURCE = String.raw`
/** Override getters and the values they stand for, so console can print a class name without calling them. */
const overrideGetters = new OriginalWeakMap();
const overriddenValue = (getter) => (isObject(getter) ? weakMapGet(overrideGetters, getter) : undefined);

/**
 * Iterator.prototype's constructor and @@toStringTag are accessors (ECMA-262 §27.1.4.1, 14) whose
 * QuickJS setters throw unless the new value is an object. As SES does, make them data properties
 * again; the override repair below then treats them like every other inherited property.
 */
function repairIteratorPrototype(IteratorPrototype) {
  for (const key of ['constructor', Symbol.toStringTag]) {
    const desc = getOwnPropertyDescriptor(IteratorPrototype, key);
    if (desc === undefined || hasOwn(desc, 'value') || !desc.configurable) continue;
    const value = apply(desc.get, IteratorPrototype, []);
    defineProperty(IteratorPrototype, key, { value, writable: true, enumerable: desc.enumerable, configurable: true });
  }
}

function enableOverrides(named, overrideTable) {
  const IteratorPrototype = mapGet(named, 'Iterator.prototype');
  if (IteratorPrototype !== undefined) repairIteratorPrototype(IteratorPrototype);
  const enable = (obj, path, key) => {
    const desc = getOwnPropertyDescriptor(obj, key);
    if (desc === undefined || !hasOwn(desc, 'value') || !desc.configurable) return;
    const value = desc.value;
    const label = typeof key === 'string' ? key : symbolToString(key);
    const accessors = {
      get() {
        return value;
      },
      set(newValue) {
        if (this === obj) {
          throw new OriginalTypeError("Cannot assign to read only property '" + label + "' of '" + path + "'");
        }
        if (hasOwn(this, key)) this[key] = newValue;
        else defineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
      },
    };
    weakMapSet(overrideGetters, accessors.get, value);
    defineProperty(obj, key, {
      get: accessors.get,
      set: accessors.set,
      enumerable: desc.enumerable,
      configurable: desc.configurable,
    });
  };
  for (const path of objectKeys(overrideTable)) {
    const obj = mapGet(named, path);
    if (obj === undefined) continue;
    const which = overrideTable[path];
    const keys = which === '*' ? ownKeys(obj) : stringSplit(which, ' ');
    for (let i = 0; i < keys.length; i++) enable(obj, path, keys[i]);
  }
}
`;
