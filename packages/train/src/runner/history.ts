import type { Point2, TrainingHistory } from '@nnkit/metrics';

/**
 * What the Runner records while training, in the `TrainingHistory` shape that
 * `trainingCurves` of `@nnkit/metrics` plots: `[step, value]` pairs, steps counted from 1
 * (step k = after k optimiser updates).
 *
 * @example
 * ```ts
 * await runner.fit(train, { epochs: 10, devLoader: dev });
 * runner.history.devScores; // [[8, 0.6], [16, 0.8], ...]
 * await writePlot(trainingCurves(runner.history), 'curves.png');
 * ```
 */
export class History implements TrainingHistory {
  stepLosses: Point2[] = [];
  epochLosses: Point2[] = [];
  devLosses: Point2[] = [];
  devScores: Point2[] = [];
  scoreName = 'score';
  /** Every metric of every evaluation: `{ step, loss, ...metrics }`. */
  evaluations: Array<{ step: number } & Record<string, number>> = [];

  /** A JSON-able copy. */
  toJSON(): TrainingHistory & { evaluations: History['evaluations'] } {
    return {
      stepLosses: this.stepLosses.map((p) => [...p] as Point2),
      epochLosses: this.epochLosses.map((p) => [...p] as Point2),
      devLosses: this.devLosses.map((p) => [...p] as Point2),
      devScores: this.devScores.map((p) => [...p] as Point2),
      scoreName: this.scoreName,
      evaluations: this.evaluations.map((e) => ({ ...e })),
    };
  }

  /** Restores a copy made by {@link History.toJSON} (resume). */
  load(h: ReturnType<History['toJSON']>): void {
    this.stepLosses = h.stepLosses.map((p) => [...p] as Point2);
    this.epochLosses = (h.epochLosses ?? []).map((p) => [...p] as Point2);
    this.devLosses = h.devLosses.map((p) => [...p] as Point2);
    this.devScores = h.devScores.map((p) => [...p] as Point2);
    this.scoreName = h.scoreName ?? 'score';
    this.evaluations = (h.evaluations ?? []).map((e) => ({ ...e }));
  }

  /** Forgets everything. */
  clear(): void {
    this.load({ stepLosses: [], devLosses: [], devScores: [], scoreName: this.scoreName, evaluations: [] });
  }
}
