/**
 * nnkit playground: trains the iris MLP in the browser on the wasm backend through the Runner,
 * shows progress and the test accuracy, renders the plots of @nnkit/metrics with vega-embed,
 * and saves/loads the model through the Runner's storage interface (IndexedDB, downloads,
 * picked files).
 */
import type { Plot, TrainingHistory } from '@nnkit/metrics';
import { backendName, initBackend } from '@nnkit/tensor';
import type { Callback } from '@nnkit/train';
import embed from 'vega-embed';
import { boundaryPlot, confusionPlot, curvesPlot } from './plots.js';
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

function readSeed(): number {
  const s = Math.trunc(Number(ui.seed.value));
  return Number.isFinite(s) && s >= 0 ? s : 0;
}

function freshSession(seed: number): IrisSession {
  session?.model.dispose();
  session = irisSession(seed);
  return session;
}

async function train(): Promise<void> {
  const seed = readSeed();
  const s = freshSession(seed);
  data = irisData(seed);
  const { epochs } = IRIS_RECIPE;
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
      await nextFrame();
    },
  };
  const ms = await trainIris(s, data, [progress]);
  history = s.runner.history.toJSON();
  const steps = history.stepLosses.length;
  setStatus(`trained ${steps} steps in ${(ms / 1000).toFixed(2)} s (${(ms / steps).toFixed(2)} ms/step); best dev accuracy ${s.runner.bestScore.toFixed(3)} — the best dev model is loaded`);
  await report();
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
        console.error(e);
        setStatus(`error: ${e instanceof Error ? e.message : String(e)}`, true);
        document.body.dataset['state'] = 'error';
      })
      .finally(() => setBusy(false));
  };
}

ui.train.addEventListener('click', action(train));
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
