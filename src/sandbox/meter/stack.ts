/**
 * Where the deterministic stack height is checked. A check costs a compare and a branch per
 * call; it is enough that every cycle of the call graph (./callgraph.ts) passes one and that what
 * runs between checks is bounded.
 *
 * Every function that calls another adds its frame weight to the height it passes on, so a
 * function always receives the exact weight of the frames below it. *Accounted* functions also
 * check on entry that their height plus their *reserve* stays within STACK_LIMIT_SLOTS, and trap
 * otherwise. They are:
 * - a set that cuts every cycle of the call graph, chosen greedily (`breakCycles`);
 * - the targets of tail calls, so a tail call never puts an unchecked frame in its caller's place;
 * - any function whose chain would pass CHAIN_CAP, so reserves stay small.
 * The other functions form an acyclic graph. The *chain* of one is the heaviest call path
 * through unaccounted functions that starts with its frame (and may end with an adapter's, when
 * an import sits in a private table); an accounted function reserves the heaviest chain among
 * its callees. An entry from the host checks its own frame plus its target's chain.
 *
 * Why V8's stack is never exhausted first: whatever frame is on top, the frames from the nearest
 * accounted frame (or entry) below it up to it form a call path through unaccounted functions, so
 * they weigh at most that frame's reserve, and its check found height + reserve within the
 * limit. Host frames between an import and an export it calls back are covered by the
 * HOST_CALL_SLOTS added to the height published before the import (costs.ts).
 */
import { buildCallGraph, components, selfLoop, type CallGraph } from './callgraph.js';
import { STACK_FRAME_BASE, STACK_LIMIT_SLOTS } from './costs.js';
import { frameWeight, type Decoded } from './decode.js';
import type { Layout } from './layout.js';

/** Largest chain of unaccounted frames, and so reserve (1/16 of the limit). */
export const CHAIN_CAP = STACK_LIMIT_SLOTS >> 4;

export interface StackPlan {
  /** Frame weight of each defined function (./decode.ts). */
  weight: Int32Array;
  /** Whether each defined function checks the height on entry. */
  accounted: Uint8Array;
  /** For accounted functions: the heaviest chain one of its calls can start (0 otherwise). */
  reserve: Int32Array;
  /** Frame weight of the entry for defined function `i`. */
  entryWeight(i: number): number;
  /** What an entry for `i` reserves above its own frame: `i`'s chain when `i` does not check. */
  entryReserve(i: number): number;
}

export function planStack(layout: Layout, decoded: Decoded[]): StackPlan {
  const { info, imported } = layout;
  const g = buildCallGraph(layout, decoded);
  const { defined, total } = g;
  const weight = new Int32Array(defined);
  for (let i = 0; i < defined; i++) weight[i] = frameWeight(info, layout.funcType(imported + i), i);

  const accounted = new Uint8Array(total);
  accounted.set(g.tailTarget);
  breakCycles(g, accounted, (v) => decoded[v]!.n);

  // Chains, callees first: the unaccounted functions form an acyclic graph now.
  const chain = new Int32Array(total);
  const alive = accounted.map((a) => 1 - a);
  for (const scc of components(g, alive)) {
    const v = scc[0]!;
    if (scc.length > 1 || selfLoop(g, v)) throw new Error('meter: a cycle of unaccounted functions was left');
    let max = g.adapterWeight[v]!;
    for (let e = g.callStart[v]!; e < g.callStart[v + 1]!; e++) max = Math.max(max, chain[g.callEdges[e]!]!);
    const c = (v < defined ? weight[v]! : 0) + max;
    // A virtual node's functions are each within the cap already.
    if (v < defined && c > CHAIN_CAP) accounted[v] = 1;
    else chain[v] = c;
  }

  const reserve = new Int32Array(defined);
  for (let i = 0; i < defined; i++) {
    if (!accounted[i]) continue;
    for (let e = g.callStart[i]!; e < g.callStart[i + 1]!; e++) reserve[i] = Math.max(reserve[i]!, chain[g.callEdges[e]!]!);
  }
  return {
    weight,
    accounted: accounted.subarray(0, defined),
    reserve,
    entryWeight: (i) => STACK_FRAME_BASE + layout.funcType(imported + i).params.length + 2, // ./entries.ts: 2 locals
    entryReserve: (i) => chain[i]!,
  };
}

/**
 * Marks functions accounted until every cycle has one (a feedback vertex set). Each round takes,
 * in every component that still has a cycle, the function with the most calls in times calls
 * out within it (ties: the larger body, whose check costs least next to its work): a function
 * many cycles share. Hot small helpers are usually leaves of such hubs, so most stay unchecked.
 * Virtual nodes are never taken: every cycle through one passes a defined function too.
 */
function breakCycles(g: CallGraph, accounted: Uint8Array, size: (v: number) => number): void {
  const comp = new Int32Array(g.total);
  const inside = new Int32Array(g.total);
  const outside = new Int32Array(g.total);
  // Only nodes of a component that had a cycle can be on one in the next round.
  const alive = accounted.map((a) => 1 - a);
  for (;;) {
    const cyclic = components(g, alive).filter((scc) => scc.length > 1 || selfLoop(g, scc[0]!));
    if (cyclic.length === 0) return;
    alive.fill(0);
    for (const scc of cyclic) for (const v of scc) alive[v] = 1;
    comp.fill(-1);
    inside.fill(0);
    outside.fill(0);
    cyclic.forEach((scc, i) => scc.forEach((v) => (comp[v] = i)));
    for (const scc of cyclic) {
      for (const v of scc) {
        const count = (w: number): void => {
          if (comp[w] !== comp[v]) return;
          outside[v]!++;
          inside[w]!++;
        };
        for (let e = g.callStart[v]!; e < g.callStart[v + 1]!; e++) count(g.callEdges[e]!);
        for (let e = g.tailStart[v]!; e < g.tailStart[v + 1]!; e++) count(g.tailEdges[e]!);
      }
    }
    for (const scc of cyclic) {
      let best = -1;
      for (const v of scc) {
        if (v >= g.defined) continue;
        const score = inside[v]! * outside[v]!;
        const bestScore = best < 0 ? -1 : inside[best]! * outside[best]!;
        if (score > bestScore || (score === bestScore && size(v) > size(best))) best = v;
      }
      accounted[best] = 1;
      alive[best] = 0;
    }
  }
}
