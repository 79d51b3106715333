import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TrainingHistory, trainingCurves } from '@nnkit/metrics';
import { writePlot } from '@nnkit/metrics/plots-node';

/**
 * Writes the tutorial's two-panel training figure (loss; dev accuracy) as PNG and SVG, and
 * the history as JSON, into `dir`; returns the paths.
 *
 * @example
 * ```ts
 * const files = await writeTrainingCurves(runner.history, 'apps/iris/out');
 * ```
 */
export async function writeTrainingCurves(history: TrainingHistory, dir: string, title = 'Iris MLP 4-6-3 (SGD lr 0.2)'): Promise<{ png: string; svg: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const png = join(dir, 'training-curves.png');
  const svg = join(dir, 'training-curves.svg');
  const json = join(dir, 'history.json');
  const plot = trainingCurves(history, { title });
  await writePlot(plot, png);
  await writePlot(plot, svg);
  await writeFile(json, `${JSON.stringify(history)}\n`);
  return { png, svg, json };
}
