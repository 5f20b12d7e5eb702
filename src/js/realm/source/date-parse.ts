/**
 * Guest-side source: Date.parse with local time taken as UTC.
 *
 * QuickJS reads the local time zone from the host through emscripten's localtime, so the native
 * parser reads "2020-01-01T10:00" (and every string without a zone) in the host's zone. This is
 * the same grammar as QuickJS's `js_Date_parse` (the ISO format of ECMA-262 §21.4.1.32 first, then
 * the toString/toUTCString family and common variants), rewritten in JS so that "local" means UTC
 * on every machine. Its results match the native parser run with TZ=UTC (checked by a test).
 */
export const DATE_PARSE_SOURCE = String.raw`
const MONTH_NAMES = 'JanFebMarAprMayJunJulAugSepOctNovDec';
/** Zone abbreviations QuickJS understands, in its matching order, with offsets in minutes. */
const ZONE_ABBREVIATIONS = [
  ['GMT', 0], ['UTC', 0], ['UT', 0], ['Z', 0],
  ['EDT', -240], ['EST', -300], ['CDT', -300], ['CST', -360],
  ['MDT', -360], ['MST', -420], ['PDT', -420], ['PST', -480],
  ['WET', 0], ['WEST', 60], ['CET', 60], ['CEST', 120], ['EET', 120], ['EEST', 180],
];
const MS_PER_400_YEARS = 146097 * 86400000;
const originalUTC = OriginalDate.UTC;

const timeClip = (t) => (t !== t || abs(t) > 8.64e15 ? NaN : trunc(t) + 0);
const upper = (c) => (c >= 97 && c <= 122 ? c - 32 : c);
const isDigit = (c) => c >= 48 && c <= 57;

/** MakeDate(MakeDay(...), MakeTime(...)) in UTC, without Date.UTC's mapping of years 0-99 to 19xx. */
function makeUtc(f) {
  if (f[0] >= 0 && f[0] <= 99) {
    return originalUTC(f[0] + 400, f[1], f[2], f[3], f[4], f[5], f[6]) - MS_PER_400_YEARS;
  }
  return originalUTC(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
}

function parseDate(input) {
  // The native parser reads at most 127 UTF-16 units as bytes; a NUL ends the string.
  const length = input.length < 127 ? input.length : 127;
  const sp = [];
  for (let i = 0; i < length; i++) {
    const c = stringCharCodeAt(input, i);
    sp[i] = c > 255 ? (c === 0x2212 ? 45 : 120) : c;
  }
  for (let i = 0; i < 8; i++) sp[length + i] = 0;
  let p = 0;
  const f = [0, 0, 0, 0, 0, 0, 0, 0, 0]; // year month day hours minutes seconds ms weekday zone

  const skip = (c) => {
    if (sp[p] !== c) return false;
    p++;
    return true;
  };
  /** A run of digits (max 0: unbounded), or -1 with p unchanged. */
  const digits = (min, max) => {
    let q = p;
    let v = 0;
    while (isDigit(sp[q])) {
      if (v >= 100000000) return -1;
      v = v * 10 + sp[q] - 48;
      q++;
      if (q - p === max) break;
    }
    if (q - p < min) return -1;
    p = q;
    return v;
  };
  const milliseconds = () => {
    if (sp[p] !== 46 && sp[p] !== 44) return;
    let q = p + 1;
    let mul = 100;
    let ms = 0;
    while (isDigit(sp[q])) {
      ms += (sp[q] - 48) * mul;
      mul = (mul / 10) | 0;
      q++;
      if (q - p - 1 === 9) break;
    }
    if (q > p + 1) {
      f[6] = ms;
      p = q;
    }
  };
  /** [+-]hh[[:]mm] or Z, in minutes east of UTC, or null with p unchanged. */
  const zoneOffset = (strict) => {
    const start = p;
    const sign = sp[p++];
    if (sign === 90) return 0;
    if (sign !== 43 && sign !== 45) {
      p = start;
      return null;
    }
    const digitsStart = p;
    let hh = digits(1, 0);
    let n = p - digitsStart;
    let mm = 0;
    let ok = hh >= 0 && !(strict && n !== 2 && n !== 4);
    if (ok) {
      while (n > 4) {
        n -= 2;
        hh = (hh / 100) | 0;
      }
      if (n > 2) {
        mm = hh % 100;
        hh = (hh / 100) | 0;
      } else if (skip(58)) {
        mm = digits(2, 2);
        ok = mm >= 0;
      } else {
        ok = !strict; // [+-]HH alone is not ISO
      }
      ok = ok && hh <= 23 && mm <= 59;
    }
    if (!ok) {
      p = start;
      return null;
    }
    return sign === 43 ? hh * 60 + mm : -(hh * 60 + mm);
  };
  const match = (word) => {
    for (let i = 0; i < word.length; i++) {
      if (upper(sp[p + i]) !== upper(stringCharCodeAt(word, i))) return false;
    }
    p += word.length;
    return true;
  };
  const month = () => {
    for (let n = 0; n < 12; n++) {
      let i = 0;
      while (i < 3 && upper(sp[p + i]) === upper(stringCharCodeAt(MONTH_NAMES, n * 3 + i))) i++;
      if (i === 3) {
        p += 3;
        return n;
      }
    }
    return -1;
  };
  const zoneAbbreviation = () => {
    for (let i = 0; i < ZONE_ABBREVIATIONS.length; i++) {
      if (match(ZONE_ABBREVIATIONS[i][0])) return ZONE_ABBREVIATIONS[i][1];
    }
    return null;
  };
  const skipUntil = (stops) => {
    while (sp[p] !== 0 && !stringIncludes(stops, stringFromCharCode(sp[p]))) p++;
  };

  // 2020-01-02T03:04:05.678Z and its shorter forms; date-only forms are UTC, date-times local.
  const iso = () => {
    p = 0;
    for (let i = 0; i < 9; i++) f[i] = i === 2 ? 1 : 0;
    const sign = sp[0];
    let year;
    if (sign === 45 || sign === 43) {
      p++;
      year = digits(6, 6);
      if (year < 0 || (sign === 45 && year === 0)) return false;
      if (sign === 45) year = -year;
    } else {
      year = digits(4, 4);
      if (year < 0) return false;
    }
    f[0] = year;
    if (skip(45)) {
      const mon = digits(2, 2);
      if (mon < 1) return false;
      f[1] = mon - 1;
      if (skip(45)) {
        const day = digits(2, 2);
        if (day < 1) return false;
        f[2] = day;
      }
    }
    if (skip(84)) {
      const h = digits(2, 2);
      const mi = h >= 0 && skip(58) ? digits(2, 2) : -1;
      if (mi < 0) {
        f[3] = 100; // a broken time is an invalid date, not another format
        return true;
      }
      f[3] = h;
      f[4] = mi;
      if (skip(58)) {
        const s = digits(2, 2);
        if (s < 0) return false;
        f[5] = s;
        milliseconds();
      }
    }
    if (sp[p] !== 0) {
      const zone = zoneOffset(true);
      if (zone === null) return false;
      f[8] = zone;
    }
    return sp[p] === 0;
  };

  // "Tue Jan 02 2018 23:04:46 GMT+0100", "Tue, 02 Jan 2018 23:04:46 GMT", "1/2/2018, 11:40 PM", ...
  const other = () => {
    p = 0;
    f[0] = 2001;
    f[1] = 1;
    f[2] = 1;
    for (let i = 3; i < 9; i++) f[i] = 0;
    let hasYear = 0;
    let hasMonth = 0;
    let hasTime = 0;
    const num = [];
    let numIndex = 0;
    for (;;) {
      while (sp[p] === 32) p++;
      if (sp[p] === 0) break;
      const start = p;
      const c = sp[p];
      let val;
      let zone;
      if (c === 43 || c === 45) {
        if (hasTime && (zone = zoneOffset(false)) !== null) {
          f[8] = zone;
        } else {
          p++;
          val = digits(1, 0);
          if (val >= 0) {
            if (c === 45) {
              if (val === 0) return false;
              val = -val;
            }
            f[0] = val;
            hasYear = 1;
          }
        }
      } else if ((val = digits(1, 0)) >= 0) {
        if (skip(58)) {
          f[3] = val;
          const mi = digits(1, 2);
          if (mi < 0) return false;
          f[4] = mi;
          if (skip(58)) {
            const s = digits(1, 2);
            if (s < 0) return false;
            f[5] = s;
            milliseconds();
          }
          hasTime = 1;
          if (sp[p] === 43 || sp[p] === 45) {
            zone = zoneOffset(false);
            if (zone !== null) f[8] = zone;
          }
        } else if (p - start > 2 && !hasYear) {
          f[0] = val;
          hasYear = 1;
        } else if ((val < 1 || val > 31) && !hasYear) {
          f[0] = val + (val < 100 ? 1900 : 0) + (val < 50 ? 100 : 0);
          hasYear = 1;
        } else {
          if (numIndex === 3) return false;
          num[numIndex++] = val;
        }
      } else if ((val = month()) >= 0) {
        f[1] = val + 1;
        hasMonth = 1;
        skipUntil('0123456789 -/(');
      } else if (hasTime && match('PM')) {
        if (f[3] < 12) f[3] += 12;
        continue;
      } else if (hasTime && match('AM')) {
        if (f[3] === 12) f[3] -= 12;
        continue;
      } else if ((zone = zoneAbbreviation()) !== null) {
        f[8] = zone;
        continue;
      } else if (c === 40) {
        let level = 0;
        while (sp[p] !== 0) {
          const ch = sp[p++];
          if (ch === 40) level++;
          if (ch === 41) level--;
          if (level === 0) break;
        }
        if (level > 0) return false;
      } else if (c === 41) {
        return false;
      } else {
        if (hasYear + hasMonth + hasTime + numIndex) return false;
        skipUntil(' -/(');
      }
      while (sp[p] === 45 || sp[p] === 47 || sp[p] === 46 || sp[p] === 44) p++;
    }
    if (numIndex + hasYear + hasMonth > 3) return false;
    const fullYear = (y) => y + (y < 100 ? 1900 : 0) + (y < 50 ? 100 : 0);
    if (numIndex === 0) {
      if (!hasYear) return false;
    } else if (numIndex === 1) {
      if (hasMonth) f[2] = num[0];
      else f[1] = num[0];
    } else if (numIndex === 2) {
      if (hasYear) {
        f[1] = num[0];
        f[2] = num[1];
      } else if (hasMonth) {
        f[0] = fullYear(num[1]);
        f[2] = num[0];
      } else {
        f[1] = num[0];
        f[2] = num[1];
      }
    } else {
      f[0] = fullYear(num[2]);
      f[1] = num[0];
      f[2] = num[1];
    }
    if (f[1] < 1 || f[2] < 1) return false;
    f[1] -= 1;
    return true;
  };

  if (!iso() && !other()) return NaN;
  const max = [0, 11, 31, 24, 59, 59];
  for (let i = 1; i < 6; i++) if (f[i] > max[i]) return NaN;
  if (f[3] === 24 && (f[4] || f[5] || f[6])) return NaN;
  return timeClip(makeUtc(f) - f[8] * 60000);
}
`;
