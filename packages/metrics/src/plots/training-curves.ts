import { BASE_CONFIG, type Plot, type PlotOptions, type Point2, type TrainingHistory, VEGA_LITE_SCHEMA } from './types.js';
import { ArgumentError } from '@nnkit/tensor';

/** Options of {@link trainingCurves}. */
export interface TrainingCurvesOptions extends PlotOptions {
  /** x-axis title; default `'Step'`. */
  xTitle?: string;
  /** Log-scale the loss axis; default false. */
  logLoss?: boolean;
}

function rows(points: readonly Point2[] | undefined, series: string, what: string): Array<Record<string, number | string>> {
  if (!points) return [];
  return points.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0])) {
      throw new ArgumentError('trainingCurves', `expected history.${what}[${i}] to be a [step, value] pair, got ${JSON.stringify(p)}`);
    }
    return { step: p[0], value: p[1], series };
  });
}

/**
 * The two-panel training figure: left, the training loss of every step with the dev loss
 * (and the per-epoch training loss when recorded); right, the dev score — against steps,
 * with axis titles, legends and a title.
 *
 * @example
 * ```ts
 * const plot = trainingCurves(runner.history, { title: 'Iris MLP (4-6-3)' });
 * await writePlot(plot, 'curves.png'); // '@nnkit/metrics/plots-node'
 * ```
 */
export function trainingCurves(history: TrainingHistory, opts: TrainingCurvesOptions = {}): Plot {
  if (!history || !Array.isArray(history.stepLosses) || !Array.isArray(history.devLosses) || !Array.isArray(history.devScores)) {
    throw new ArgumentError('trainingCurves', 'expected a TrainingHistory { stepLosses, devLosses, devScores } of [step, value] pairs');
  }
  const scoreName = history.scoreName ?? 'score';
  const width = opts.width ?? 380;
  const height = opts.height ?? 280;
  const xTitle = opts.xTitle ?? 'Step';
  const lossSeries = ['train loss (step)', ...(history.epochLosses?.length ? ['train loss (epoch)'] : []), 'dev loss'];
  const lossData = [
    ...rows(history.stepLosses, 'train loss (step)', 'stepLosses'),
    ...rows(history.epochLosses, 'train loss (epoch)', 'epochLosses'),
    ...rows(history.devLosses, 'dev loss', 'devLosses'),
  ].filter((r) => Number.isFinite(r.value as number));
  const scoreData = rows(history.devScores, `dev ${scoreName}`, 'devScores').filter((r) => Number.isFinite(r.value as number));
  const color = (domain: string[], range: string[]): Record<string, unknown> => ({
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range },
    legend: { orient: 'bottom', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 3 },
  });
  const lossRange = ['#9ecae1', ...(history.epochLosses?.length ? ['#08519c'] : []), '#e6550d'];
  const steps = [...lossData, ...scoreData].map((r) => r.step as number);
  const domain = steps.length ? [Math.min(...steps), Math.max(...steps)] : [0, 1];
  const x = { field: 'step', type: 'quantitative', title: xTitle, axis: { tickMinStep: 1 }, scale: { domain, nice: false } };
  const lossPanel = {
    width,
    height,
    title: 'Loss',
    data: { values: lossData },
    mark: { type: 'line', strokeWidth: 1.8, point: false, clip: true },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: 'Loss', scale: opts.logLoss ? { type: 'log' } : { zero: false } },
      color: color(lossSeries, lossRange),
      strokeWidth: { condition: { test: "datum.series === 'train loss (step)'", value: 1.2 }, value: 2.4 },
    },
  };
  const scorePanel = {
    width,
    height,
    title: `Dev ${scoreName}`,
    data: { values: scoreData },
    mark: { type: 'line', strokeWidth: 2.4, point: { filled: true, size: 36 } },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: `Dev ${scoreName}`, scale: { zero: false } },
      color: color([`dev ${scoreName}`], ['#31a354']),
    },
  };
  return {
    kind: 'trainingCurves',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      ...(opts.title ? { title: opts.title } : {}),
      hconcat: [lossPanel, scorePanel],
      spacing: 40,
      resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
      config: BASE_CONFIG,
    },
  };
}
