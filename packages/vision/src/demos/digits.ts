import { argMax, gather, reshape, tensor1d, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError, FormatError, manualSeed } from '@nnkit/tensor';
import { backward, crossEntropy, type Module } from '@nnkit/nn';
import { Generator, resize, trainValSplit } from '@nnkit/data';
import { Adam } from '@nnkit/train';
import { confusionMatrix, confusionMatrixPlot, type Plot } from '@nnkit/metrics';
import { LeNet } from '../models/lenet.js';
import { SmallCbamCnn } from './cbam-cnn.js';

/** The 8×8 digits (scikit-learn's `load_digits`): pixels 0–16, row-major, and labels 0–9. */
export interface DigitsData {
  /** `n · 64` pixel values in 0..16. */
  pixels: Float32Array;
  /** `n` labels in 0..9. */
  labels: Int32Array;
}

/** A plain decimal number (no empty field, hex, `Infinity`…). */
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * Parses the digits CSV (64 pixel columns 0–16, then the label 0–9; no header). Every field must
 * be a decimal number, every pixel in 0..16 and every label an integer in 0..9; anything else is a
 * `FormatError` naming the file and line (an empty field is not read as 0).
 *
 * @example
 * ```ts
 * const data = parseDigitsCsv(text); // { pixels: Float32Array(1797 · 64), labels: Int32Array(1797) }
 * ```
 */
export function parseDigitsCsv(text: string, file = 'digits.csv'): DigitsData {
  const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const pixels = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((line, r) => {
    const fields = line.split(',');
    const bad = (what: string): never => {
      throw new FormatError('digits-csv', file, `line ${r + 1}: ${what}, got '${line.slice(0, 60)}'`);
    };
    if (fields.length !== 65 || !fields.every((f) => DECIMAL.test(f))) bad('expected 65 numbers (64 pixels + label)');
    const v = fields.map(Number);
    for (let i = 0; i < 64; i++) if (!(v[i]! >= 0 && v[i]! <= 16)) bad(`pixel ${i + 1} is ${v[i]}, expected 0..16`);
    if (!Number.isInteger(v[64]) || v[64]! < 0 || v[64]! > 9) bad(`label ${v[64]} is not an integer 0..9`);
    pixels.set(v.slice(0, 64), r * 64);
    labels[r] = v[64]!;
  });
  return { pixels, labels };
}

/**
 * Digits as LeNet input: pixels / 16, upsampled 8×8 → 32×32 (bilinear, `@nnkit/data`'s `resize`).
 *
 * @returns `[n, 1, 32, 32]` float32
 * @example
 * ```ts
 * const x = digitsToImages(data); // [1797, 1, 32, 32]
 * ```
 */
export function digitsToImages(data: DigitsData, size = 32): Tensor {
  return tidy(() => resize(reshape(tensor1d(data.pixels.map((v) => v / 16)), [data.labels.length, 1, 8, 8]), [size, size]));
}

/** Options of {@link trainDigits}. */
export interface TrainDigitsOptions {
  /** `'lenet'` (default) or `'cbam'` ({@link SmallCbamCnn}). */
  model?: 'lenet' | 'cbam';
  /** Epochs. Default 20. */
  epochs?: number;
  /** Batch size. Default 32. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  lr?: number;
  /** Held-out fraction (stratified). Default 0.2. */
  testFraction?: number;
  /** Seed of the split, the shuffles and the weights. Default 0. */
  seed?: number;
  /** Called after every epoch. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** What {@link trainDigits} returns. */
export interface DigitsResult {
  model: Module;
  /** Accuracy on the held-out samples. */
  testAccuracy: number;
  /** Confusion matrix on the held-out samples (rows true, columns predicted). */
  confusion: number[][];
  /** The confusion matrix as a Vega-Lite plot (render with `@nnkit/metrics/plots-node`). */
  plot: Plot;
  /** Mean training loss per epoch. */
  losses: number[];
  trainSize: number;
  testSize: number;
}

/**
 * Trains LeNet (or the small CBAM CNN) on the 8×8 digits upsampled to 32×32, with a stratified,
 * seeded 80/20 split; returns the held-out accuracy and confusion matrix. Browser-safe: pass the
 * parsed data (`parseDigitsCsv`); the Node script `digits-cli.ts` reads the gzip file.
 *
 * @example
 * ```ts
 * const r = await trainDigits(parseDigitsCsv(text), { epochs: 15 });
 * console.log(r.testAccuracy); // ≈ 0.98
 * ```
 */
export async function trainDigits(data: DigitsData, opts: TrainDigitsOptions = {}): Promise<DigitsResult> {
  const { epochs = 20, batchSize = 32, lr = 1e-3, testFraction = 0.2, seed = 0, model: kind = 'lenet' } = opts;
  if (!(epochs >= 1 && batchSize >= 1)) throw new ArgumentError('trainDigits', `epochs and batchSize must be positive, got ${epochs}, ${batchSize}`);
  const g = new Generator(seed);
  const split = trainValSplit(Array.from(data.labels), { valFraction: testFraction, stratify: true, generator: g });
  const images = digitsToImages(data);
  const labels = tensor1d(data.labels, 'int32');
  const take = (idx: ArrayLike<number>): [Tensor, Tensor] => {
    const i = tensor1d(Int32Array.from(idx), 'int32');
    const out: [Tensor, Tensor] = [gather(images, i), gather(labels, i)];
    i.dispose();
    return out;
  };
  const [xTest, yTest] = take(split.test);
  manualSeed(seed);
  const model: Module = kind === 'cbam' ? new SmallCbamCnn({ numClasses: 10 }) : new LeNet({ numClasses: 10 });
  const opt = new Adam(model.parameters(), { lr });
  const losses: number[] = [];
  const train = Array.from(split.train);
  for (let e = 0; e < epochs; e++) {
    model.train();
    const perm = g.randperm(train.length);
    let sum = 0;
    let batches = 0;
    for (let b = 0; b < train.length; b += batchSize) {
      const idx = Array.from(perm.subarray(b, b + batchSize), (p) => train[p]!);
      if (idx.length < 2) continue; // batch norm needs two samples
      const [x, y] = take(idx);
      opt.zeroGrad();
      const loss = backward(() => crossEntropy(model.call(x) as Tensor, y), model);
      opt.step();
      sum += loss.dataSync()[0]!;
      batches++;
      [x, y, loss].forEach((t) => t.dispose());
    }
    losses.push(sum / batches);
    opts.onEpoch?.(e + 1, sum / batches);
  }
  model.eval();
  const logits = model.call(xTest) as Tensor;
  const pred = argMax(logits, 1);
  const p = pred.dataSync();
  const t = yTest.dataSync();
  let correct = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === t[i]) correct++;
  const confusion = confusionMatrix(logits, yTest, { numClasses: 10 });
  const testAccuracy = correct / p.length;
  const plot = confusionMatrixPlot(confusion, Array.from({ length: 10 }, (_, i) => String(i)), {
    title: `Digits, ${kind === 'cbam' ? 'CNN + CBAM' : 'LeNet'}: held-out accuracy ${(100 * testAccuracy).toFixed(1)} % (n = ${p.length})`,
  });
  [images, labels, xTest, yTest, logits, pred].forEach((x) => x.dispose());
  opt.zeroGrad();
  return { model, testAccuracy, confusion, plot, losses, trainSize: train.length, testSize: p.length };
}
