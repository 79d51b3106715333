import {
  type GradSaveFunc,
  type Tensor,
  cast,
  customGrad,
  div,
  maximum,
  mean,
  mul,
  reshape,
  scalar,
  sum,
  tensor,
  tensor1d,
  tidy,
} from '@tensorflow/tfjs-core';
import { ctcForwardBackward } from './ctc-core.js';
import { Loss, type LossOptions } from './loss.js';
import { LossShapeError, LossValueError, type Reduction, checkReduction, readInts } from './validate.js';

/** Options of {@link ctcLoss} / {@link CTCLoss}. */
export interface CTCLossOptions extends LossOptions {
  /** Index of the blank label. Default `0`. */
  blank?: number;
  /**
   * Replace infinite losses (no possible alignment) and their gradients by 0. Default `false`,
   * in which case a target longer than its input is an error (PyTorch would return Infinity).
   */
  zeroInfinity?: boolean;
}

/** Lengths per sample: an int tensor `[N]` (or `[]`), or a list of numbers. */
export type Lengths = Tensor | readonly number[] | number;

function lengths(x: Lengths): number[] {
  return typeof x === 'number' ? [x] : readInts(x);
}

/** Package-private (not exported from the package entry). */
export function ctcImpl(
  who: string,
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Lengths,
  targetLengths: Lengths,
  reduction: Reduction,
  blank: number,
  zeroInfinity: boolean,
): Tensor {
  checkReduction(who, reduction);
  if (logProbs.rank !== 3 && logProbs.rank !== 2) {
    throw new LossShapeError(who, 'logProbs of shape [T, N, C] (or [T, C] unbatched)', logProbs.shape);
  }
  const unbatched = logProbs.rank === 2;
  const T = logProbs.shape[0]!;
  const N = unbatched ? 1 : logProbs.shape[1]!;
  const C = logProbs.shape[logProbs.rank - 1]!;
  if (!(Number.isInteger(blank) && blank >= 0 && blank < C)) throw new LossValueError(who, `blank must be in [0, ${C}), got ${blank}`);
  const il = lengths(inputLengths);
  const tl = lengths(targetLengths);
  if (il.length !== N) throw new LossValueError(who, `expected ${N} input lengths (one per sample), got ${il.length}`);
  if (tl.length !== N) throw new LossValueError(who, `expected ${N} target lengths (one per sample), got ${tl.length}`);
  const tv = readInts(targets);
  const padded = unbatched ? targets.rank === 1 || targets.rank === 2 : targets.rank === 2;
  if (!unbatched && targets.rank !== 1 && targets.rank !== 2) {
    throw new LossShapeError(who, `targets of shape [N, S] (padded) or [sum(targetLengths)] (concatenated)`, targets.shape);
  }
  if (!unbatched && padded && targets.shape[0] !== N) {
    throw new LossShapeError(who, `padded targets of shape [${N}, S]`, targets.shape);
  }
  const width = padded ? targets.shape[targets.rank - 1]! : 0;
  const seqs: number[][] = [];
  let offset = 0;
  for (let n = 0; n < N; n++) {
    const Ln = tl[n]!;
    const Tn = il[n]!;
    if (!(Number.isInteger(Tn) && Tn >= 0 && Tn <= T)) throw new LossValueError(who, `input length ${Tn} of sample ${n} must be in [0, ${T}] (T)`);
    if (!(Number.isInteger(Ln) && Ln >= 0)) throw new LossValueError(who, `target length ${Ln} of sample ${n} must be a non-negative integer`);
    if (padded && Ln > width) throw new LossValueError(who, `target length ${Ln} of sample ${n} exceeds the padded target width ${width}`);
    if (!padded && offset + Ln > tv.length) {
      throw new LossValueError(who, `target lengths sum to more than the ${tv.length} concatenated targets`);
    }
    if (Ln > Tn && !zeroInfinity) {
      throw new LossValueError(who, `target length ${Ln} of sample ${n} is greater than its input length ${Tn}: no alignment exists (pass zeroInfinity: true to get 0)`);
    }
    const start = padded ? n * width : offset;
    const seq = tv.slice(start, start + Ln);
    for (const c of seq) {
      if (!(c >= 0 && c < C) || c === blank || !Number.isInteger(c)) {
        throw new LossValueError(who, `target label ${c} of sample ${n} must be a class index in [0, ${C}) other than blank (${blank})`);
      }
    }
    seqs.push(seq);
    offset += Ln;
  }
  const shape3 = [T, N, C];
  const f = (lp: Tensor, save: GradSaveFunc): { value: Tensor; gradFunc: (dy: Tensor) => Tensor } => {
    void save;
    const { nll, grad } = ctcForwardBackward(lp.dataSync() as ArrayLike<number>, T, N, C, seqs, il, blank);
    if (zeroInfinity) {
      for (let n = 0; n < N; n++) {
        if (nll[n] === Infinity) {
          nll[n] = 0;
          for (let t = 0; t < T; t++) grad.fill(0, (t * N + n) * C, (t * N + n + 1) * C);
        }
      }
    }
    return {
      value: tensor1d(Float32Array.from(nll)),
      gradFunc: (dy: Tensor) => mul(tensor(grad, shape3), reshape(dy, [1, N, 1])),
    };
  };
  return tidy(() => {
    const lp = reshape(cast(logProbs, 'float32'), shape3);
    const per = customGrad(f as never)(lp) as Tensor;
    if (reduction === 'sum') return sum(per);
    if (reduction === 'mean') return mean(div(per, maximum(tensor1d(tl), scalar(1))));
    return unbatched ? reshape(per, []) : per;
  });
}

