/**
 * Guest-side source: the Date constructor of the realm (SES `tame-date-constructor.js`, plus UTC).
 *
 * - The clock is the block timestamp: `Date.now()`, `new Date()` and `Date()` read `clock.now`,
 *   which the host sets per execution through `control.begin`. Each of them sets `clock.read`
 *   to 1: the host's module cache reads that word to tell whether a module's top level saw the
 *   clock (../../engine/module-cache.ts).
 * - Local time is UTC on every machine. Natively QuickJS asks the host for the local zone, so the
 *   local getters, setters, formatters, the multi-argument constructor and parsing are replaced
 *   by their UTC equivalents; `getTimezoneOffset()` is 0.
 * - The original constructor becomes unreachable: `Date.prototype.constructor` is the new one,
 *   and the new one shares the original prototype, so `instanceof` and subclassing still work.
 */
export const DATE_SOURCE = String.raw`
function tameDate(clock) {
  const DatePrototype = OriginalDate.prototype;
  const getTime = uncurryThis(DatePrototype.getTime);
  const toUTCString = uncurryThis(DatePrototype.toUTCString);
  const setTime = uncurryThis(DatePrototype.setTime);
  const setUTCFullYear = uncurryThis(DatePrototype.setUTCFullYear);
  const utc = {};
  for (const name of ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds']) {
    utc['get' + name] = uncurryThis(DatePrototype['getUTC' + name]);
  }

  const isDateObject = (value) => {
    try {
      getTime(value);
      return true;
    } catch {
      return false;
    }
  };
  /** ToPrimitive(value, default) (§7.1.1), so that only strings reach our parser. */
  const toPrimitive = (value) => {
    const exotic = value[Symbol.toPrimitive];
    if (exotic !== undefined && exotic !== null) {
      const result = apply(exotic, value, ['default']);
      if (isObject(result)) throw new OriginalTypeError('Cannot convert object to primitive value');
      return result;
    }
    for (const name of ['valueOf', 'toString']) {
      const method = value[name];
      if (typeof method === 'function') {
        const result = apply(method, value, []);
        if (!isObject(result)) return result;
      }
    }
    throw new OriginalTypeError('Cannot convert object to primitive value');
  };

  const pad = (n, width) => stringPadStart('' + n, width, '0');
  const year = (y) => (y < 0 ? '-' + pad(-y, 4) : pad(y, 4));
  /** "Tue, 02 Jan 2018 23:04:46 GMT" split into its words: the one formatter that ignores the host zone. */
  const utcParts = (date) => stringSplit(toUTCString(date), ' ');
  const dateString = (parts) => stringSlice(parts[0], 0, 3) + ' ' + parts[2] + ' ' + parts[1] + ' ' + parts[3];
  const timeString = (parts) => parts[4] + ' GMT+0000';
  const localeDate = (date) => pad(utc.getMonth(date) + 1, 2) + '/' + pad(utc.getDate(date), 2) + '/' + year(utc.getFullYear(date));
  const localeTime = (date) => {
    const h = utc.getHours(date);
    return pad(((h + 11) % 12) + 1, 2) + ':' + pad(utc.getMinutes(date), 2) + ':' + pad(utc.getSeconds(date), 2) + (h < 12 ? ' AM' : ' PM');
  };
  /** Runs format on a valid date; an invalid one prints "Invalid Date" as natively. */
  const formatter = (format) => (date) => (getTime(date) !== getTime(date) ? 'Invalid Date' : format(date));
  const toStringUTC = formatter((d) => {
    const parts = utcParts(d);
    return dateString(parts) + ' ' + timeString(parts);
  });

  // The same shapes as QuickJS's own formatters when TZ=UTC.
  const methods = {
    toString() {
      return toStringUTC(this);
    },
    toDateString() {
      return formatter((d) => dateString(utcParts(d)))(this);
    },
    toTimeString() {
      return formatter((d) => timeString(utcParts(d)))(this);
    },
    toLocaleString() {
      return formatter((d) => localeDate(d) + ', ' + localeTime(d))(this);
    },
    toLocaleDateString() {
      return formatter(localeDate)(this);
    },
    toLocaleTimeString() {
      return formatter(localeTime)(this);
    },
    getTimezoneOffset() {
      const t = getTime(this);
      return t !== t ? NaN : 0;
    },
    getYear() {
      return utc.getFullYear(this) - 1900;
    },
    // Annex B.2.3.2, in UTC.
    setYear(value) {
      getTime(this);
      let y = +value;
      if (y !== y) return setTime(this, NaN);
      y = trunc(y);
      if (y >= 0 && y <= 99) y += 1900;
      return setUTCFullYear(this, y);
    },
  };
  for (const name of ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds']) {
    const getter = DatePrototype['getUTC' + name];
    methods['get' + name] = { ['get' + name]() { return apply(getter, this, []); } }['get' + name];
    if (name === 'Day') continue;
    const setter = DatePrototype['setUTC' + name];
    const set = { ['set' + name]() { return apply(setter, this, arraySlice(arguments)); } }['set' + name];
    defineProperty(set, 'length', { value: setter.length });
    methods['set' + name] = set;
  }
  for (const name of objectKeys(methods)) {
    defineProperty(DatePrototype, name, { value: methods[name], writable: true, enumerable: false, configurable: true });
  }

  const TamedDate = function Date(year, month, date, hours, minutes, seconds, ms) {
    if (new.target === undefined) {
      clock.read = 1;
      return toStringUTC(new OriginalDate(clock.now));
    }
    let value;
    if (arguments.length === 0) {
      clock.read = 1;
      value = clock.now;
    }
    else if (arguments.length === 1) {
      value = year;
      if (isObject(value)) value = isDateObject(value) ? getTime(value) : toPrimitive(value);
      if (typeof value === 'string') value = parseDate(value);
    } else {
      value = apply(OriginalDate.UTC, undefined, arraySlice(arguments));
    }
    return construct(OriginalDate, [value], new.target);
  };
  const statics = {
    now() {
      clock.read = 1;
      return clock.now;
    },
    parse(string) {
      if (typeof string === 'symbol') throw new OriginalTypeError('Cannot convert a Symbol value to a string');
      return parseDate(OriginalString(string));
    },
  };
  defineProperty(TamedDate, 'prototype', { value: DatePrototype, writable: false, enumerable: false, configurable: false });
  defineProperty(TamedDate, 'now', { value: statics.now, writable: true, enumerable: false, configurable: true });
  defineProperty(TamedDate, 'parse', { value: statics.parse, writable: true, enumerable: false, configurable: true });
  defineProperty(TamedDate, 'UTC', { value: OriginalDate.UTC, writable: true, enumerable: false, configurable: true });
  defineProperty(DatePrototype, 'constructor', { value: TamedDate, writable: true, enumerable: false, configurable: true });
  return TamedDate;
}
`;
