/**
 * A stable merge sort whose comparisons are charged: Array.prototype.sort's comparison count
 * differs between engines, and fuel must be the same everywhere.
 */
import { FUEL } from '../../types.js';
import type { Proc } from '../../types.js';

export function mergeSort<T>(p: Proc, items: T[], compare: (a: T, b: T) => number): T[] {
  let from = items.slice();
  let to = new Array<T>(from.length);
  for (let width = 1; width < from.length; width *= 2) {
    for (let lo = 0; lo < from.length; lo += 2 * width) {
      const mid = Math.min(lo + width, from.length);
      const hi = Math.min(lo + 2 * width, from.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        p.charge(FUEL.byte);
        to[k++] = compare(from[j]!, from[i]!) < 0 ? from[j++]! : from[i++]!;
      }
      while (i < mid) to[k++] = from[i++]!;
      while (j < hi) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  return from;
}
