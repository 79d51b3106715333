/**
 * nnkit playground: trains the iris MLP (and LeNet on the digits, and EEG-TCNet on a BCI IV 2b
 * excerpt it then streams) in the browser on the wasm backend through the Runner,
 * shows progress and the test accuracy, renders the plots of @nnkit/metrics with vega-embed,
 * and saves/loads the model through the Runner's storage interface (IndexedDB, downloads,
 * picked files).
 */
import type { Plot, TrainingHistory } from '@nnkit/metrics';
import { backendName, initBackend } from '@nnkit/tensor';
import type { Callback } from '@nnkit/train';
import embed from 'vega-embed';
import { trainingCurves } from '@nnkit/metrics';
import { confusionMatrixPlot } from '@nnkit/metrics';
import { boundaryPlot, confusionPlot, curvesPlot } from './plots.js';
import { runDigits, trainAndStream } from './demos.js';
import { IRIS_RECIPE, type IrisData, irisData, type IrisSession, irisSession, testIris, trainIris } from './recipe.js';
import { wasmPaths } from './wasm.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: #${id} is missing from index.html`);
  return el as T;
};
const ui = {
  backend: $('backend'),
  seed: $<HTMLInputElement>('seed'),
  epochs: $<HTMLInputElement>('epochs'),
  lr: $<HTMLInputElement>('lr'),
  digitsEpochs: $<HTMLInputElement>('digits-epochs'),
  digitsTrain: $<HTMLButtonElement>('digits-train'),
  digitsProgress: $<HTMLProgressElement>('digits-progress'),
  digitsStatus: $('digits-status'),
  digitsAccuracy: $('digits-accuracy'),
  digitsLoss: $('digits-loss'),
  digitsConfusion: $('digits-confusion'),
  eegEpochs: $<HTMLInputElement>('eeg-epochs'),
  eegTrain: $<HTMLButtonElement>('eeg-train'),
  eegStatus: $('eeg-status'),
  eegTruth: $('eeg-truth'),
  train: $<HTMLButtonElement>('train'),
  target: $<HTMLSelectElement>('target'),
  save: $<HTMLButtonElement>('save'),
  load: $<HTMLButtonElement>('load'),
  files: $<HTMLInputElement>('files'),
  progress: $<HTMLProgressElement>('progress'),
  status: $('status'),
  accuracy: $('accuracy'),
  curves: $('curves'),
  confusion: $('confusion'),
  boundary: $('boundary'),
};

const SAVE_NAME = 'iris-mlp';
let session: IrisSession | undefined;
let data: IrisData | undefined;
let history: TrainingHistory | undefined;
let busy = false;

function setStatus(text: string, error = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', error);
}

function setBusy(b: boolean): void {
  busy = b;
  ui.train.disabled = b;
  ui.digitsTrain.disabled = b;
  ui.eegTrain.disabled = b;
  ui.load.disabled = b;
  ui.files.disabled = b;
  ui.save.disabled = b || session === undefined;
  document.body.dataset['busy'] = String(b);
}

/** Lets the browser paint between epochs (the training loop otherwise runs in microtasks). */
const nextFrame = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function show(el: HTMLElement, plot: Plot): Promise<void> {
  el.replaceChildren();
  await embed(el, plot.spec as never, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } });
}

/** Scores the current model on the test split of `data` and draws every plot. */
async function report(): Promise<void> {
  if (!session || !data) return;
  const t = await testIris(session, data);
  ui.accuracy.textContent = t.accuracy.toFixed(4);
  ui.accuracy.dataset['value'] = String(t.accuracy);
  const jobs = [show(ui.confusion, confusionPlot(t.confusion)), boundaryPlot(session, data).then((p) => show(ui.boundary, p))];
  if (history && history.stepLosses.length > 0) jobs.push(show(ui.curves, curvesPlot(history)));
  else ui.curves.replaceChildren();
  await Promise.all(jobs);
  document.body.dataset['state'] = 'ready';
}

/** A form value that is not valid: shown in the status line, nothing is trained. */
class InputError extends Error {}

/** Reads a number field; refuses (never clamps) values outside [min, max] or non-integers where asked. */
function readNumber(input: HTMLInputElement, name: string, min: number, max: number, integer: boolean, exclusiveMin = false): number {
  const raw = input.value.trim();
  const v = Number(raw);
  const ok = raw !== '' && Number.isFinite(v) && (exclusiveMin ? v > min : v >= min) && v <= max && (!integer || Number.isInteger(v));
  input.setCustomValidity(ok ? '' : 'invalid');
  if (!ok) throw new InputError(`${name} must be ${integer ? 'an integer' : 'a number'} ${exclusiveMin ? '>' : 'from'} ${min}${exclusiveMin ? ` and ≤ ${max}` : ` to ${max}`}, got '${raw}'`);
  return v;
}

