/**
 * nnkit's main demo: the iris tutorial (RunnerV3) trained with the Runner of @nnkit/train —
 * min-max normalisation, shuffle, 120/15/15, MLP 4-6-3 with sigmoid, SGD lr 0.2, batch 16,
 * 150 epochs; the best dev model is saved, reloaded and scored on the test split. Writes the
 * training curves (PNG + SVG) and the history to apps/iris/out/.
 */
import { fileURLToPath } from 'node:url';
import { backendName, initBackend } from '@nnkit/tensor';
import { nodeStorage } from '@nnkit/train';
import { writeTrainingCurves } from './plot.js';
import { runIrisRecipe } from './recipe.js';

const outDir = fileURLToPath(new URL('../out/', import.meta.url));
const t0 = performance.now();
await initBackend();
const tInit = performance.now() - t0;
console.log(`nnkit iris demo — backend: ${backendName()} (started in ${tInit.toFixed(0)} ms)`);

const seed = Number(process.env['SEED'] ?? 0);
const r = await runIrisRecipe({ seed, savePath: `${outDir}best_model`, storage: nodeStorage(), log: (l) => console.log(l) });
console.log(`[Test] accuracy: ${r.testAccuracy.toFixed(5)}, loss: ${r.testLoss.toFixed(5)} (best dev accuracy ${r.bestDevAccuracy.toFixed(5)})`);

const t1 = performance.now();
const files = await writeTrainingCurves(r.history, outDir);
const tPlot = performance.now() - t1;
const steps = r.history.stepLosses.length;
console.log(`training: ${(r.trainMs / 1000).toFixed(2)} s for ${steps} steps (${(r.trainMs / steps).toFixed(2)} ms/step, with ${r.history.devScores.length} dev evaluations)`);
console.log(`plot: ${files.png}, ${files.svg} (${tPlot.toFixed(0)} ms); history: ${files.json}; best model: ${outDir}best_model.safetensors`);
console.log(`total: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
