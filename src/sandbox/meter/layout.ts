/**
 * The index spaces of the rewritten module: which type each function gets, and the small
 * functions the meter appends (entries for the host, adapters for imports in tables).
 *
 * Every defined function keeps its index but takes two more parameters, fuel (i64) and stack
 * height (i32), and returns its fuel as one more result: "ext" types. The host and the original
 * signatures meet only at *entries* (an export, the start function, or — when tables are shared
 * with the host — a table slot), which load fuel and height from the exported globals, call the
 * function and store the fuel back. Imports are called with the globals written first; an import
 * placed in a private table is reached through an *adapter* with the ext type.
 */
import { DecodeError } from '../binary/bytes.js';
import { type FuncType, type ModuleInfo, type ValType } from '../binary/module.js';

const FUNCREF = 0x70;
export const I64 = 0x7e;
export const I32 = 0x7f;

/** An appended function: an entry (original type, host protocol) or an adapter (ext type, to an import). */
export interface Extra {
  kind: 'entry' | 'adapter';
  target: number;
  type: number;
}

export class Layout {
  readonly types: FuncType[];
  readonly imported: number;
  /** Index of the first appended function. */
  readonly firstExtra: number;
  readonly extras: Extra[] = [];
  /**
   * True when no funcref can pass between guest and host (no table or funcref global is imported
   * or exported, and no import or export signature carries a funcref). Tables then hold ext
   * functions and `call_indirect` passes fuel in registers; otherwise tables hold entries.
   */
  readonly privateTables: boolean;
  /** Type index of each imported function. */
  private readonly importTypes: number[];
  /** Functions named by `ref.func` in the rewritten code and globals (to declare). */
  readonly refFuncs = new Set<number>();
  private readonly typeIndex = new Map<string, number>();
  private readonly extOf = new Map<number, number>();
  private readonly extraOf = new Map<number, number>();

  constructor(
    readonly info: ModuleInfo,
    readonly fuelGlobal: number,
    readonly depthGlobal: number,
  ) {
    this.types = info.types.slice();
    this.types.forEach((t, i) => {
      const key = typeKey(t.params, t.results);
      if (!this.typeIndex.has(key)) this.typeIndex.set(key, i);
    });
    this.importTypes = info.imports.flatMap((i) => (i.kind === 'func' ? [i.typeIndex] : []));
    this.imported = info.importedFuncs;
    this.firstExtra = this.imported + info.code.length;
    this.privateTables = !sharesFuncrefs(info);
  }

  /** Type of function `func` in the original module. */
  funcType(func: number): FuncType {
    const idx = func < this.imported ? this.importTypes[func]! : this.info.funcTypes[func - this.imported]!;
    const t = this.info.types[idx];
    if (!t) throw new DecodeError(`function ${func} has an unknown type`, 0);
    return t;
  }

  /** Index of a type with these params and results, appended when absent. */
  intern(params: ValType[], results: ValType[]): number {
    const key = typeKey(params, results);
    let idx = this.typeIndex.get(key);
    if (idx === undefined) {
      idx = this.types.length;
      this.types.push({ params: params.slice(), results: results.slice() });
      this.typeIndex.set(key, idx);
    }
    return idx;
  }

  /** ext(T) = (params, i64 fuel, i32 height) -> (results, i64 fuel). */
  ext(typeIndex: number): number {
    let idx = this.extOf.get(typeIndex);
    if (idx === undefined) {
      const t = this.info.types[typeIndex];
      if (!t) throw new DecodeError(`unknown type index ${typeIndex}`, 0);
      idx = this.intern([...t.params, I64, I32], [...t.results, I64]);
      this.extOf.set(typeIndex, idx);
    }
    return idx;
  }

  /** What the host calls for defined function `func`: its entry. Imports are their own entry. */
  entry(func: number): number {
    return func < this.imported ? func : this.extra('entry', func, this.info.funcTypes[func - this.imported]!);
  }

  /** What a funcref to `func` (table slot, `ref.func`, funcref global) must point at. */
  ref(func: number): number {
    if (!this.privateTables) return this.entry(func);
    return func < this.imported ? this.extra('adapter', func, this.ext(this.importTypes[func]!)) : func;
  }

  /** `ref.func func` in code or a global initialiser: mapped as `ref()`, and remembered. */
  refFunc(func: number): number {
    const target = this.ref(func);
    this.refFuncs.add(target);
    return target;
  }

  private extra(kind: Extra['kind'], target: number, type: number): number {
    const key = kind === 'entry' ? target : -1 - target;
    let idx = this.extraOf.get(key);
    if (idx === undefined) {
      idx = this.firstExtra + this.extras.length;
      this.extras.push({ kind, target, type });
      this.extraOf.set(key, idx);
    }
    return idx;
  }
}

function typeKey(params: ValType[], results: ValType[]): string {
  return `${params.join(',')}>${results.join(',')}`;
}

/** Whether a funcref can cross between guest and host (see `Layout.privateTables`). */
function sharesFuncrefs(info: ModuleInfo): boolean {
  const hasFuncref = (t: FuncType | undefined): boolean => !!t && (t.params.includes(FUNCREF) || t.results.includes(FUNCREF));
  const importedGlobals: ValType[] = [];
  for (const i of info.imports) {
    if (i.kind === 'table') return true;
    if (i.kind === 'func' && hasFuncref(info.types[i.typeIndex])) return true;
    if (i.kind === 'global') {
      if (i.type === FUNCREF) return true;
      importedGlobals.push(i.type);
    }
  }
  for (const e of info.exports) {
    if (e.kind === 1) return true;
    if (e.kind === 3 && (importedGlobals[e.index] ?? info.globals[e.index - importedGlobals.length]) === FUNCREF) return true;
    if (e.kind === 0 && e.index >= info.importedFuncs && hasFuncref(info.types[info.funcTypes[e.index - info.importedFuncs]!])) return true;
  }
  return false;
}
