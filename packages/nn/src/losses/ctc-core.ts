/**
 * CTC forward–backward in log space (plain JS, float64), PyTorch's CPU algorithm.
 * Not a training hot path of nnkit's models; O(T·S) per sample plus O(T·C) for the gradient.
 */

/** Result of {@link ctcForwardBackward}. Package-private. */
export interface CtcResult {
  /** `[N]` negative log likelihood per sample (Infinity when no alignment exists). */
  nll: Float64Array;
  /**
   * `[T, N, C]` PyTorch's gradient of each sample's nll w.r.t. the log-probabilities:
   * exp(lp) − exp(log Σ_{s: l'(s)=c} α·β + nll − lp) for t < inputLength, 0 after.
   */
  grad: Float32Array;
}

function lse2(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = a > b ? a : b;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function lse3(a: number, b: number, c: number): number {
  let m = a > b ? a : b;
  if (c > m) m = c;
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m));
}

/**
 * @param lp log-probabilities, row-major `[T, N, C]`
 * @param targets label sequence of each sample (no blanks)
 * @param inputLengths frames used by each sample (≤ T)
 */
export function ctcForwardBackward(
  lp: ArrayLike<number>,
  T: number,
  N: number,
  C: number,
  targets: readonly (readonly number[])[],
  inputLengths: readonly number[],
  blank: number,
): CtcResult {
  const nll = new Float64Array(N);
  const grad = new Float32Array(T * N * C);
  const at = (t: number, n: number, c: number): number => lp[(t * N + n) * C + c]!;
  for (let n = 0; n < N; n++) {
    const tgt = targets[n]!;
    const Tn = inputLengths[n]!;
    const S = 2 * tgt.length + 1;
    const lab = (s: number): number => (s % 2 === 0 ? blank : tgt[(s - 1) >> 1]!);
    if (Tn === 0) {
      nll[n] = tgt.length === 0 ? 0 : Infinity;
      continue;
    }
    const alpha = new Float64Array(Tn * S).fill(-Infinity);
    const beta = new Float64Array(Tn * S).fill(-Infinity);
    alpha[0] = at(0, n, blank);
    if (S > 1) alpha[1] = at(0, n, lab(1));
    for (let t = 1; t < Tn; t++) {
      const prev = (t - 1) * S;
      for (let s = 0; s < S; s++) {
        const l = lab(s);
        const la = alpha[prev + s]!;
        const lb = s > 0 ? alpha[prev + s - 1]! : -Infinity;
        const lc = s > 1 && l !== blank && l !== lab(s - 2) ? alpha[prev + s - 2]! : -Infinity;
        const v = lse3(la, lb, lc);
        alpha[t * S + s] = v === -Infinity ? -Infinity : v + at(t, n, l);
      }
    }
    const last = (Tn - 1) * S;
    const ll = lse2(alpha[last + S - 1]!, S > 1 ? alpha[last + S - 2]! : -Infinity);
    nll[n] = -ll;
    beta[last + S - 1] = at(Tn - 1, n, lab(S - 1));
    if (S > 1) beta[last + S - 2] = at(Tn - 1, n, lab(S - 2));
    for (let t = Tn - 2; t >= 0; t--) {
      const next = (t + 1) * S;
      for (let s = 0; s < S; s++) {
        const l = lab(s);
        const la = beta[next + s]!;
        const lb = s < S - 1 ? beta[next + s + 1]! : -Infinity;
        const lc = s < S - 2 && l !== blank && l !== lab(s + 2) ? beta[next + s + 2]! : -Infinity;
        const v = lse3(la, lb, lc);
        beta[t * S + s] = v === -Infinity ? -Infinity : v + at(t, n, l);
      }
    }
    const lcab = new Float64Array(C);
    const nl = nll[n]!;
    for (let t = 0; t < Tn; t++) {
      lcab.fill(-Infinity);
      for (let s = 0; s < S; s++) {
        const l = lab(s);
        lcab[l] = lse2(lcab[l]!, alpha[t * S + s]! + beta[t * S + s]!);
      }
      for (let c = 0; c < C; c++) {
        const v = at(t, n, c);
        grad[(t * N + n) * C + c] = Math.exp(v) - Math.exp(lcab[c]! + nl - v);
      }
    }
  }
  return { nll, grad };
}
