import { concat, keep, slice, type Tensor, tensor4d, tidy } from '@tensorflow/tfjs-core';
import type { StreamPlan, StreamStage } from './plan.js';

/** Static layout of one stage for a given window and hop. Package-private. */
interface StageLayout {
  stage: StreamStage;
  /** Input and output lengths (time). */
  tin: number;
  tout: number;
  /** Output positions `[lo, hi]` that do not depend on the window's edges (reusable). */
  lo: number;
  hi: number;
  /** Shift of the output between two consecutive windows (hop / pooling so far). */
  shift: number;
}

/** Reads window samples `[a, b]` (inclusive) as `[1, 1, C, b − a + 1]`. Package-private. */
export type WindowReader = (a: number, b: number) => Float32Array;

function layout(plan: StreamPlan, window: number, hop: number): StageLayout[] {
  const out: StageLayout[] = [];
  let tin = window;
  let lo = 0;
  let hi = window - 1;
  let shift = hop;
  for (const stage of plan.stages) {
    let tout: number;
    if (stage.kind === 'local') {
      tout = tin;
      lo += stage.left;
      hi -= stage.right;
    } else {
      tout = Math.floor(tin / stage.factor);
      lo = Math.ceil(lo / stage.factor);
      hi = Math.min(Math.floor((hi + 1) / stage.factor) - 1, tout - 1);
      shift /= stage.factor;
    }
    out.push({ stage, tin, tout, lo, hi, shift });
    tin = tout;
  }
  return out;
}

/**
 * Incremental evaluation of a {@link StreamPlan} over a window that slides by `hop` samples.
 *
 * Per stage it keeps the output over the whole window (`[1, F, 1, T]`). On each hop, the
 * positions that do not touch the window's zero padding (`[lo, hi]`) are shifted in from the
 * previous window; only the positions near the left edge (`< lo`: they read the left zero
 * padding), the new positions and those near the right edge (`> hi − shift`) are computed, by
 * running the stage's own modules over just that range plus its halo. Exact, because an
 * interior position's value only depends on absolute samples, not on where the window starts.
 * Package-private (not exported from the package entry).
 */
export class IncrementalRunner {
  private readonly layouts: StageLayout[];
  private bufs: (Tensor | null)[];
  /** Output positions computed per stage by the last {@link step} (the rest were reused). */
  lastComputed: number[] = [];

  constructor(
    private readonly plan: StreamPlan,
    private readonly nChans: number,
    readonly window: number,
    readonly hop: number,
  ) {
    this.layouts = layout(plan, window, hop);
    this.bufs = this.layouts.map(() => null);
  }

  /** Forgets the cached activations (next step recomputes the whole window). */
  reset(): void {
    for (const b of this.bufs) b?.dispose();
    this.bufs = this.layouts.map(() => null);
  }

  dispose(): void {
    this.reset();
  }

  /**
   * Logits `[1, nClasses]` of the current window; `read(a, b)` gives its samples `a…b`
   * (channel-major). The window must be the previous one shifted by `hop` (or the first one).
   */
  step(read: WindowReader): Tensor {
    const next: Tensor[] = [];
    this.lastComputed = this.layouts.map(() => 0);
    for (let l = 0; l < this.layouts.length; l++) {
      const input = (a: number, b: number): Tensor =>
        l === 0 ? tensor4d(read(a, b), [1, 1, this.nChans, b - a + 1]) : slice(next[l - 1]!, [0, 0, 0, a], [-1, -1, -1, b - a + 1]);
      next.push(keep(tidy(() => this.stageStep(l, this.bufs[l] ?? null, input))));
    }
    for (const b of this.bufs) b?.dispose();
    this.bufs = next;
    return tidy(() => this.plan.head(next[next.length - 1]!));
  }

  private stageStep(l: number, prev: Tensor | null, input: (a: number, b: number) => Tensor): Tensor {
    const lay = this.layouts[l]!;
    const { lo, hi, shift, tout } = lay;
    // Nothing reusable: first window, no interior, or a hop larger than the interior.
    if (prev === null || hi - shift < lo) return this.ranges(l, [[0, tout - 1]], input)[0]!;
    const want: [number, number][] = [];
    if (lo > 0) want.push([0, lo - 1]);
    if (hi - shift + 1 <= tout - 1) want.push([hi - shift + 1, tout - 1]);
    const got = this.ranges(l, want, input);
    const kept = slice(prev, [0, 0, 0, lo + shift], [-1, -1, -1, hi - shift - lo + 1]);
    const parts = lo > 0 ? [got[0]!, kept, ...got.slice(1)] : [kept, ...got];
    return parts.length === 1 ? parts[0]! : concat(parts, 3);
  }

  /**
   * Output positions `[a, b]` of a stage for each range, from one call of the stage's modules on
   * the concatenation of each range's input plus halo. Each piece carries its whole halo, so the
   * wanted outputs never read across a junction; at the window's edges the modules' own padding
   * is the window's padding.
   */
  private ranges(l: number, want: [number, number][], input: (a: number, b: number) => Tensor): Tensor[] {
    const lay = this.layouts[l]!;
    const s = lay.stage;
    const pieces: Tensor[] = [];
    const at: [number, number][] = []; // offset, length of each wanted range in the stage output
    let off = 0;
    for (const [a, b] of want) {
      this.lastComputed[l]! += b - a + 1;
      const ia = s.kind === 'pool' ? a * s.factor : Math.max(0, a - s.left);
      const ib = s.kind === 'pool' ? b * s.factor + s.factor - 1 : Math.min(lay.tin - 1, b + s.right);
      pieces.push(input(ia, ib));
      at.push([off + (s.kind === 'pool' ? 0 : a - ia), b - a + 1]);
      off += s.kind === 'pool' ? (ib - ia + 1) / s.factor : ib - ia + 1;
    }
    const y = s.fn(pieces.length === 1 ? pieces[0]! : concat(pieces, 3));
    return at.map(([o, n]) => (o === 0 && n === y.shape[3] ? y : slice(y, [0, 0, 0, o], [-1, -1, -1, n])));
  }
}
