/** c = op(a)·b in float64, a `[m, N]` (or `[N, m]` transposed), b `[N, n]`, and Σ_t |a·b| per entry (the scale of float32 rounding). */
export function productReference(a: Float32Array, b: Float32Array, m: number, N: number, n: number, tA: boolean): { c: Float64Array; abs: Float64Array } {
  const c = new Float64Array(m * n);
  const abs = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < N; t++) {
      for (let j = 0; j < n; j++) {
        const p = a[tA ? t * m + i : i * N + t]! * b[t * n + j]!;
        c[i * n + j]! += p;
        abs[i * n + j]! += Math.abs(p);
      }
    }
  }
  return { c, abs };
}

/** The largest error relative to Σ|a·b| (float32 sums of N products stay well below 1e-6 of it). */
export function worstProductError(got: Float32Array, want: { c: Float64Array; abs: Float64Array }): number {
  let w = 0;
  for (let i = 0; i < want.c.length; i++) w = Math.max(w, Math.abs(got[i]! - want.c[i]!) / (1e-30 + want.abs[i]!));
  return w;
}
