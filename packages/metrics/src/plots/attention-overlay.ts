import type { Tensor } from '@tensorflow/tfjs-core';
import { ArgumentError } from '@nnkit/tensor';
import { BASE_CONFIG, type Plot, type PlotOptions, VEGA_LITE_SCHEMA } from './types.js';

/** A 2-D array `[H][W]`, or a tensor `[H, W]` (grayscale) / `[3, H, W]` (RGB, PyTorch layout). */
export type ImageInput = Tensor | ReadonlyArray<ArrayLike<number>>;

/** Options of {@link attentionOverlay}. */
export interface AttentionOverlayOptions extends PlotOptions {
  /** Opacity of the attention layer; default 0.55. */
  opacity?: number;
  /** Vega colour scheme of the attention; default `'inferno'`. */
  scheme?: string;
  /** A position `[row, col]` in map cells to mark (e.g. the query whose attention is shown). */
  marker?: readonly [number, number];
  /** Legend title; default `'attention'`. */
  legendTitle?: string;
}

interface Grid {
  h: number;
  w: number;
  c: number;
  v: Float32Array | Float64Array;
}

function readGrid(x: ImageInput, what: string, allowRgb: boolean): Grid {
  if (!Array.isArray(x) && typeof (x as Tensor).dataSync === 'function') {
    const t = x as Tensor;
    const s = t.shape;
    if (s.length === 2) return { h: s[0]!, w: s[1]!, c: 1, v: t.dataSync() as Float32Array };
    if (allowRgb && s.length === 3 && s[0] === 3) return { h: s[1]!, w: s[2]!, c: 3, v: t.dataSync() as Float32Array };
    throw new ArgumentError('attentionOverlay', `expected ${what} of shape [H, W]${allowRgb ? ' or [3, H, W]' : ''}, got [${s.join(', ')}]`);
  }
  const rows = x as ReadonlyArray<ArrayLike<number>>;
  const h = rows.length;
  const w = h > 0 ? rows[0]!.length : 0;
  if (h === 0 || w === 0) throw new ArgumentError('attentionOverlay', `expected a non-empty ${what} [H][W]`);
  const v = new Float64Array(h * w);
  rows.forEach((r, i) => {
    if (r.length !== w) throw new ArgumentError('attentionOverlay', `expected ${what} rows of length ${w}, got ${r.length} at row ${i}`);
    for (let j = 0; j < w; j++) v[i * w + j] = r[j]!;
  });
  return { h, w, c: 1, v };
}

function range(v: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]!);
    hi = Math.max(hi, v[i]!);
  }
  return [lo, hi > lo ? hi : lo + 1];
}

const hex = (u: number): string => Math.max(0, Math.min(255, Math.round(u * 255))).toString(16).padStart(2, '0');

/**
 * An attention map drawn over its image: the image (grayscale `[H, W]` or RGB `[3, H, W]`,
 * min–max scaled) as pixels, the map `[h, w]` (any resolution, e.g. a 7 × 7 feature map over a
 * 224 × 224 image: each cell covers `H/h × W/w` pixels) as a translucent heat map, and
 * optionally the query position as a marker. Row 0 is at the top. Render it with
 * `writePlot` from `@nnkit/metrics/plots-node` (SVG/PNG) or vega-embed in the browser.
 *
 * @example
 * ```ts
 * // row `q` of SelfAttention2d's [B, N, N] map, for the first image, as [H, W]
 * const row = tidy(() => attn.slice([0, q, 0], [1, 1, H * W]).reshape([H, W]));
 * const plot = attentionOverlay(image, row, { marker: [Math.floor(q / W), q % W], title: 'SAGAN attention' });
 * await writePlot(plot, 'attention.png');
 * ```
 */
export function attentionOverlay(image: ImageInput, map: ImageInput, opts: AttentionOverlayOptions = {}): Plot {
  const img = readGrid(image, 'image', true);
  const att = readGrid(map, 'map', false);
  const { h: H, w: W } = img;
  if (H * W > 512 * 512) throw new ArgumentError('attentionOverlay', `expected an image of at most 512 × 512 pixels (resize it first), got ${H} × ${W}`);
  const opacity = opts.opacity ?? 0.55;
  if (!(opacity >= 0 && opacity <= 1)) throw new ArgumentError('attentionOverlay', `opacity must be in [0, 1], got ${opacity}`);
  const [lo, hi] = range(img.v);
  const pixels: Array<Record<string, unknown>> = [];
  const plane = H * W;
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const k = i * W + j;
      const ch = img.c === 3 ? [0, 1, 2].map((c) => img.v[c * plane + k]!) : [img.v[k]!, img.v[k]!, img.v[k]!];
      pixels.push({ x: j, x2: j + 1, y: i, y2: i + 1, fill: `#${ch.map((u) => hex((u - lo) / (hi - lo))).join('')}` });
    }
  }
  const sy = H / att.h;
  const sx = W / att.w;
  const cells: Array<Record<string, unknown>> = [];
  for (let i = 0; i < att.h; i++) {
    for (let j = 0; j < att.w; j++) cells.push({ x: j * sx, x2: (j + 1) * sx, y: i * sy, y2: (i + 1) * sy, attention: att.v[i * att.w + j] });
  }
  const scale = Math.min(360 / W, 360 / H, 24);
  const xEnc = { field: 'x', type: 'quantitative', title: null, scale: { domain: [0, W], nice: false, zero: false }, axis: null };
  const yEnc = { field: 'y', type: 'quantitative', title: null, scale: { domain: [0, H], nice: false, zero: false, reverse: true }, axis: null };
  const layers: Array<Record<string, unknown>> = [
    { data: { values: pixels }, mark: { type: 'rect', strokeWidth: 0 }, encoding: { x: xEnc, x2: { field: 'x2' }, y: yEnc, y2: { field: 'y2' }, fill: { field: 'fill', type: 'nominal', scale: null, legend: null } } },
    {
      data: { values: cells },
      mark: { type: 'rect', strokeWidth: 0, opacity },
      encoding: { x: xEnc, x2: { field: 'x2' }, y: yEnc, y2: { field: 'y2' }, fill: { field: 'attention', type: 'quantitative', title: opts.legendTitle ?? 'attention', scale: { scheme: opts.scheme ?? 'inferno' } } },
    },
  ];
  if (opts.marker) {
    const [r, c] = opts.marker;
    layers.push({
      data: { values: [{ x: (c + 0.5) * sx, y: (r + 0.5) * sy }] },
      mark: { type: 'point', shape: 'cross', size: 220, filled: true, color: '#00e5ff', stroke: 'black', strokeWidth: 0.5 },
      encoding: { x: xEnc, y: yEnc },
    });
  }
  return {
    kind: 'attentionOverlay',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: opts.title ?? 'Attention map',
      width: opts.width ?? Math.round(W * scale),
      height: opts.height ?? Math.round(H * scale),
      layer: layers,
      resolve: { scale: { fill: 'independent' } },
      config: { ...BASE_CONFIG, view: { stroke: null } },
    },
  };
}
