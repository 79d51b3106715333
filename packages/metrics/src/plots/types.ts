/** A `[x, y]` pair: step (or epoch) and value. */
export type Point2 = [number, number];

/**
 * What a training loop records for {@link trainingCurves}; the Runner of `@nnkit/train`
 * produces it. Steps are global optimisation steps (batches), counted from 0 or 1.
 *
 * @example
 * ```ts
 * const history: TrainingHistory = {
 *   stepLosses: [[1, 1.1], [2, 0.9]],
 *   devLosses: [[2, 0.95]],
 *   devScores: [[2, 0.7]],
 *   scoreName: 'accuracy',
 * };
 * ```
 */
export interface TrainingHistory {
  /** Training loss of every step (batch): `[step, loss]`. */
  stepLosses: Point2[];
  /** Loss on the development set at evaluation points: `[step, loss]`. */
  devLosses: Point2[];
  /** Development-set score (accuracy, kappa, …) at evaluation points: `[step, score]`. */
  devScores: Point2[];
  /** Mean training loss per epoch, placed at the epoch's last step: `[step, loss]`. */
  epochLosses?: Point2[];
  /** Name of the dev score (axis title and legend); default `'score'`. */
  scoreName?: string;
}

/** A Vega-Lite specification (JSON): render it with vega-embed in the browser or `writePlot` in Node. */
export type VegaLiteSpec = { $schema: string } & Record<string, unknown>;

/**
 * A figure: a Vega-Lite spec plus what it shows. Pure data (no rendering code), so it can be
 * built anywhere and rendered with `@nnkit/metrics/plots-node` (SVG/PNG) or vega-embed.
 *
 * @example
 * ```ts
 * const plot = trainingCurves(history, { title: 'Iris MLP' });
 * await writePlot(plot, '/tmp/curves.png'); // from '@nnkit/metrics/plots-node'
 * ```
 */
export interface Plot {
  /** Which builder made it (`trainingCurves`, `confusionMatrix`, `scatter`, `decisionBoundary`). */
  kind: string;
  /** The Vega-Lite spec (data inlined). */
  spec: VegaLiteSpec;
}

/** Common figure options. */
export interface PlotOptions {
  /** Figure title. */
  title?: string;
  /** Width of one panel in pixels (before PNG scaling). */
  width?: number;
  /** Height of one panel in pixels. */
  height?: number;
}

/** Vega-Lite schema URL of the specs built here. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Shared look: readable fonts, white background, no chart border. */
export const BASE_CONFIG = {
  background: 'white',
  font: 'sans-serif',
  view: { stroke: '#888' },
  axis: { labelFontSize: 11, titleFontSize: 13, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 240 },
  title: { fontSize: 16, anchor: 'middle' },
} as const;
