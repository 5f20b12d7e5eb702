/**
 * The call graph the stack plan (./stack.ts) works on. Nodes are the defined functions, then one
 * virtual node per function type that `call_indirect` can reach through a private table
 * (./layout.ts): a caller points at the type's node, which points at every function of that type
 * a funcref can name (element segments, `ref.func`, global initialisers). That keeps the graph
 * linear in the module's size however many tables and indirect calls it has. When tables are
 * shared with the host, `call_indirect` lands on entries, which account for themselves, and adds
 * no edge. Imports add none either: the host calls back only through entries.
 */
import { u32At } from '../binary/bytes.js';
import { elementFuncs, globalFuncs } from '../binary/funcrefs.js';
import { Op } from '../binary/instructions.js';
import { SECTION } from '../binary/module.js';
import { STACK_FRAME_BASE } from './costs.js';
import type { Decoded } from './decode.js';
import type { Layout } from './layout.js';

export interface CallGraph {
  /** Nodes below this are defined functions (by index from the first defined function). */
  defined: number;
  total: number;
  /** Edges that keep the caller's frame (calls; a virtual node's functions), as CSR arrays. */
  callStart: Int32Array;
  callEdges: Int32Array;
  /** Edges that replace it (tail calls). */
  tailStart: Int32Array;
  tailEdges: Int32Array;
  /** Defined functions some tail call may reach. */
  tailTarget: Uint8Array;
  /** For a virtual node: the largest adapter frame it may lead to (an import in a table). */
  adapterWeight: Int32Array;
  /** The virtual node for `call_indirect` of `typeIndex`, or -1. */
  typeNode(typeIndex: number): number;
}

export function buildCallGraph(layout: Layout, decoded: Decoded[]): CallGraph {
  const { info, imported } = layout;
  const bytes = info.bytes;
  const defined = decoded.length;
  const typeNodes = new Map<string, number>();
  const members: number[][] = [];
  const adapters: number[] = [];
  const nodeOf = (params: number[], results: number[]): number => {
    const key = `${params.join(',')}>${results.join(',')}`;
    let v = typeNodes.get(key);
    if (v === undefined) {
      v = defined + members.length;
      typeNodes.set(key, v);
      members.push([]);
      adapters.push(0);
    }
    return v;
  };

  if (layout.privateTables) {
    const seen = new Set<number>();
    const addRef = (func: number): void => {
      if (seen.has(func)) return;
      seen.add(func);
      const t = layout.funcType(func);
      const v = nodeOf(t.params, t.results) - defined;
      if (func >= imported) members[v]!.push(func - imported);
      else adapters[v] = Math.max(adapters[v]!, STACK_FRAME_BASE + t.params.length + 2);
    };
    const section = (id: number) => info.sections.find((s) => s.id === id)?.payload;
    const elements = section(SECTION.element);
    if (elements) elementFuncs(elements, addRef);
    const globals = section(SECTION.global);
    if (globals) globalFuncs(globals, addRef);
    for (const d of decoded) for (const k of d.sites) if (d.ops[k] === Op.RefFunc) addRef(u32At(bytes, d.starts[k]! + 1));
  }

  const calls: number[][] = [];
  const tails: number[][] = [];
  for (const d of decoded) {
    const c = new Set<number>();
    const t = new Set<number>();
    for (const k of d.sites) {
      const op = d.ops[k] as Op;
      const at = d.starts[k]! + 1;
      if (op === Op.Call || op === Op.TailCall) {
        const callee = u32At(bytes, at) - imported;
        if (callee >= 0) (op === Op.Call ? c : t).add(callee);
      } else if ((op === Op.CallIndirect || op === Op.TailCallIndirect) && layout.privateTables) {
        const type = info.types[u32At(bytes, at)]!;
        (op === Op.CallIndirect ? c : t).add(nodeOf(type.params, type.results));
      }
    }
    calls.push([...c]);
    tails.push([...t]);
  }
  const total = defined + members.length;
  const tailTarget = new Uint8Array(defined);
  for (const t of tails) for (const v of t) for (const f of v < defined ? [v] : members[v - defined]!) tailTarget[f] = 1;
  const [callStart, callEdges] = csr([...calls, ...members]);
  const [tailStart, tailEdges] = csr([...tails, ...members.map(() => [])]);
  const adapterWeight = new Int32Array(total);
  adapters.forEach((w, i) => (adapterWeight[defined + i] = w));
  return {
    defined, total, callStart, callEdges, tailStart, tailEdges, tailTarget, adapterWeight,
    typeNode: (typeIndex) => {
      const t = info.types[typeIndex]!;
      return typeNodes.get(`${t.params.join(',')}>${t.results.join(',')}`) ?? -1;
    },
  };
}

function csr(lists: number[][]): [Int32Array, Int32Array] {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (start[i + 1] = start[i]! + l.length));
  const edges = new Int32Array(start[lists.length]!);
  lists.forEach((l, i) => edges.set(l, start[i]!));
  return [start, edges];
}

/** Whether `v` calls itself (directly, or by a tail call). */
export function selfLoop(g: CallGraph, v: number): boolean {
  for (let e = g.callStart[v]!; e < g.callStart[v + 1]!; e++) if (g.callEdges[e] === v) return true;
  for (let e = g.tailStart[v]!; e < g.tailStart[v + 1]!; e++) if (g.tailEdges[e] === v) return true;
  return false;
}

/**
 * Strongly connected components of the graph restricted to nodes with `alive[v]`, callees
 * first (each component comes after every component it reaches). Tarjan's algorithm, iterative.
 */
export function components(g: CallGraph, alive: Uint8Array): number[][] {
  const n = g.total;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const workV = new Int32Array(n);
  const workE = new Int32Array(n);
  const out: number[][] = [];
  let sp = 0;
  let wp = 0;
  let next = 0;
  const open = (v: number): void => {
    index[v] = low[v] = next++;
    stack[sp++] = v;
    onStack[v] = 1;
    workV[wp] = v;
    workE[wp++] = 0;
  };
  for (let root = 0; root < n; root++) {
    if (!alive[root] || index[root] !== -1) continue;
    open(root);
    while (wp > 0) {
      const v = workV[wp - 1]!;
      const e = workE[wp - 1]!;
      const nCalls = g.callStart[v + 1]! - g.callStart[v]!;
      if (e < nCalls + g.tailStart[v + 1]! - g.tailStart[v]!) {
        workE[wp - 1] = e + 1;
        const w = e < nCalls ? g.callEdges[g.callStart[v]! + e]! : g.tailEdges[g.tailStart[v]! + e - nCalls]!;
        if (!alive[w]) continue;
        if (index[w] === -1) open(w);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      wp--;
      if (wp > 0) low[workV[wp - 1]!] = Math.min(low[workV[wp - 1]!]!, low[v]!);
      if (low[v] === index[v]) {
        const scc: number[] = [];
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          scc.push(w);
        } while (w !== v);
        out.push(scc);
      }
    }
  }
  return out;
}
