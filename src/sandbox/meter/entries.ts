/**
 * Bodies of the functions the meter appends (see ./layout.ts):
 * - an *entry* has the original type of a defined function and is what the host calls (exports,
 *   the start function, slots of tables the host can reach): it loads fuel and height from the
 *   globals, adds its frame and checks the height (./stack.ts), calls the function, stores the
 *   fuel back and puts the height back as it found it;
 * - an *adapter* has the ext type of an import and lets a private table hold that import: it
 *   publishes fuel and height (plus HOST_CALL_SLOTS, as any call to the host), calls the import
 *   and returns the fuel. Its frame is counted in the chain of whoever calls through the table.
 */
import { Writer } from '../binary/bytes.js';
import { trippedFuel } from './body.js';
import { HOST_CALL_SLOTS, STACK_LIMIT_SLOTS } from './costs.js';
import { I32, type Extra, type Layout } from './layout.js';

/**
 * For an entry, `weight` is its frame's and `reserve` the chain of unchecked frames its target
 * may push (./stack.ts); adapters ignore both.
 */
export function extraBody(layout: Layout, extra: Extra, weight: number, reserve: number): Uint8Array {
  const { fuelGlobal, depthGlobal } = layout;
  const params = layout.funcType(extra.target).params.length;
  const w = new Writer(32 + 4 * params);
  if (extra.kind === 'entry') {
    // Two locals: the height found in the global, restored on return so that a call from the
    // host leaves it as it was (what the caller of the host published, or 0 at the top), and
    // the height passed on. A failed check publishes height + reserve, past the limit, and
    // takes STACK_TRIP_FUEL from the fuel, as in ./body.ts.
    const saved = params;
    const height = params + 1;
    w.u32(1).u32(2).u8(I32);
    w.u8(0x23).u32(depthGlobal).u8(0x22).u32(saved);
    w.u8(0x41).s32(weight).u8(0x6a).u8(0x22).u32(height);
    w.u8(0x41).s32(STACK_LIMIT_SLOTS - reserve).u8(0x4b).u8(0x04).u8(0x40);
    w.u8(0x20).u32(height).u8(0x41).s32(reserve).u8(0x6a).u8(0x24).u32(depthGlobal);
    trippedFuel(w, () => w.u8(0x23).u32(fuelGlobal));
    w.u8(0x24).u32(fuelGlobal).u8(0x00);
    w.u8(0x0b);
    for (let i = 0; i < params; i++) w.u8(0x20).u32(i);
    w.u8(0x23).u32(fuelGlobal).u8(0x20).u32(height);
    w.u8(0x10).u32(extra.target);
    w.u8(0x24).u32(fuelGlobal);
    w.u8(0x20).u32(saved).u8(0x24).u32(depthGlobal);
  } else {
    const fuel = params;
    const height = params + 1;
    w.u32(0);
    w.u8(0x20).u32(fuel).u8(0x24).u32(fuelGlobal);
    w.u8(0x20).u32(height).u8(0x41).s32(HOST_CALL_SLOTS).u8(0x6a).u8(0x24).u32(depthGlobal);
    for (let i = 0; i < params; i++) w.u8(0x20).u32(i);
    w.u8(0x10).u32(extra.target);
    w.u8(0x23).u32(fuelGlobal);
  }
  w.u8(0x0b);
  return w.finish();
}
