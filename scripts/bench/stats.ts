/**
 * What every benchmark area shares: timing, order statistics, the machine description, the
 * printed table and the JSON file under bench-results/. Benchmarks are scripts, never timed
 * tests: the machines they run on are shared and noisy, so areas compare ratios measured in one
 * run, interleave the variants they compare and report medians.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** Wall time of one call, in ms. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('percentile of an empty sample');
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** One measured figure: what the table prints and the JSON keeps. */
export interface Figure {
  /** Short id, stable across runs (for comparing JSON files). */
  id: string;
  label: string;
  value: number;
  unit: 'ms' | 'µs' | 'x' | 'fuel' | 'B' | '';
  /** Pass when value <= target. */
  target?: number;
  /** Individual samples, for the JSON only. */
  samples?: number[];
}

export function met(f: Figure): boolean | null {
  return f.target === undefined ? null : f.value <= f.target;
}

function show(value: number, unit: Figure['unit']): string {
  if (unit === 'fuel' || unit === '') return Math.round(value).toLocaleString('en-US');
  if (unit === 'B') return `${Math.round(value).toLocaleString('en-US')} B`;
  const digits = unit === 'x' ? 3 : value >= 100 ? 1 : value >= 1 ? 2 : 3;
  return `${value.toFixed(digits)}${unit === 'x' ? '×' : ` ${unit}`}`;
}

/** Prints figures as an aligned text table: label, measured, target, met. */
export function printTable(figures: readonly Figure[]): void {
  const rows = [
    ['figure', 'measured', 'target', 'met'],
    ...figures.map((f) => {
      const ok = met(f);
      return [f.label, show(f.value, f.unit), f.target === undefined ? '' : `≤ ${show(f.target, f.unit)}`, ok === null ? '' : ok ? 'yes' : 'NO'];
    }),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

/** Writes bench-results/<area>.json (gitignored) and returns its path. */
export async function writeResults(area: string, data: Record<string, unknown>): Promise<string> {
  const dir = join(process.cwd(), 'bench-results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${area}.json`);
  const json = JSON.stringify(data, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
  await writeFile(path, `${json}\n`);
  return path;
}

/**
 * Runs each variant `reps` times, alternating their order every repetition, so drift on a noisy
 * machine hits all of them alike. Each variant returns the ms it measured itself.
 */
export async function interleave<K extends string>(reps: number, variants: Record<K, () => Promise<number>>): Promise<Record<K, number[]>> {
  const keys = Object.keys(variants) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? keys : [...keys].reverse();
    for (const k of order) samples[k].push(await variants[k]());
  }
  return samples;
}
