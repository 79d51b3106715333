import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { View, parse } from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import type { Plot } from '../plots/types.js';
import { ArgumentError, StorageError } from '@nnkit/tensor';

/**
 * Renders a {@link Plot} to an SVG string headlessly (Vega-Lite → Vega → SVG, no canvas).
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
 * shipped in its npm package). Text uses the system's fonts.
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
  if (!(scale > 0)) throw new ArgumentError('renderPng', `expected scale > 0, got ${scale}`);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      loadSystemFonts: true,
      defaultFontFamily: opts.defaultFontFamily ?? 'DejaVu Sans',
      sansSerifFamily: opts.defaultFontFamily ?? 'DejaVu Sans',
      ...(opts.fontFiles ? { fontFiles: opts.fontFiles } : {}),
    },
  });
  return new Uint8Array(resvg.render().asPng());
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
  const write = async (data: string | Uint8Array): Promise<void> => {
    try {
      await writeFile(file, data);
    } catch (e) {
      throw new StorageError(file, `writePlot cannot write (${(e as Error).message})`, { cause: e });
    }
  };
  if (ext === '.svg') await write(await renderSvg(plot));
  else if (ext === '.png') await write(await renderPng(plot, opts));
  else if (ext === '.json' && typeof plot !== 'string') await write(JSON.stringify(plot.spec, null, 2));
  else throw new ArgumentError('writePlot', `expected a file name ending in .svg, .png${typeof plot === 'string' ? '' : ' or .json'}, got '${file}'`);
}
