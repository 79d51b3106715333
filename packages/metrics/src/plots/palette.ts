import { ArgumentError } from '@nnkit/tensor';
/** Tableau-10 colours, used for classes in the same order everywhere. */
export const CLASS_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Class names for class indices 0..k-1: the given names or `class 0`, `class 1`, …. */
export function classNamesFor(k: number, names: readonly string[] | undefined, fn: string): string[] {
  if (names && names.length < k) {
    throw new ArgumentError(fn, `expected at least ${k} class names, got ${names.length} (${names.join(', ')})`);
  }
  return Array.from({ length: k }, (_, i) => names?.[i] ?? `class ${i}`);
}

/** Colour range for `k` classes (cycles past 10). */
export function classColors(k: number): string[] {
  return Array.from({ length: k }, (_, i) => CLASS_COLORS[i % CLASS_COLORS.length]!);
}
