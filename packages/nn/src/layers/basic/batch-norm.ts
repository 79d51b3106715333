import {
  add,
  cast,
  customGrad,
  div,
  type GradSaveFunc,
  keep,
  matMul,
  mul,
  ones,
  reshape,
  rsqrt,
  scalar,
  sub,
  sum,
  type Tensor,
  tensor1d,
  tidy,
  type Variable,
  zeros,
} from '@tensorflow/tfjs-core';
import { Module } from '../../module.js';
import { Parameter } from '../../parameter.js';
import { WeightCache } from '../../weight-cache.js';
import { ShapeError } from '../../errors.js';
import { ArgumentError, batchNormRows, batchNormRowsGrad, hasSimdBatchNorm } from '@nnkit/tensor';
import { checkFloatInput } from '../float-input.js';

/** Options for {@link BatchNorm1d} / {@link BatchNorm2d} (PyTorch keyword names). */
export interface BatchNormOptions {
  /** Added to the variance for stability. Default `1e-5`. */
  eps?: number;
  /** Running-stat update factor; `null` = cumulative moving average. Default `0.1`. */
  momentum?: number | null;
  /** Learnable per-channel `weight` (γ) and `bias` (β). Default `true`. */
  affine?: boolean;
  /** Keep `running_mean`/`running_var`/`num_batches_tracked`; without, batch stats are used in eval too. Default `true`. */
  trackRunningStats?: boolean;
}

/** Batch statistics of one training batch, per channel (e.g. from a fused op that computes them itself). */
export interface BatchStatistics {
  /** Batch mean `[C]`. */
  mean: Tensor;
  /** Batch (biased) variance `[C]`. */
  variance: Tensor;
  /** Number of values per channel in the batch. */
  count: number;
}

/** Batch norm as one per-channel affine map `y = x·scale + shift` (a type, so `tidy` can return it). */
export type BatchNormAffine = {
  /** `γ / sqrt(var + eps)`, `[C]`. */
  scale: Tensor;
  /** `β − mean·scale`, `[C]`. */
  shift: Tensor;
};

/**
 * Folds batch-norm statistics and parameters into one affine map (the only place nnkit writes
 * this formula): `scale = γ·rsqrt(var + eps)`, `shift = β − mean·scale` (γ = 1, β = 0 when absent).
 * Shapes follow the arguments (`[C]` or broadcastable, e.g. `[1, C, 1, 1]`).
 */
function foldBatchNorm(mean: Tensor, variance: Tensor, eps: number, gamma: Tensor | null, beta: Tensor | null): [Tensor, Tensor] {
  const invStd = rsqrt(add(variance, eps));
  const scale = gamma ? mul(invStd, gamma) : invStd;
  const shift0 = mul(mean, scale);
  return [scale, beta ? sub(beta, shift0) : mul(shift0, -1)];
}

/**
 * Shared implementation of batch normalisation over dim 1 (channels), PyTorch semantics:
 * train mode normalises with the batch mean and biased variance and updates the running stats
 * with the unbiased variance; eval mode folds the running stats into one scale/shift.
 */
