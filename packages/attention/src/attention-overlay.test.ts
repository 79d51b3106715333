import { attentionOverlay } from '@nnkit/metrics';
import { renderSvg, writePlot } from '@nnkit/metrics/plots-node';
import { initBackend } from '@nnkit/tensor';
import { concat, memory, mul, randomNormal, reshape, slice, tensor, tensor4d, tidy, zeros } from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SelfAttention2d } from './index.js';

// The README's example figure: where one query position of SAGAN self-attention looks, drawn over
// the image with @nnkit/metrics. `NNKIT_WRITE_EXAMPLES=1 npx vitest run src/attention-overlay.test.ts`
// rewrites docs/self-attention-overlay.png; otherwise the PNG goes to a temporary folder.
const H = 24;
const W = 32;
const dir = process.env.NNKIT_WRITE_EXAMPLES ? new URL('../docs/', import.meta.url).pathname : mkdtempSync(join(tmpdir(), 'nnkit-attn-'));

beforeAll(async () => {
  await initBackend();
});
afterAll(() => {
  if (!process.env.NNKIT_WRITE_EXAMPLES) rmSync(dir, { recursive: true, force: true });
});

/** A dark noisy image with a bright disc and a bright square: [H, W] in [0, 1]. */
function image(): number[][] {
  let s = 7;
  const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: H }, (_, i) =>
    Array.from({ length: W }, (_, j) => {
      const disc = (i - 8) ** 2 + (j - 8) ** 2 <= 25;
      const square = i >= 12 && i < 20 && j >= 20 && j < 28;
      return (disc || square ? 0.85 : 0.1) + 0.1 * rnd();
    }),
  );
}

it('self-attention of a query on the disc concentrates on the bright shapes; the overlay renders (SVG, PNG)', async () => {
  const img = image();
  const sa = new SelfAttention2d(8);
  // query and key read the intensity channel: bright queries attend to bright positions
  sa.query_conv.weight.assign(tensor4d([6, 0, 0, 0, 0, 0, 0, 0], [1, 8, 1, 1]));
  sa.key_conv.weight.assign(tensor4d([6, 0, 0, 0, 0, 0, 0, 0], [1, 8, 1, 1]));
  for (const b of [sa.query_conv.bias!, sa.key_conv.bias!]) b.assign(zeros([1]));
  const before = memory().numTensors;
  const q = [8, 8] as const; // centre of the disc
  const row = tidy(() => {
    const intensity = reshape(tensor(img.flat()), [1, 1, H, W]);
    const x = concat([intensity, mul(randomNormal([1, 7, H, W], 0, 1, 'float32', 3), 0.1)], 1);
    const attn = sa.attentionMap(x); // [1, N, N]
    return reshape(slice(attn, [0, q[0] * W + q[1], 0], [1, 1, H * W]), [H, W]);
  });
  const a = row.arraySync() as number[][];
  const onShapes = img.flat().reduce((acc, v, k) => acc + (v > 0.5 ? a[Math.floor(k / W)]![k % W]! : 0), 0);
  expect(onShapes).toBeGreaterThan(0.9);
  const plot = attentionOverlay(img, row, { marker: q, title: 'SelfAttention2d: where the marked position looks' });
  row.dispose();
  expect(memory().numTensors).toBe(before);
  expect(await renderSvg(plot)).toContain('where the marked position looks');
  const file = join(dir, 'self-attention-overlay.png');
  await writePlot(plot, file);
  expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  sa.dispose();
});
