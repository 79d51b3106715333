import { ArgumentError } from '../../errors/errors.js';
/**
 * The global seeded random number generator of nnkit, like `torch.manual_seed`. Every random
 * draw in nnkit (parameter init, dropout masks, data shuffling) asks it for a fresh integer
 * seed with {@link nextSeed} and passes it to a tfjs random op, so a run is reproducible
 * after `manualSeed(n)`, and can be checkpointed and resumed bit-identically with
 * {@link getRngState} / {@link setRngState}.
 *
 * The generator is SplitMix32 over a 32-bit state (tiny, fast, JSON-serialisable).
 */

/** Serialisable state of the global RNG (store it in a checkpoint; restore with {@link setRngState}). */
export interface RngState {
  /** Algorithm tag, for forward compatibility. */
  readonly algorithm: 'splitmix32';
  /** The seed last passed to {@link manualSeed}. */
  readonly seed: number;
  /** Internal 32-bit state (unsigned). */
  readonly state: number;
}

/** Default seed of a fresh process (like PyTorch, runs are deterministic until seeded otherwise). */
const DEFAULT_SEED = 67280421;

let seed0 = DEFAULT_SEED >>> 0;
let state = seed0;

function toUint32Seed(seed: number): number {
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new ArgumentError('manualSeed', `seed must be a finite integer, got ${seed}`);
  }
  // Fold seeds beyond 32 bits (e.g. 2**40 + 3) into 32 bits deterministically.
  const lo = seed % 0x100000000;
  const hi = Math.floor(seed / 0x100000000);
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
}

/**
 * Seeds the global RNG (like `torch.manual_seed`). Any integer is accepted.
 *
 * @example
 * ```ts
 * manualSeed(42);
 * const a = nextSeed();
 * manualSeed(42);
 * nextSeed() === a; // true
 * ```
 */
export function manualSeed(seed: number): void {
  seed0 = toUint32Seed(seed);
  state = seed0;
}

/** The seed last set with {@link manualSeed} (or the default one), like `torch.initial_seed()`. @example `initialSeed()` */
export function initialSeed(): number {
  return seed0;
}

/**
 * Advances the global RNG and returns the next seed, a non-negative integer below 2^31,
 * to pass to tfjs random ops (`randomUniform(shape, 0, 1, 'float32', nextSeed())`).
 *
 * @example
 * ```ts
 * const noise = randomNormal([2, 3], 0, 1, 'float32', nextSeed());
 * ```
 */
export function nextSeed(): number {
  state = (state + 0x9e3779b9) >>> 0;
  return mix(state);
}

/** SplitMix32 output function: a 32-bit state to a non-negative 31-bit integer. */
function mix(s: number): number {
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return (z >>> 0) & 0x7fffffff;
}

/**
 * A private seeded stream of uniform floats in [0, 1), independent of the global RNG (drawing
 * from it neither reads nor advances {@link nextSeed}'s state): for code that must be
 * reproducible on its own, such as gradient checks or a recipe's epoch shuffles.
 *
 * @example
 * ```ts
 * const rand = seededRandom(7);
 * const perm = indices.sort(() => rand() - 0.5); // (use a proper Fisher-Yates in real code)
 * ```
 */
export function seededRandom(seed: number): () => number {
  let s = toUint32Seed(seed);
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    return mix(s) / 0x80000000;
  };
}

/**
 * A uniform random float in [0, 1) drawn from the global RNG (for JS-side shuffles and
 * sampling; 31 bits of randomness).
 *
 * @example
 * ```ts
 * const i = Math.floor(randomFloat() * n);
 * ```
 */
export function randomFloat(): number {
  return nextSeed() / 0x80000000;
}

/**
 * Snapshot of the global RNG (like `torch.get_rng_state`), a small JSON-serialisable object.
 *
 * @example
 * ```ts
 * const s = getRngState();
 * const a = nextSeed();
 * setRngState(s);
 * nextSeed() === a; // true
 * ```
 */
export function getRngState(): RngState {
  return { algorithm: 'splitmix32', seed: seed0, state };
}

/** Restores a snapshot taken with {@link getRngState} (like `torch.set_rng_state`). @example `setRngState(checkpoint.rng)` */
export function setRngState(s: RngState): void {
  if (s === null || typeof s !== 'object' || s.algorithm !== 'splitmix32' || !Number.isInteger(s.state) || !Number.isInteger(s.seed)) {
    throw new ArgumentError('setRngState', `expected an object from getRngState() ({algorithm: 'splitmix32', seed, state}), got ${JSON.stringify(s)}`);
  }
  seed0 = s.seed >>> 0;
  state = s.state >>> 0;
}
