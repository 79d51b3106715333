/** A seeded 32-bit generator (mulberry32): the same seed gives the same inputs on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** Mixes a run seed and an input index into the seed of that input's generator. */
export function inputSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Values that break size arithmetic: zero, one, sign bits, powers of two, all ones. */
const INTERESTING_32 = [0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x40000000, 0x3fffffff];
const INTERESTING_64: bigint[] = [0n, 1n, -1n, 2n ** 31n, 2n ** 32n, 2n ** 50n, 2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n)];
const INTERESTING_F64 = [0, -0, 1, -1, 0.5, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 5e-324];
/** Text numbers for ASCII header fields (EDF) and JSON. */
const INTERESTING_TEXT = ['-1', '0', '1', '99999999', '-99999999', '1e308', 'NaN', '2147483648', '4294967296', '1.5', ' ', '', '+', '9007199254740993'];

/** Options of {@link mutate}. */
export interface MutateOptions {
  /** Bytes [0, hot) get most of the mutations (headers); default: the whole input. */
  hot?: number;
  /** Most mutations stacked on one input (default 6). */
  maxStack?: number;
}

/**
 * Applies 1..maxStack random mutations to a copy of `input`: bit flips, interesting 8/16/32/64-bit
 * integers and doubles (little- and big-endian), ASCII numbers, truncation, growth, chunk
 * duplication, deletion and splicing. Most land in the first `hot` bytes (the header).
 *
 * @example
 * ```ts
 * const bad = mutate(goodFile, new Rng(inputSeed(42, i)), { hot: 2048 });
 * ```
 */
export function mutate(input: Uint8Array, rng: Rng, opts: MutateOptions = {}): Uint8Array {
  let b: Uint8Array = input.slice();
  const n = 1 + rng.int(opts.maxStack ?? 6);
  const pos = (width = 1): number => {
    const len = Math.max(1, b.length - width + 1);
    const hot = Math.min(opts.hot ?? len, len);
    return rng.next() < 0.8 ? rng.int(hot) : rng.int(len);
  };
  for (let k = 0; k < n; k++) {
    if (b.length === 0) b = new Uint8Array([rng.int(256)]);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const op = rng.int(12);
    switch (op) {
      case 0: {
        const p = pos();
        b[p] = b[p]! ^ (1 << rng.int(8));
        break;
      }
      case 1:
        b[pos()] = rng.pick([0, 1, 0x7f, 0x80, 0xff, rng.int(256)]);
        break;
      case 2:
        if (b.length >= 2) v.setUint16(pos(2), rng.pick(INTERESTING_32) & 0xffff, rng.next() < 0.5);
        break;
      case 3:
        if (b.length >= 4) v.setUint32(pos(4), rng.pick(INTERESTING_32) >>> 0, rng.next() < 0.5);
        break;
      case 4:
        if (b.length >= 8) v.setBigInt64(pos(8), rng.pick(INTERESTING_64), rng.next() < 0.5);
        break;
      case 5:
        if (b.length >= 8) v.setFloat64(pos(8), rng.pick(INTERESTING_F64), true);
        break;
      case 6: {
        const t = new TextEncoder().encode(rng.pick(INTERESTING_TEXT).padEnd(rng.int(9), ' '));
        const p = pos(t.length);
        b.set(t.subarray(0, b.length - p), p);
        break;
      }
      case 7:
        b = b.slice(0, rng.next() < 0.5 ? pos() : rng.int(b.length + 1));
        break;
      case 8: {
        const extra = new Uint8Array(1 + rng.int(4096));
        for (let i = 0; i < extra.length; i++) extra[i] = rng.next() < 0.5 ? 0 : rng.int(256);
        b = concat(b, extra);
        break;
      }
      case 9: {
        const a = pos();
        const len = 1 + rng.int(Math.min(4096, b.length - a));
        const at = pos();
        b = concat(b.subarray(0, at), b.subarray(a, a + len), b.subarray(at));
        break;
      }
      case 10: {
        const a = pos();
        const len = 1 + rng.int(Math.min(1024, b.length - a));
        b = concat(b.subarray(0, a), b.subarray(a + len));
        break;
      }
      default: {
        const p = pos();
        const len = 1 + rng.int(Math.min(64, b.length - p));
        for (let i = 0; i < len; i++) b[p + i] = rng.int(256);
      }
    }
  }
  return b;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Mutates a JSON document structurally: replaces a random value by an interesting one (wrong
 * types, negative / fractional / huge numbers, arrays for scalars, deep nesting, `__proto__`),
 * deletes or adds a key. Falls back to byte mutation when the text is not JSON.
 *
 * @example
 * ```ts
 * const bad = mutateJson(stateJsonBytes, rng);
 * ```
 */
export function mutateJson(input: Uint8Array, rng: Rng): Uint8Array {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(input));
  } catch {
    return mutate(input, rng);
  }
  const weird = (): unknown =>
    rng.pick<() => unknown>([
      () => null, () => 1.5, () => -2, () => [-2, 3], () => 1e308, () => -0, () => '', () => 'x', () => true, () => ({}), () => [],
      () => 2 ** 53 + 2, () => Number.MAX_SAFE_INTEGER, () => JSON.parse('{"__proto__": {"polluted": 1}}'),
      () => deep(rng.int(3) === 0 ? 100_000 : 50),
    ])();
  const steps = 1 + rng.int(3);
  for (let s = 0; s < steps; s++) {
    const paths = collect(doc);
    if (paths.length === 0) break;
    const [parent, key] = rng.pick(paths);
    const r = rng.int(5);
    if (parent === undefined) doc = weird();
    else if (r === 0 && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
    else if (r === 1 && !Array.isArray(parent)) (parent as Record<string, unknown>)[`k${rng.int(10)}`] = weird();
    else (parent as Record<string | number, unknown>)[key] = weird();
  }
  let text: string;
  try {
    text = JSON.stringify(doc) ?? 'null';
  } catch {
    text = '[]'.padStart(200_001, '[').padEnd(400_002, ']'); // too deep for stringify: send it raw
  }
  return new TextEncoder().encode(rng.next() < 0.2 ? textTweak(text, rng) : text);
}

function deep(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Every (parent, key) pair of a JSON value; [undefined, ''] for the root. */
function collect(doc: unknown): [unknown, string | number][] {
  const out: [unknown, string | number][] = [[undefined, '']];
  const stack: unknown[] = [doc];
  let guard = 0;
  while (stack.length && guard++ < 10_000) {
    const v = stack.pop();
    if (v && typeof v === 'object') {
      for (const [k, c] of Object.entries(v)) {
        out.push([v, Array.isArray(v) ? Number(k) : k]);
        stack.push(c);
      }
    }
  }
  return out;
}

/** Small textual damage to JSON text: cut, stray bracket, lone surrogate escape. */
function textTweak(text: string, rng: Rng): string {
  const p = rng.int(text.length + 1);
  return rng.pick([
    () => text.slice(0, p),
    () => `${text.slice(0, p)}${rng.pick(['{', ']', '"', ',', '\\ud800', '\u0000', 'NaN'])}${text.slice(p)}`,
  ])();
}