/**
 * Connectionist temporal classification loss (`torch.nn.functional.ctc_loss`), with PyTorch's
 * gradient w.r.t. `logProbs`. `'mean'` divides each loss by its target length, then averages.
 * @param logProbs log-softmax outputs `[T, N, C]` (or `[T, C]`)
 * @param targets padded `[N, S]` or concatenated `[sum(targetLengths)]` int32 labels (no blanks)
 * @param inputLengths `[N]` frames per sample (≤ T)
 * @param targetLengths `[N]` labels per sample
 * @returns scalar, or `[N]` with `reduction: 'none'`
 * @example
 * ```ts
 * const lp = logSoftmax(randomNormal([50, 2, 20]), -1);
 * ctcLoss(lp, tensor2d([[1, 2, 2], [3, 4, 0]], undefined, 'int32'), [50, 40], [3, 2]);
 * ```
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, opts: CTCLossOptions = {}): Tensor {
  return ctcImpl('ctcLoss', logProbs, targets, inputLengths, targetLengths, opts.reduction ?? 'mean', opts.blank ?? 0, opts.zeroInfinity ?? false);
}

/**
 * `torch.nn.CTCLoss(blank, reduction, zeroInfinity)`; called with
 * `(logProbs, targets, inputLengths, targetLengths)`.
 * @example
 * ```ts
 * const ctc = new CTCLoss({ blank: 0, zeroInfinity: true });
 * ctc.call(logProbs, targets, inputLengths, targetLengths); // [T, N, C], [N, S], [N], [N] → scalar
 * ```
 */
export class CTCLoss extends Loss {
  /** Blank label index. */
  readonly blank: number;
  /** Whether infinite losses are zeroed. */
  readonly zeroInfinity: boolean;
  constructor(opts: CTCLossOptions = {}) {
    super(opts.reduction);
    this.blank = opts.blank ?? 0;
    this.zeroInfinity = opts.zeroInfinity ?? false;
  }
  /** `logProbs: [T, N, C]`, `targets: [N, S]` or `[ΣS]`, lengths `[N]` → scalar, or `[N]` with `'none'`. */
  forward(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    return ctcImpl(this.path(), logProbs, targets, inputLengths, targetLengths, this.reduction, this.blank, this.zeroInfinity);
  }
}
