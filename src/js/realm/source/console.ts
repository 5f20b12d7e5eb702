/**
 * Guest-side source: `console`, whose methods format their arguments the way Node's does
 * (`util.format`: printf-style `%s %d %i %f %j %o %O %c %%` when the first argument is a string,
 * strings as they are, other values through a small, single-line `util.inspect`) and hand one
 * line to the host's log function with the method's name as the level.
 *
 * The formatter never calls getters (they print as [Getter]) and reads only what the value
 * itself holds, so it prints the same bytes on every machine.
 */
export const CONSOLE_SOURCE = String.raw`
function makeConsole(hostLog) {
  const OriginalNumber = Number;
  const numberParseFloat = Number.parseFloat;
  const errorIsError = typeof Error.isError === 'function' ? Error.isError : undefined;
  const errorToString = uncurryThis(Error.prototype.toString);
  const ErrorPrototype = Error.prototype;
  const dateGetTime = uncurryThis(OriginalDate.prototype.getTime);
  const dateToISOString = uncurryThis(OriginalDate.prototype.toISOString);
  const regexpSource = getterOf(RegExp.prototype, 'source');
  const regexpToString = uncurryThis(RegExp.prototype.toString);
  const RegExpPrototype = RegExp.prototype;
  const mapSize = getterOf(Map.prototype, 'size');
  const mapEntries = uncurryThis(Map.prototype.entries);
  const setSize = getterOf(Set.prototype, 'size');
  const setValues = uncurryThis(Set.prototype.values);
  const iteratorNext = (iterator) => iterator.next();
  const boxes = [
    ['Number', uncurryThis(Number.prototype.valueOf)],
    ['String', uncurryThis(String.prototype.valueOf)],
    ['Boolean', uncurryThis(Boolean.prototype.valueOf)],
    ['BigInt', uncurryThis(BigInt.prototype.valueOf)],
    ['Symbol', uncurryThis(Symbol.prototype.valueOf)],
  ];
  const MAX_ITEMS = 100;
  const MAX_DEPTH = 2;

  const succeeds = (fn, value) => {
    try {
      fn(value);
      return true;
    } catch {
      return false;
    }
  };
  const isError = (value) => {
    if (errorIsError !== undefined) return errorIsError(value);
    for (let p = getPrototypeOf(value); p !== null; p = getPrototypeOf(p)) if (p === ErrorPrototype) return true;
    return false;
  };
  const quote = (s) =>
    "'" +
    stringReplace(s, /['\\\n\r\t\b\f\v]/g, (c) =>
      c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : c === '\b' ? '\\b' : c === '\f' ? '\\f' : c === '\v' ? '\\v' : '\\' + c,
    ) +
    "'";
  const formatKey = (key) =>
    typeof key === 'symbol' ? '[' + symbolToString(key) + ']' : stringTest(/^[A-Za-z_$][\w$]*$/, key) ? key : quote(key);
  /** The value a data property or one of lockdown's override accessors holds, without running guest code. */
  const plainValue = (obj, key) => {
    const desc = getOwnPropertyDescriptor(obj, key);
    if (desc === undefined) return undefined;
    return hasOwn(desc, 'value') ? desc.value : overriddenValue(desc.get);
  };
  const constructorName = (value) => {
    for (let p = getPrototypeOf(value); p !== null; p = getPrototypeOf(p)) {
      const ctor = plainValue(p, 'constructor');
      if (typeof ctor === 'function') {
        const name = plainValue(ctor, 'name');
        if (typeof name === 'string' && name !== '') return name;
      }
    }
    return null;
  };
  const formatFunction = (fn) => {
    const name = plainValue(fn, 'name');
    let source = '';
    try {
      source = functionToString(fn);
    } catch {}
    if (stringSlice(source, 0, 6) === 'class ' || stringSlice(source, 0, 6) === 'class{') {
      return '[class ' + (typeof name === 'string' && name !== '' ? name : '(anonymous)') + ']';
    }
    const kind = constructorName(fn) || 'Function';
    return '[' + kind + (typeof name === 'string' && name !== '' ? ': ' + name : ' (anonymous)') + ']';
  };
  const isIndex = (key) => typeof key === 'string' && '' + (+key >>> 0) === key && key !== '4294967295';
  const formatNumber = (n) => (objectIs(n, -0) ? '-0' : '' + n);
  const formatError = (error, top) => {
    let header;
    try {
      header = errorToString(error);
    } catch {
      header = 'Error';
    }
    if (!top) return '[' + header + ']';
    const stack = plainValue(error, 'stack');
    if (typeof stack !== 'string' || stack === '') return header;
    return header + '\n' + stringReplace(stack, /\n+$/, '');
  };

  const inspect = (value, depth, seen, top) => {
    switch (typeof value) {
      case 'string':
        return top ? value : quote(value);
      case 'number':
        return formatNumber(value);
      case 'bigint':
        return value + 'n';
      case 'symbol':
        return symbolToString(value);
      case 'undefined':
        return 'undefined';
      case 'boolean':
        return value ? 'true' : 'false';
      case 'function':
        return formatFunction(value);
    }
    if (value === null) return 'null';
    if (setHas(seen, value)) return '[Circular]';
    if (isError(value)) return formatError(value, top);
    if (succeeds(dateGetTime, value)) {
      const t = dateGetTime(value);
      return t !== t ? 'Invalid Date' : dateToISOString(value);
    }
    if (value !== RegExpPrototype && succeeds(regexpSource, value)) return regexpToString(value);
    for (let i = 0; i < boxes.length; i++) {
      if (succeeds(boxes[i][1], value)) return '[' + boxes[i][0] + ': ' + inspect(boxes[i][1](value), depth + 1, seen, false) + ']';
    }

    const isArray = arrayIsArray(value);
    const typedKind = typedArrayTag(value);
    const isMap = succeeds(mapSize, value);
    const isSet = !isMap && succeeds(setSize, value);
    const ctor = constructorName(value);
    if (depth > MAX_DEPTH) return '[' + (isArray ? 'Array' : ctor || 'Object') + ']';

    setAdd(seen, value);
    const parts = [];
    const item = (v) => inspect(v, depth + 1, seen, false);
    let prefix;
    if (isArray || typedKind !== undefined) {
      const length = typedKind !== undefined ? typedArrayLength(value) : value.length;
      prefix = typedKind !== undefined ? typedKind + '(' + length + ') ' : ctor === 'Array' ? '' : (ctor || '[Array: null prototype]') + '(' + length + ') ';
      let holes = 0;
      const flushHoles = () => {
        if (holes > 0) append(parts, '<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>');
        holes = 0;
      };
      const shown = length < MAX_ITEMS ? length : MAX_ITEMS;
      for (let i = 0; i < shown; i++) {
        if (!hasOwn(value, i)) {
          holes++;
          continue;
        }
        flushHoles();
        const desc = getOwnPropertyDescriptor(value, '' + i);
        append(parts, hasOwn(desc, 'value') ? item(desc.value) : desc.set ? (desc.get ? '[Getter/Setter]' : '[Setter]') : '[Getter]');
      }
      flushHoles();
      if (length > shown) append(parts, '... ' + (length - shown) + ' more item' + (length - shown > 1 ? 's' : ''));
    } else if (isMap) {
      prefix = (ctor || 'Map') + '(' + mapSize(value) + ') ';
      const iterator = mapEntries(value);
      for (let step = iteratorNext(iterator); !step.done; step = iteratorNext(iterator)) {
        append(parts, item(step.value[0]) + ' => ' + item(step.value[1]));
      }
    } else if (isSet) {
      prefix = (ctor || 'Set') + '(' + setSize(value) + ') ';
      const iterator = setValues(value);
      for (let step = iteratorNext(iterator); !step.done; step = iteratorNext(iterator)) append(parts, item(step.value));
    } else {
      prefix = ctor === null ? '[Object: null prototype] ' : ctor === 'Object' ? '' : ctor + ' ';
    }
    const keys = ownKeys(value);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if ((isArray || typedKind !== undefined) && isIndex(key)) continue;
      const desc = getOwnPropertyDescriptor(value, key);
      if (desc === undefined || !desc.enumerable) continue;
      const shown = hasOwn(desc, 'value') ? item(desc.value) : desc.set ? (desc.get ? '[Getter/Setter]' : '[Setter]') : '[Getter]';
      append(parts, formatKey(key) + ': ' + shown);
    }
    setDelete(seen, value);
    const listLike = isArray || typedKind !== undefined;
    const open = listLike ? '[' : '{';
    const close = listLike ? ']' : '}';
    return parts.length === 0 ? prefix + open + close : prefix + open + ' ' + arrayJoin(parts, ', ') + ' ' + close;
  };
  const show = (value) => inspect(value, 0, new OriginalSet(), true);

  const specifier = (c, arg) => {
    switch (c) {
      case 's':
        return typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null ? inspect(arg, 1, new OriginalSet(), false) : show(arg);
      case 'd':
        return typeof arg === 'bigint' ? arg + 'n' : typeof arg === 'symbol' ? 'NaN' : formatNumber(OriginalNumber(arg));
      case 'i':
        return typeof arg === 'bigint' ? arg + 'n' : typeof arg === 'symbol' ? 'NaN' : formatNumber(numberParseInt(arg));
      case 'f':
        return typeof arg === 'symbol' ? 'NaN' : formatNumber(numberParseFloat(arg));
      case 'j':
        try {
          const json = jsonStringify(arg);
          return json === undefined ? 'undefined' : json;
        } catch (error) {
          return '[Circular]';
        }
      case 'o':
      case 'O':
        return inspect(arg, 0, new OriginalSet(), false);
      case 'c':
        return '';
    }
    return undefined;
  };
  const format = (args) => {
    let out = '';
    let next = 1;
    const first = args[0];
    if (typeof first === 'string' && args.length > 1) {
      let last = 0;
      for (let j = 0; j < first.length - 1; j++) {
        if (stringCharCodeAt(first, j) !== 37) continue;
        const c = first[j + 1];
        let replacement;
        if (c === '%') replacement = '%';
        else if (next < args.length && (replacement = specifier(c, args[next])) !== undefined) next++;
        else continue;
        out += stringSlice(first, last, j) + replacement;
        last = j + 2;
        j++;
      }
      out += stringSlice(first, last);
    } else if (args.length > 0) {
      out = show(first);
    }
    for (; next < args.length; next++) out += ' ' + show(args[next]);
    return out;
  };

  const console = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const method = {
      [level](...args) {
        hostLog(level, format(args));
      },
    }[level];
    defineProperty(console, level, { value: method, writable: true, enumerable: true, configurable: true });
  }
  return { console, show };
}
`;
