import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { loadOptionalPeer } from '@nnkit/tensor';
import type { TopLevelSpec } from 'vega-lite';
import type { Plot } from '../plots/types.js';

// vega, vega-lite and @resvg/resvg-js (a native binary) are optional peer dependencies, loaded
// on first use: installing @nnkit/metrics (or train, eeg) does not pull the plotting stack.
const vega = (where: string): Promise<typeof import('vega')> => loadOptionalPeer('vega', where, () => import('vega'));
const vegaLite = (where: string): Promise<typeof import('vega-lite')> => loadOptionalPeer('vega-lite', where, () => import('vega-lite'));
const resvg = (where: string): Promise<typeof import('@resvg/resvg-js')> => loadOptionalPeer('@resvg/resvg-js', where, () => import('@resvg/resvg-js'));

/**
 * Renders a {@link Plot} to an SVG string headlessly (Vega-Lite → Vega → SVG, no canvas). Needs the
 * optional packages `vega` and `vega-lite` (a `NotSupportedError` names the one missing).
 * A string argument is taken to be SVG already and returned as is.
 *
 * @example
 * ```ts
 * import { renderSvg } from '@nnkit/metrics/plots-node';
 * const svg = await renderSvg(confusionMatrixPlot(cm, ['a', 'b']));
 * ```
 */
export async function renderSvg(plot: Plot | string): Promise<string> {
  if (typeof plot === 'string') return plot;
  const [{ View, parse }, { compile }] = await Promise.all([vega('renderSvg'), vegaLite('renderSvg')]);
  const vg = compile(plot.spec as unknown as TopLevelSpec).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Pixel density: 2 (default) gives a 2x-resolution image. */
  scale?: number;
  /** Font family used for text when the SVG's family is not installed; default `'DejaVu Sans'`. */
  defaultFontFamily?: string;
  /** Extra font files (.ttf/.otf) to load, e.g. on machines without system fonts. */
  fontFiles?: string[];
}

/**
 * Renders a {@link Plot} (or an SVG string) to PNG bytes with resvg (Rust, prebuilt binary
 * shipped in its npm package; the optional package `@resvg/resvg-js`). Text uses the system's fonts.
 *
 * @example
 * ```ts
 * import { renderPng } from '@nnkit/metrics/plots-node';
 * const png = await renderPng(scatterPlot(points, labels), { scale: 2 });
 * ```
 */
export async function renderPng(plot: Plot | string, opts: RenderPngOptions = {}): Promise<Uint8Array> {
  const svg = await renderSvg(plot);
  const scale = opts.scale ?? 2;
  if (!(scale > 0)) throw new Error(`renderPng: expected scale > 0, got ${scale}`);
  const { Resvg } = await resvg('renderPng');
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      loadSystemFonts: true,
      defaultFontFamily: opts.defaultFontFamily ?? 'DejaVu Sans',
      sansSerifFamily: opts.defaultFontFamily ?? 'DejaVu Sans',
      ...(opts.fontFiles ? { fontFiles: opts.fontFiles } : {}),
    },
  });
  return new Uint8Array(r.render().asPng());
}

/**
 * Writes a {@link Plot} to `file`: `.svg` as SVG, `.png` as PNG, `.json` as the Vega-Lite spec.
 *
 * @example
 * ```ts
 * import { writePlot } from '@nnkit/metrics/plots-node';
 * await writePlot(trainingCurves(history), 'curves.png');
 * ```
 */
export async function writePlot(plot: Plot | string, file: string, opts: RenderPngOptions = {}): Promise<void> {
  const ext = extname(file).toLowerCase();
  if (ext === '.svg') await writeFile(file, await renderSvg(plot));
  else if (ext === '.png') await writeFile(file, await renderPng(plot, opts));
  else if (ext === '.json' && typeof plot !== 'string') await writeFile(file, JSON.stringify(plot.spec, null, 2));
  else throw new Error(`writePlot: expected a file name ending in .svg, .png${typeof plot === 'string' ? '' : ' or .json'}, got '${file}'`);
}