const readSeed = (): number => readNumber(ui.seed, 'seed', 0, 0xffffffff, true);

function freshSession(seed: number): IrisSession {
  session?.model.dispose();
  session = irisSession(seed);
  return session;
}

async function train(): Promise<void> {
  const seed = readSeed();
  const epochs = readNumber(ui.epochs, 'epochs', 1, 2000, true);
  const lr = readNumber(ui.lr, 'learning rate', 0, 10, false, true);
  delete document.body.dataset['input'];
  session?.model.dispose();
  const s = (session = irisSession(seed, undefined, lr));
  data = irisData(seed);
  document.body.dataset['state'] = 'training';
  ui.accuracy.textContent = '—';
  delete ui.accuracy.dataset['value'];
  ui.progress.max = epochs;
  ui.progress.value = 0;
  let devAcc = Number.NaN;
  const progress: Callback = {
    onEvalEnd: (_r, _step, logs) => {
      devAcc = logs['dev_accuracy'] ?? devAcc;
    },
    onEpochEnd: async (r, epoch, logs) => {
      ui.progress.value = epoch + 1;
      const dev = Number.isNaN(devAcc) ? '' : `, dev accuracy ${devAcc.toFixed(3)}`;
      setStatus(`epoch ${epoch + 1}/${epochs}, step ${r.state.step}, loss ${(logs['loss'] ?? Number.NaN).toFixed(4)}${dev}`);
      if ((epoch + 1) % 10 === 0 || epoch + 1 === epochs) {
        const h = r.history.toJSON();
        if (h.stepLosses.length > 0) await show(ui.curves, curvesPlot(h));
      }
      await nextFrame();
    },
  };
  const ms = await trainIris(s, data, [progress], epochs);
  history = s.runner.history.toJSON();
  const steps = history.stepLosses.length;
  setStatus(`trained ${steps} steps in ${(ms / 1000).toFixed(2)} s (${(ms / steps).toFixed(2)} ms/step); best dev accuracy ${s.runner.bestScore.toFixed(3)} — the best dev model is loaded`);
  await report();
}

async function digits(): Promise<void> {
  const epochs = readNumber(ui.digitsEpochs, 'digits epochs', 1, 100, true);
  document.body.dataset['digits'] = 'training';
  ui.digitsProgress.max = epochs;
  ui.digitsProgress.value = 0;
  ui.digitsStatus.textContent = `loading the digits, training LeNet for ${epochs} epochs…`;
  await nextFrame();
  const losses: Array<[number, number]> = [];
  const r = await runDigits(epochs, (e, loss) => {
    losses.push([e, loss]);
    ui.digitsProgress.value = e;
  });
  r.model.dispose();
  ui.digitsAccuracy.textContent = r.testAccuracy.toFixed(4);
  ui.digitsAccuracy.dataset['value'] = String(r.testAccuracy);
  ui.digitsStatus.textContent = `trained ${epochs} epochs on ${r.trainSize} digits in ${r.seconds.toFixed(1)} s; ${r.testSize} held out`;
  await Promise.all([
    show(ui.digitsLoss, trainingCurves({ stepLosses: losses, devLosses: [], devScores: [[epochs, r.testAccuracy]], scoreName: 'accuracy (held out)' }, { title: 'LeNet on digits', xTitle: 'Epoch', width: 260, height: 200 })),
    show(ui.digitsConfusion, confusionMatrixPlot(r.confusion, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], { title: `Held-out confusion matrix (accuracy ${(100 * r.testAccuracy).toFixed(1)} %)`, width: 260, height: 260 })),
  ]);
  document.body.dataset['digits'] = 'done';
}

async function eeg(): Promise<void> {
  const epochs = readNumber(ui.eegEpochs, 'EEG epochs', 1, 100, true);
  document.body.dataset['eeg'] = 'training';
  ui.eegStatus.textContent = `training EEG-TCNet for ${epochs} epochs on 80 trials…`;
  await nextFrame();
  const bars = [0, 1].map((k) => [$(`eeg-p${k}`), $(`eeg-v${k}`)] as const);
  const names = ['left hand', 'right hand'];
  const r = await trainAndStream(
    epochs,
    (e, loss) => void (ui.eegStatus.textContent = `epoch ${e}/${epochs}: loss ${loss.toFixed(4)}`),
    async (o) => {
      document.body.dataset['eeg'] = 'streaming';
      bars.forEach(([fill, val], k) => {
        fill.style.width = `${(100 * o.probs[k]!).toFixed(1)}%`;
        val.textContent = o.probs[k]!.toFixed(2);
      });
      ui.eegStatus.textContent = `t = ${o.time.toFixed(2)} s: predicted ${names[o.label]} (${o.latencyMs.toFixed(1)} ms for this hop)`;
      ui.eegTruth.textContent = `true class of the trial under the window: ${names[o.truth]}`;
      await nextFrame();
    },
  );
  ui.eegStatus.textContent = `trained in ${r.trainSeconds.toFixed(1)} s; streamed ${r.outputs} predictions (mean ${r.meanLatencyMs.toFixed(1)} ms per hop of 256 ms), ${(100 * r.agreement).toFixed(0)} % agree with the trial under the window`;
  ui.eegStatus.dataset['outputs'] = String(r.outputs);
  document.body.dataset['eeg'] = 'done';
}

