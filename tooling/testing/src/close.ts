import type { Tensor } from '@tensorflow/tfjs-core';

/** Tolerances for {@link assertClose}: |a - e| <= atol + rtol * |e|, element-wise (numpy.allclose). */
export interface CloseOptions {
  atol?: number;
  rtol?: number;
  /** Label used in the failure message. */
  name?: string;
}

/** Result of comparing two arrays. */
export interface Closeness {
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  worstIndex: number;
  size: number;
}

/** A tensor, an array of numbers or a single number. */
export type Numeric = Tensor | ArrayLike<number> | number;

function toArray(x: Numeric): { data: ArrayLike<number>; shape: number[] } {
  if (typeof x === 'number') return { data: [x], shape: [] };
  if (typeof (x as Tensor).dataSync === 'function') {
    const t = x as Tensor;
    return { data: t.dataSync() as ArrayLike<number>, shape: t.shape.slice() };
  }
  const a = x as ArrayLike<number>;
  return { data: a, shape: [a.length] };
}

/** Compares two arrays/tensors element-wise with numpy.allclose semantics. */
export function closeness(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): Closeness {
  const atol = opts.atol ?? 1e-4;
  const rtol = opts.rtol ?? 1e-4;
  const a = toArray(actual).data;
  const e = toArray(expected).data;
  let ok = a.length === e.length;
  let maxAbs = 0;
  let maxRel = 0;
  let worstIndex = -1;
  let worstExcess = -Infinity;
  const n = Math.min(a.length, e.length);
  for (let i = 0; i < n; i++) {
    const av = a[i]!;
    const ev = e[i]!;
    if (Number.isNaN(av) || Number.isNaN(ev)) {
      if (!(Number.isNaN(av) && Number.isNaN(ev))) {
        ok = false;
        worstIndex = i;
        worstExcess = Infinity;
      }
      continue;
    }
    const d = Math.abs(av - ev);
    const rel = d / Math.max(Math.abs(ev), 1e-30);
    if (d > maxAbs) maxAbs = d;
    if (d > atol && rel > maxRel) maxRel = rel;
    const excess = d - (atol + rtol * Math.abs(ev));
    if (excess > worstExcess) {
      worstExcess = excess;
      worstIndex = i;
    }
    if (excess > 0) ok = false;
  }
  return { ok, maxAbs, maxRel, worstIndex, size: n };
}

/**
 * Throws if `actual` and `expected` differ beyond `atol + rtol * |expected|` anywhere,
 * or if their shapes differ (when both are tensors).
 */
export function assertClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): void {
  const A = toArray(actual);
  const E = toArray(expected);
  const label = opts.name ? `${opts.name}: ` : '';
  const bothTensors = typeof actual === 'object' && typeof expected === 'object' && 'shape' in actual && 'shape' in expected;
  if (bothTensors && A.shape.join(',') !== E.shape.join(',')) {
    throw new Error(`${label}shape mismatch: got [${A.shape}] expected [${E.shape}]`);
  }
  if (A.data.length !== E.data.length) {
    throw new Error(`${label}size mismatch: got ${A.data.length} expected ${E.data.length}`);
  }
  const c = closeness(A.data, E.data, opts);
  if (!c.ok) {
    const i = c.worstIndex;
    throw new Error(
      `${label}not close (atol=${opts.atol ?? 1e-4}, rtol=${opts.rtol ?? 1e-4}): max |diff| ${c.maxAbs.toExponential(3)}, ` +
        `worst at flat index ${i}: got ${A.data[i]} expected ${E.data[i]} (${c.size} elements)`,
    );
  }
}
