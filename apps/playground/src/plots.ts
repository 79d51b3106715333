import { IRIS_CLASS_NAMES, IRIS_FEATURE_NAMES, loadIris } from '@nnkit/data';
import { confusionMatrixPlot, decisionBoundaryPlot, type Plot, type TrainingHistory, trainingCurves } from '@nnkit/metrics';
import { argMax, tensor2d, tidy } from '@tensorflow/tfjs-core';
import type { IrisData, IrisSession } from './recipe.js';

/** The two-panel training figure (losses; dev accuracy). */
export function curvesPlot(history: TrainingHistory): Plot {
  return trainingCurves(history, { title: 'Iris MLP 4-6-3 (SGD lr 0.2)', width: 360, height: 240 });
}

/** The confusion-matrix heat map of the test split. */
export function confusionPlot(confusion: number[][]): Plot {
  return confusionMatrixPlot(confusion, IRIS_CLASS_NAMES, { title: 'Confusion matrix (test split, 15 flowers)', width: 240, height: 240 });
}

const PETAL_LENGTH = 2;
const PETAL_WIDTH = 3;

/**
 * Decision regions over the two petal features (in cm) with all 150 flowers drawn on top. The
 * model takes 4 features, so the sepal features are held at their training-split mean; grid
 * points are min-max normalised with the statistics of the split, as the recipe does.
 */
export async function boundaryPlot(session: IrisSession, data: IrisData): Promise<Plot> {
  const { min, max, train } = data.splits;
  const F = 4;
  const mean = new Float32Array(F);
  const n = train.length;
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) mean[f]! += train.data.features[i * F + f]! / n;
  const iris = loadIris();
  const points = Array.from(iris.labels, (_, i) => [iris.features[i * F + PETAL_LENGTH]!, iris.features[i * F + PETAL_WIDTH]!]); // [N, 2]
  const norm = (v: number, f: number): number => (v - min[f]!) / (max[f]! - min[f]!);
  return decisionBoundaryPlot(
    async (grid) => {
      const m = grid.length / 2;
      const x = new Float32Array(m * F);
      for (let r = 0; r < m; r++) {
        x[r * F] = mean[0]!;
        x[r * F + 1] = mean[1]!;
        x[r * F + PETAL_LENGTH] = norm(grid[2 * r]!, PETAL_LENGTH);
        x[r * F + PETAL_WIDTH] = norm(grid[2 * r + 1]!, PETAL_WIDTH);
      }
      const cls = tidy(() => argMax(session.runner.predict(tensor2d(x, [m, F])), 1));
      try {
        return await cls.data();
      } finally {
        cls.dispose();
      }
    },
    {
      points,
      labels: iris.labels,
      classNames: IRIS_CLASS_NAMES,
      featureNames: [IRIS_FEATURE_NAMES[PETAL_LENGTH]!, IRIS_FEATURE_NAMES[PETAL_WIDTH]!],
      resolution: 80,
      title: 'Decision regions (sepal features at their mean)',
      width: 320,
      height: 240,
    },
  );
}
