import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Package root of @nnkit/tensor: the plain Node process resolves `@nnkit/tensor` from there. */
const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

// Plain JavaScript, run by `node --import tsx` (tsx only compiles nnkit's TypeScript sources):
// a conv -> tanh -> matMul -> softmax cross-entropy net, gradients of both weights, on wasm and cpu.
const script = `
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, conv2d, gradCheck } from '@nnkit/tensor';
const out = { hadSumGradBefore: tf.getGradient('Sum') !== undefined, runs: [] };
for (const name of ['wasm', 'cpu']) {
  const backend = await initBackend(name);
  const x = tf.tensor4d(Array.from({ length: 2 * 5 * 5 }, (_, i) => Math.sin(i)), [2, 1, 5, 5]);
  const w0 = tf.tensor4d(Array.from({ length: 3 * 9 }, (_, i) => 0.3 * Math.cos(i)), [3, 1, 3, 3]);
  const fc0 = tf.tensor2d(Array.from({ length: 75 * 4 }, (_, i) => 0.1 * Math.sin(0.7 * i)), [75, 4]);
  const labels = tf.oneHot(tf.tensor1d([1, 3], 'int32'), 4);
  const loss = (w, fc) => {
    const h = tf.tanh(conv2d(x, w, null, { padding: 1 }));
    const p = tf.softmax(tf.matMul(tf.reshape(h, [2, 75]), fc));
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.log(p), labels), 1)));
  };
  const w = tf.variable(w0);
  const fc = tf.variable(fc0);
  const { value, grads } = tf.variableGrads(() => loss(w, fc), [w, fc]);
  const gw = grads[w.name];
  const gfc = grads[fc.name];
  const check = gradCheck(loss, [w0, fc0], { maxElements: 8 });
  out.runs.push({
    backend,
    loss: value.dataSync()[0],
    gwShape: gw.shape,
    gfcShape: gfc.shape,
    gwNorm: Math.hypot(...gw.dataSync()),
    gfcNorm: Math.hypot(...gfc.dataSync()),
    gradCheckOk: check.ok,
    maxAbsErr: check.maxAbsErr,
  });
}
out.hasSumGradAfter = tf.getGradient('Sum') !== undefined;
console.log('RESULT ' + JSON.stringify(out));
`;

interface Run {
  backend: string;
  loss: number;
  gwShape: number[];
  gfcShape: number[];
  gwNorm: number;
  gfcNorm: number;
  gradCheckOk: boolean;
  maxAbsErr: number;
}

function runPlainNode(): Promise<{ hadSumGradBefore: boolean; hasSumGradAfter: boolean; runs: Run[] }> {
  const args = ['--conditions=@nnkit/source', '--import', 'tsx', '--input-type=module', '-e', script];
  return new Promise((done, fail) => {
    execFile(process.execPath, args, { cwd: pkgDir, timeout: 90_000, env: { ...process.env, NODE_OPTIONS: '' } }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (err || line === undefined) fail(new Error(`plain Node run failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
      else done(JSON.parse(line.slice(7)));
    });
  });
}

describe('gradients in a plain Node process (no vite transforms)', () => {
  it('initBackend() registers nnkit gradients: conv + matMul + softmax cross-entropy trains on wasm and cpu', async () => {
    const r = await runPlainNode();
    expect(r.hadSumGradBefore).toBe(false);
    expect(r.hasSumGradAfter).toBe(true);
    expect(r.runs.map((x) => x.backend)).toEqual(['wasm', 'cpu']);
    for (const run of r.runs) {
      expect(run.gwShape).toEqual([3, 1, 3, 3]);
      expect(run.gfcShape).toEqual([75, 4]);
      expect(Number.isFinite(run.loss)).toBe(true);
      expect(run.gwNorm).toBeGreaterThan(0);
      expect(run.gfcNorm).toBeGreaterThan(0);
      expect(run.gradCheckOk, `max abs err ${run.maxAbsErr}`).toBe(true);
    }
    expect(r.runs[1]!.loss).toBeCloseTo(r.runs[0]!.loss, 4);
    expect(r.runs[1]!.gwNorm).toBeCloseTo(r.runs[0]!.gwNorm, 3);
  }, 120_000);
});
