import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { irisSplits, loadIris } from '@nnkit/data';
import { decisionBoundaryPlot, scatterPlot, trainingCurves } from '@nnkit/metrics';
import { writePlot } from '@nnkit/metrics/plots-node';
import { backendName } from '@nnkit/tensor';
import type { Callback, ModelStorage } from '@nnkit/train';
import { ProgressBar } from '@nnkit/train/node';
import { IrisMLP } from './model.js';
import { type IrisPrediction, predictClasses, runIrisRecipe, selectFeatures } from './recipe.js';
import { SoftmaxRegression } from './softmax-regression.js';

/** Options of {@link runIrisTutorial}: the tutorial's recipe, where results go, how to talk. */
export interface IrisTutorialOptions {
  seed: number;
  epochs: number;
  lr: number;
  batchSize: number;
  /** Folder for the figures, the history and the best model. */
  out: string;
  storage: ModelStorage;
  /** Progress lines (the concise log); `null` for none. */
  log: ((line: string) => void) | null;
  /** Draw a progress bar on a terminal. Default true. */
  progress?: boolean;
}

/** What {@link runIrisTutorial} returns (`--json` prints it). */
export interface IrisTutorialResult {
  backend: string;
  seed: number;
  split: { train: number; dev: number; test: number };
  mlp: { testAccuracy: number; testLoss: number; bestDevAccuracy: number; trainSeconds: number; steps: number };
  softmaxRegression: { testAccuracy: number; testLoss: number };
  prediction: IrisPrediction & { trueName: string; predictedName: string };
  boundaries: { mlpTestAccuracy: number; softmaxTestAccuracy: number; features: [string, string] };
  figures: string[];
}

const PETAL: [number, number] = [2, 3];

/**
 * The whole iris tutorial: the data and its scatter, min-max normalisation and the 120/15/15
 * split, the MLP trained with the Runner (best dev model saved and reloaded), its test accuracy
 * and one prediction, the training curves, and the comparison with softmax regression (test
 * accuracy, and decision-boundary maps of both trained on petal length and width).
 *
 * @example
 * ```ts
 * const r = await runIrisTutorial({ seed: 0, epochs: 150, lr: 0.2, batchSize: 16, out: 'out', storage: nodeStorage(), log: console.log });
 * r.mlp.testAccuracy; // 1
 * ```
 */