async function save(): Promise<void> {
  if (!session) return;
  const target = ui.target.value === 'download' ? 'download' : 'idb';
  await session.runner.saveModel(`${target}/${SAVE_NAME}`, { seed: session.seed, recipe: IRIS_RECIPE, history });
  setStatus(target === 'idb' ? `saved to IndexedDB 'nnkit-playground' as ${SAVE_NAME}.safetensors + ${SAVE_NAME}.json` : `downloaded ${SAVE_NAME}.safetensors and ${SAVE_NAME}.json`);
}

/** Loads `route/name` into a fresh model; the metadata restores the seed (test split) and curves. */
async function loadFrom(route: 'idb' | 'upload', name: string, s = freshSession(readSeed())): Promise<void> {
  if (!(await s.storage.exists(`${route}/${name}.safetensors`))) {
    setStatus(route === 'idb' ? 'nothing saved in IndexedDB yet: train, then Save model' : 'pick a .safetensors file', true);
    return;
  }
  const meta = await s.runner.loadModel(`${route}/${name}`);
  const seed = typeof meta['seed'] === 'number' ? meta['seed'] : readSeed();
  ui.seed.value = String(seed);
  data = irisData(seed);
  const h = meta['history'] as TrainingHistory | undefined;
  history = h && Array.isArray(h.stepLosses) ? h : undefined;
  const when = typeof meta['savedAt'] === 'string' ? ` (saved ${meta['savedAt']})` : '';
  setStatus(`loaded ${route === 'idb' ? 'from IndexedDB' : 'from files'}: ${name}${when}; scored on the test split of seed ${seed}`);
  await report();
}

async function loadFiles(files: FileList): Promise<void> {
  const list = Array.from(files);
  const weights = list.find((f) => f.name.endsWith('.safetensors'));
  if (!weights) {
    setStatus('pick a .safetensors file (and optionally its .json)', true);
    return;
  }
  const name = weights.name.slice(0, -'.safetensors'.length);
  const s = freshSession(readSeed());
  const upload = s.storage.routes.upload;
  await upload.write(`${name}.safetensors`, new Uint8Array(await weights.arrayBuffer()));
  const meta = list.find((f) => f.name === `${name}.json`);
  if (meta) await upload.write(`${name}.json`, await meta.text());
  await loadFrom('upload', name, s);
}

/** Runs a button's action with the buttons disabled; errors go to the status line. */
function action(fn: () => Promise<void>): () => void {
  return () => {
    if (busy) return;
    setBusy(true);
    fn()
      .catch((e: unknown) => {
        if (e instanceof InputError) {
          setStatus(e.message, true);
          document.body.dataset['input'] = 'invalid';
          return;
        }
        console.error(e);
        setStatus(`error: ${e instanceof Error ? e.message : String(e)}`, true);
        document.body.dataset['state'] = 'error';
      })
      .finally(() => setBusy(false));
  };
}

ui.train.addEventListener('click', action(train));
ui.digitsTrain.addEventListener('click', action(digits));
ui.eegTrain.addEventListener('click', action(eeg));
ui.save.addEventListener('click', action(save));
ui.load.addEventListener('click', action(() => loadFrom('idb', SAVE_NAME)));
ui.files.addEventListener(
  'change',
  action(async () => {
    if (ui.files.files?.length) await loadFiles(ui.files.files);
    ui.files.value = '';
  }),
);

try {
  const t0 = performance.now();
  const name = await initBackend('wasm', { wasmPaths, fallback: true });
  ui.backend.textContent = backendName() ?? name;
  setStatus(`${name} backend started in ${(performance.now() - t0).toFixed(0)} ms — press Train`);
  setBusy(false);
  document.body.dataset['state'] = 'idle';
} catch (e) {
  ui.backend.textContent = 'none';
  setStatus(`no backend: ${e instanceof Error ? e.message : String(e)}`, true);
}
