/**
 * Guest-side source: walks the global object and the hidden intrinsics, deleting every own
 * property the permits table does not list (SES `permits-intrinsics.js`). Returns the intrinsics
 * by name (for the override repairs) and the paths it removed (for diagnostics and tests).
 */
export const REMOVE_UNPERMITTED_SOURCE = String.raw`
function removeUnpermitted(roots, permitTable) {
  const wellKnown = new OriginalMap();
  for (const key of ownKeys(Symbol)) {
    const value = typeof key === 'string' ? Symbol[key] : undefined;
    if (typeof value === 'symbol') mapSet(wellKnown, value, '@@' + key);
  }
  const permits = new OriginalMap();
  for (const name of objectKeys(permitTable)) {
    mapSet(permits, name, new OriginalSet(stringSplit(permitTable[name], ' ')));
  }
  const functionDefault = new OriginalSet(['length', 'name']);
  const seen = new OriginalSet();
  const named = new OriginalMap();
  const removed = [];

  const keyName = (key) => (typeof key === 'string' ? key : mapGet(wellKnown, key));
  const visit = (name, obj, childPrefix) => {
    if (setHas(seen, obj)) return;
    setAdd(seen, obj);
    mapSet(named, name, obj);
    let allowed = mapGet(permits, name);
    if (allowed === undefined) {
      if (typeof obj !== 'function') throw new OriginalTypeError('lockdown: no permits for ' + name);
      allowed = functionDefault;
    }
    const keys = ownKeys(obj);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const kname = keyName(key);
      const path = childPrefix + (kname === undefined ? '[' + symbolToString(key) + ']' : kname);
      if (kname === undefined || !setHas(allowed, kname)) {
        const fullPath = name + '.' + stringSlice(path, childPrefix.length);
        if (!deleteProperty(obj, key)) throw new OriginalTypeError('lockdown: cannot remove ' + fullPath);
        append(removed, fullPath);
        continue;
      }
      const desc = getOwnPropertyDescriptor(obj, key);
      if (hasOwn(desc, 'value')) {
        if (isObject(desc.value)) visit(path, desc.value, path + '.');
      } else {
        if (isObject(desc.get)) visit(path + '<get>', desc.get, path + '<get>.');
        if (isObject(desc.set)) visit(path + '<set>', desc.set, path + '<set>.');
      }
    }
  };
  for (let i = 0; i < roots.length; i++) {
    const name = roots[i][0];
    // The global's properties are named bare ("Array", not "globalThis.Array").
    visit(name, roots[i][1], name === 'globalThis' ? '' : name + '.');
  }
  return { named, removed };
}
`;