export async function runIrisTutorial(o: IrisTutorialOptions): Promise<IrisTutorialResult> {
  const say = o.log ?? (() => {});
  await mkdir(o.out, { recursive: true });
  const figures: string[] = [];
  const iris = loadIris();
  const names = iris.classNames;
  const counts = names.map((_, k) => iris.labels.filter((l) => l === k).length);
  say(`data: ${iris.labels.length} flowers × ${iris.featureNames.length} features (${iris.featureNames.join(', ')}); ${names.map((n, k) => `${counts[k]} ${n}`).join(', ')}`);
  const rows2 = (x: Float32Array, stride: number): number[][] => Array.from({ length: x.length / stride }, (_, i) => [x[i * stride]!, x[i * stride + 1]!]);
  const xy = rows2(iris.features, 4);
  const scatter = join(o.out, 'scatter.png');
  await writePlot(scatterPlot(xy, Array.from(iris.labels), { title: 'Iris: the first two features by class', classNames: names, featureNames: [iris.featureNames[0]!, iris.featureNames[1]!] }), scatter);
  figures.push(scatter);
  const splits = irisSplits({ seed: o.seed });
  const f = (a: Float32Array): string => `[${Array.from(a, (v) => v.toFixed(1)).join(', ')}]`;
  say(`min-max normalisation to [0, 1]: min ${f(splits.min)}, max ${f(splits.max)}`);
  say(`split (seed ${o.seed}): train ${splits.train.length}, dev ${splits.dev.length}, test ${splits.test.length}`);

  // the MLP, through the Runner: a progress bar and a concise log
  let updates = 0;
  const every = 300;
  const concise = (line: string): void => {
    if (line.includes('has been updated')) return void updates++;
    const step = /step: (\d+)/.exec(line);
    if (line.startsWith('[Evaluate]') && step && Number(step[1]) % every !== 0) return;
    say(line);
  };
  const callbacks: Callback[] = o.progress === false ? [] : [new ProgressBar()];
  say(`MLP 4-6-3 (sigmoid), SGD lr ${o.lr}, batch ${o.batchSize}, ${o.epochs} epochs on ${backendName()}`);
  const mlp = await runIrisRecipe({ seed: o.seed, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, logSteps: every, savePath: join(o.out, 'best_model'), storage: o.storage, log: concise, callbacks });
  say(`[Evaluate] best dev accuracy ${mlp.bestDevAccuracy.toFixed(5)} (improved ${updates} times; saved to ${join(o.out, 'best_model.safetensors')}, reloaded for the test)`);
  say(`[Test] MLP: accuracy ${mlp.testAccuracy.toFixed(5)}, loss ${mlp.testLoss.toFixed(5)}`);
  const p = mlp.prediction;
  const prediction = { ...p, trueName: names[p.trueClass]!, predictedName: names[p.predictedClass]! };
  say(`one test flower ${f(Float32Array.from(p.features))}: true ${prediction.trueName}, predicted ${prediction.predictedName} (p = ${p.probabilities.map((v) => v.toFixed(3)).join(' / ')})`);
  const curves = join(o.out, 'training-curves.png');
  const plot = trainingCurves(mlp.history, { title: `Iris MLP 4-6-3 (SGD lr ${o.lr})` });
  await writePlot(plot, curves);
  await writePlot(plot, join(o.out, 'training-curves.svg'));
  await writeFile(join(o.out, 'history.json'), `${JSON.stringify(mlp.history)}\n`);
  figures.push(curves);

  // the comparison: softmax regression on the same recipe, then both on petal length/width
  const soft = await runIrisRecipe({ seed: o.seed, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, createModel: (n) => new SoftmaxRegression(n), log: null });
  say(`[Test] softmax regression: accuracy ${soft.testAccuracy.toFixed(5)}, loss ${soft.testLoss.toFixed(5)}`);
  const all = selectFeatures(irisSplits({ seed: o.seed, sizes: [150, 0, 0] }).train, PETAL);
  const normalised = (n: string): string => n.replace(' (cm)', ' (min-max normalised)');
  const featureNames: [string, string] = [normalised(iris.featureNames[PETAL[0]]!), normalised(iris.featureNames[PETAL[1]]!)];
  const maps: Array<[string, number]> = [];
  for (const [label, build] of [
    ['softmax regression', (n: number) => new SoftmaxRegression(n)],
    ['MLP 2-6-3', (n: number) => new IrisMLP(n)],
  ] as const) {
    const r = await runIrisRecipe({ seed: o.seed, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, features: PETAL, createModel: build, keepModel: true, log: null });
    const model = r.model!;
    const file = join(o.out, `decision-boundary-${label.startsWith('MLP') ? 'mlp' : 'softmax'}.png`);
    const boundary = await decisionBoundaryPlot((grid) => predictClasses(model, grid, 2), {
      points: rows2(all.data.features, 2),
      labels: Array.from(all.data.labels),
      classNames: names,
      featureNames,
      xRange: [-0.05, 1.05],
      yRange: [-0.05, 1.05],
      title: `${label} on petal length/width (test accuracy ${r.testAccuracy.toFixed(3)})`,
    });
    await writePlot(boundary, file);
    model.dispose();
    figures.push(file);
    maps.push([label, r.testAccuracy]);
    say(`decision boundary of ${label} on ${featureNames.join(' / ')}: test accuracy ${r.testAccuracy.toFixed(5)} → ${file}`);
  }
  say(`figures: ${figures.join(', ')}`);
  return {
    backend: backendName() ?? 'unknown',
    seed: o.seed,
    split: { train: splits.train.length, dev: splits.dev.length, test: splits.test.length },
    mlp: { testAccuracy: mlp.testAccuracy, testLoss: mlp.testLoss, bestDevAccuracy: mlp.bestDevAccuracy, trainSeconds: mlp.trainMs / 1000, steps: mlp.history.stepLosses.length },
    softmaxRegression: { testAccuracy: soft.testAccuracy, testLoss: soft.testLoss },
    prediction,
    boundaries: { softmaxTestAccuracy: maps[0]![1], mlpTestAccuracy: maps[1]![1], features: featureNames },
    figures,
  };
}