export abstract class BatchNormBase extends Module {
  /** Number of channels `C`. */
  readonly numFeatures: number;
  /** Variance epsilon. */
  readonly eps: number;
  /** Running-stat momentum, or `null` for a cumulative average. */
  momentum: number | null;
  /** Whether `weight`/`bias` exist. */
  readonly affine: boolean;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;
  /** γ `[C]` (ones), or `null` without `affine`. */
  readonly weight: Parameter | null;
  /** β `[C]` (zeros), or `null` without `affine`. */
  readonly bias: Parameter | null;
  /** Running mean `[C]` (buffer `running_mean`), or `null`. */
  readonly runningMean: Variable | null;
  /** Running variance `[C]` (buffer `running_var`), or `null`. */
  readonly runningVar: Variable | null;
  /** Number of train-mode batches seen, int32 scalar (buffer `num_batches_tracked`), or `null`. */
  readonly numBatchesTracked: Variable | null;

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new ArgumentError(this.constructor.name, `numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.weight = this.registerParameter('weight', this.affine ? new Parameter(ones([numFeatures])) : null);
    this.bias = this.registerParameter('bias', this.affine ? new Parameter(zeros([numFeatures])) : null);
    const track = this.trackRunningStats;
    this.runningMean = track ? this.registerBuffer('running_mean', zeros([numFeatures])) : (this.registerBuffer('running_mean', null), null);
    this.runningVar = track ? this.registerBuffer('running_var', ones([numFeatures])) : (this.registerBuffer('running_var', null), null);
    this.numBatchesTracked = track
      ? this.registerBuffer('num_batches_tracked', scalar(0, 'int32'))
      : (this.registerBuffer('num_batches_tracked', null), null);
  }

  /** Valid input ranks, e.g. `[2, 3]`, and their description for errors. */
  protected abstract readonly ranks: readonly number[];
  /** Human-readable expected shape, e.g. `[B, C, H, W]`. */
  protected abstract readonly layout: string;

  /** Resets running stats to mean 0, var 1, count 0 (`reset_running_stats`). */
  resetRunningStats(): void {
    tidy(() => {
      this.runningMean?.assign(zeros([this.numFeatures]));
      this.runningVar?.assign(ones([this.numFeatures]));
      this.numBatchesTracked?.assign(scalar(0, 'int32'));
    });
  }

  /** `x: [B, C, ...]` → same shape. */
  forward(x: Tensor): Tensor {
    const C = this.numFeatures;
    checkFloatInput(this, x);
    if (!this.ranks.includes(x.rank) || x.shape[1] !== C) {
      throw new ShapeError(this.path(), this.layout.replaceAll('C', `C=${C}`), x.shape);
    }
    const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
    if (x.size === 0) {
      // An empty batch: PyTorch returns an empty output and, in training, counts the batch
      // without touching the running statistics.
      if (this.training && this.trackRunningStats) tidy(() => this.numBatchesTracked!.assign(add(this.numBatchesTracked!, scalar(1, 'int32'))));
      return xf.clone();
    }
    const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
    if (this.usesBatchStats) {
      const n = x.size / C;
      if (n <= 1) {
        throw new ShapeError(this.path(), `more than 1 value per channel when training (${this.layout})`, x.shape);
      }
      const r = batchNormTrain(xf, this.weight?.data ?? null, this.bias?.data ?? null, bshape, this.eps);
      if (this.training && this.trackRunningStats) this.updateRunningStats(r.mean, r.variance, n);
      r.mean.dispose();
      r.variance.dispose();
      return r.y;
    }
    // Eval: y = (x - mean)·invStd·γ + β, folded into one per-channel scale and shift.
    const fold = (): Tensor[] => {
      const b = (t: Tensor | null | undefined): Tensor | null => (t ? reshape(t, bshape) : null);
      return foldBatchNorm(b(this.runningMean)!, b(this.runningVar)!, this.eps, b(this.weight?.data), b(this.bias?.data));
    };
    let cache = this.caches.get(x.rank);
    if (this.weightCaching && cache === undefined) this.caches.set(x.rank, (cache = new WeightCache()));
    const [scale, shift] = this.weightCaching ? cache!.get([this.runningMean, this.runningVar, this.weight?.data, this.bias?.data], fold) : fold();
    return add(mul(xf, scale!), shift!);
  }

  /** Eval-mode scale and shift per input rank, and the `[C]` form of {@link BatchNormBase.asAffine} (see `Module.cacheWeights`). */
  private readonly caches = new Map<number, WeightCache>();
  private readonly affineCache = new WeightCache();

  protected override clearWeightCache(): void {
    for (const c of this.caches.values()) c.clear();
    this.caches.clear();
    this.affineCache.clear();
  }

  /**
   * Whether `forward` normalises with the batch's own statistics (train mode, or no running
   * statistics kept) rather than the running ones.
   */
  get usesBatchStats(): boolean {
    return this.training || !this.trackRunningStats;
  }

  /**
   * This layer as one per-channel affine map `y = x·scale + shift` (`[C]` each), for a parent
   * that applies it inside a fused op (e.g. folded into a convolution's weights) — the same
   * folding `forward` uses. With running statistics in eval mode, from those (kept between calls
   * under `cacheWeights()`; do not dispose). When {@link BatchNormBase.usesBatchStats}, from
   * `batch`, the statistics the fused op computed for this batch — and in train mode with running
   * statistics, those are recorded as `forward` would (running mean/variance, batch count).
   * Differentiable in γ, β and `batch`.
   *
   * Returns null when `forward` must run instead: forward hooks are registered on the layer, or
   * batch statistics of at most one value per channel (`forward` raises the error).
   *
   * @throws ArgumentError when batch statistics are needed and `batch` is missing.
   * @example
   * ```ts
   * const bn = new BatchNorm2d(8).eval();
   * const { scale, shift } = bn.asAffine()!; // bn(x) == x·scale[c] + shift[c]
   * ```
   */
  asAffine(batch?: BatchStatistics): BatchNormAffine | null {
    if (this.hasHooks()) return null;
    if (!this.usesBatchStats) {
      const fold = (): Tensor[] => foldBatchNorm(this.runningMean!, this.runningVar!, this.eps, this.weight?.data ?? null, this.bias?.data ?? null);
      const [scale, shift] = this.weightCaching ? this.affineCache.get([this.runningMean, this.runningVar, this.weight?.data, this.bias?.data], fold) : fold();
      return { scale: scale!, shift: shift! };
    }
    if (batch === undefined) throw new ArgumentError(this.path(), 'asAffine needs the batch statistics { mean, variance, count } in train mode or without running statistics');
    if (batch.count <= 1) return null;
    if (this.training && this.trackRunningStats) this.updateRunningStats(batch.mean, batch.variance, batch.count);
    const [scale, shift] = foldBatchNorm(batch.mean, batch.variance, this.eps, this.weight?.data ?? null, this.bias?.data ?? null);
    return { scale: scale!, shift: shift! };
  }

  /**
   * Updates `running_mean`/`running_var` and `num_batches_tracked` from one training batch's
   * statistics (PyTorch's rule: the running variance takes the UNBIASED variance
   * `biasedVar·n/(n−1)`; `momentum: null` gives a cumulative average). Computed in JavaScript
   * doubles over the `C` channel values, as PyTorch's CPU update computes in `accscalar_t`
   * (double), and rounded once to float32: no kernels (it took nine small ones per layer and step).
   */
  private updateRunningStats(mean: Tensor, biasedVar: Tensor, n: number): void {
    // mean and biasedVar hold C values in any shape ([C] or [1, C, 1, ...]): only their data is read
    if (!this.trackRunningStats) return;
    const count = this.numBatchesTracked!.dataSync()[0]! + 1;
    const f = this.momentum === null ? 1 / count : this.momentum;
    const m = mean.dataSync();
    const v = biasedVar.dataSync();
    const rm = this.runningMean!.dataSync();
    const rv = this.runningVar!.dataSync();
    const correction = n / (n - 1);
    const newMean = new Float32Array(rm.length);
    const newVar = new Float32Array(rv.length);
    for (let c = 0; c < rm.length; c++) {
      newMean[c] = f * m[c]! + (1 - f) * rm[c]!;
      newVar[c] = f * (v[c]! * correction) + (1 - f) * rv[c]!;
    }
    tidy(() => {
      this.numBatchesTracked!.assign(scalar(count, 'int32'));
      this.runningMean!.assign(tensor1d(newMean));
      this.runningVar!.assign(tensor1d(newVar));
    });
  }

  /** Multiply-adds of one forward pass: one multiply and one add per output element. */
  multAdds(_inputShape: number[], outputShape: number[]): number {
    return 2 * outputShape.reduce((a, b) => a * b, 1);
  }

  override extraRepr(): string {
    const mom = this.momentum === null ? 'None' : String(this.momentum);
    const b = (v: boolean): string => (v ? 'True' : 'False');
    return `${this.numFeatures}, eps=${this.eps}, momentum=${mom}, affine=${b(this.affine)}, track_running_stats=${b(this.trackRunningStats)}`;
  }
}

/**
 * Per-channel sums of `t` `[B, C, ...]` over every axis but 1, as `[C]`: the trailing axes by a
 * matrix-vector product with ones (one pass, no transpose: wasm's reductions over non-innermost
 * axes transpose the whole tensor first), then the small `[B, C]` over the batch.
 */
function channelSum(t: Tensor, B: number, C: number, L: number): Tensor {
  const perImage = L === 1 ? reshape(t, [B, C]) : reshape(matMul(reshape(t, [B * C, L]), ones([L, 1])), [B, C]);
  return B === 1 ? reshape(perImage, [C]) : sum(perImage, 0);
}

/**
 * The forward and backward of {@link batchNormTrain} on nnkit's wasm SIMD kernels (`batchNormRows`
 * from `@nnkit/tensor`): three full-size passes forward, two backward, the same formulas with
 * per-channel sums in float64.
 */
function simdBatchNormTrain(
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  eps: number,
  save: GradSaveFunc,
  setStats: (s: { mean: Tensor; variance: Tensor }) => void,
  perChannel: (t: Tensor) => Tensor,
): { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] } {
  const r = batchNormRows(x, gamma, beta, eps);
  // Kept out of the op's scope for the running-stat update; the caller disposes them.
  setStats({ mean: keep(perChannel(r.mean)), variance: keep(perChannel(r.variance)) });
  save(gamma ? [r.xc, r.invStd, gamma] : [r.xc, r.invStd]);
  return {
    value: r.y,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sxc, si, sg] = saved as [Tensor, Tensor, Tensor | undefined];
      const g = batchNormRowsGrad(dy, sxc, si, sg ?? null);
      const out = [g.dx];
      if (gamma) out.push(g.dGamma);
      else g.dGamma.dispose();
      if (beta) out.push(g.dBeta);
      else g.dBeta.dispose();
      return out;
    },
  };
}

/**
 * Train-mode batch norm with batch statistics and the closed-form gradient, in few full-size
 * passes. With `xc = x − mean`, `invStd = 1/√(var + eps)`, per channel:
 * forward `y = xc·(γ·invStd) + β`; backward `dβ = Σdy`, `dγ = invStd·Σ(dy·xc)` and
 * `dx = P·dy + R·xc + S` with `P = γ·invStd`, `R = −P·invStd·dγ/n`, `S = −P·dβ/n`
 * (PyTorch's `dx = invStd·(g − mean(g) − x̂·mean(g·x̂))`, `g = dy·γ`, rearranged).
 * Per-channel sums by {@link channelSum}: forward 6 full-size passes, backward 7 (the earlier
 * `moments`/`mean` form: 7 and 11, each mean over non-innermost axes transposing the tensor first).
 */
function batchNormTrain(
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  bshape: number[],
  eps: number,
): { y: Tensor; mean: Tensor; variance: Tensor } {
  const [B, C] = x.shape as [number, number];
  const L = x.size / (B * C);
  const n = B * L;
  const perChannel = (t: Tensor): Tensor => reshape(t, bshape);
  let stats: { mean: Tensor; variance: Tensor } | undefined;
  const simd = hasSimdBatchNorm() && x.size > 0;
  const run = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const xx = args[0] as Tensor;
    const save = args[args.length - 1] as GradSaveFunc;
    if (simd) return simdBatchNormTrain(xx, gamma ? (args[1] as Tensor) : null, beta ? (args[gamma ? 2 : 1] as Tensor) : null, eps, save, (s) => (stats = s), perChannel);
    const mean = div(channelSum(xx, B, C, L), n);
    const xc = sub(xx, perChannel(mean));
    const variance = div(channelSum(mul(xc, xc), B, C, L), n);
    // Kept out of the op's scope for the running-stat update; the caller disposes them.
    stats = { mean: keep(perChannel(mean)), variance: keep(perChannel(variance)) };
    const invStd = rsqrt(add(variance, eps)); // [C]
    let y = mul(xc, perChannel(gamma ? mul(invStd, args[1] as Tensor) : invStd));
    if (beta) y = add(y, perChannel(args[gamma ? 2 : 1] as Tensor));
    save(gamma ? [xc, invStd, args[1] as Tensor] : [xc, invStd]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sxc, si, sg] = saved as [Tensor, Tensor, Tensor | undefined];
        const dBeta = channelSum(dy, B, C, L);
        const dGamma = mul(channelSum(mul(dy, sxc), B, C, L), si);
        const P = sg ? mul(sg, si) : si;
        const R = mul(mul(P, si), div(dGamma, -n));
        const S = mul(P, div(dBeta, -n));
        const dx = add(mul(dy, perChannel(P)), add(mul(sxc, perChannel(R)), perChannel(S)));
        const out = [dx];
        if (gamma) out.push(dGamma);
        if (beta) out.push(dBeta);
        return out;
      },
    };
  });
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const y = (run as (...t: Tensor[]) => Tensor)(...inputs);
  return { y, mean: stats!.mean, variance: stats!.variance };
}

/**
 * Batch normalisation over `[B, C]` or `[B, C, L]` (e.g. EEG `[B, channels, time]`), like
 * `torch.nn.BatchNorm1d`. State dict keys: `weight`, `bias`, `running_mean`, `running_var`,
 * `num_batches_tracked`.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(16, { eps: 1e-3, momentum: 0.01 });
 * bn.call(x); // x: [B, 16, T] -> [B, 16, T]
 * bn.eval();  // use running statistics
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3] as const;
  protected readonly layout = '[B, C] or [B, C, L]';
}

/**
 * Batch normalisation over `[B, C, H, W]`, like `torch.nn.BatchNorm2d`. State dict keys:
 * `weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm2d(8, { momentum: null, affine: false });
 * bn.call(x); // x: [B, 8, H, W] -> [B, 8, H, W]
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4] as const;
  protected readonly layout = '[B, C, H, W]';
}
