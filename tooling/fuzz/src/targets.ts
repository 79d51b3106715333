// The readers of outside bytes under fuzz: how to get their seed inputs (real files read in
// place, committed fixtures), crafted hostile inputs, and how to call them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { readEdf, readGdf, readMat5, readMat73, readWfdbAnnotations } from '@nnkit/data';
import { BatchNorm1d, Linear, Module, readSafetensors } from '@nnkit/nn';
import { FormatError, initBackend, manualSeed } from '@nnkit/tensor';
import { Adam, EarlyStopping, memoryStorage, ModelCheckpoint, Runner, StepLR } from '@nnkit/train';
import { type Tensor, mean, memory, relu, slice, square, sub, tensor } from '@tensorflow/tfjs-core';
import { craftEdf, craftGdf, craftJson, craftMat5, craftSafetensors } from './crafted.js';
import { concat, mutate, mutateJson, type Rng } from './mutator.js';
import { csvTarget, imageTarget } from './targets-media.js';

/** One input: file name → bytes (single-file readers use one entry). */
export type Input = Record<string, Uint8Array>;

/** A reader under fuzz. */
export interface Target {
  name: string;
  /** Seed inputs: real files and fixtures (loaded once per child process). */
  seeds(): Promise<Input[]>;
  /** Hand-made hostile inputs, run first. */
  crafted(): Input[];
  /** A mutated copy of `seed`. */
  mutate(seed: Input, rng: Rng): Input;
  /** Reads the input; resolves with anything, or throws. */
  run(input: Input): Promise<unknown>;
  /** The file name a typed error must name (the input's main file). */
  fileOf(input: Input): string;
  /** After a failed run: a description of any damage (e.g. weights changed), else undefined. */
  damage?(): Promise<string | undefined>;
  /** After a successful run: a description of a nonsense result (e.g. `epoch: 1.5`), else undefined. */
  nonsense?(result: unknown): string | undefined;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '..', '..', '..');
/** `../shared/data` beside the repository (NNKIT_SHARED_DATA overrides). */
export const sharedData = process.env.NNKIT_SHARED_DATA ?? resolve(repo, '..', 'shared', 'data');
const fixture = (pkg: string, sub: string, name: string): string => join(repo, 'packages', pkg, 'src', sub, '__fixtures__', name);
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));
/** Real files that exist (the shared data is optional: fixtures alone still fuzz). */
const real = (dir: string, re: RegExp, max: number): string[] => {
  const d = join(sharedData, dir);
  if (!existsSync(d)) return [];
  return readdirSync(d).filter((n) => re.test(n)).sort().slice(0, max).map((n) => join(d, n));
};
const one = (name: string, bytes: Uint8Array): Input => ({ [name]: bytes });
const only = (i: Input): [string, Uint8Array] => Object.entries(i)[0]!;
const singleFile = (hot: number | ((b: Uint8Array) => number)) => (seed: Input, rng: Rng): Input => {
  const [name, b] = only(seed);
  return one(name, mutate(b, rng, { hot: typeof hot === 'number' ? hot : hot(b) }));
};
const typedFormat = (e: unknown): boolean => e instanceof FormatError;

/** A MAT v5 file with every compressed element stored inflated (so mutations reach the inner structure). */
function inflateMat5(b: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [b.subarray(0, 128)];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 128; p + 8 <= b.length; ) {
    const type = v.getUint32(p, true);
    const size = v.getUint32(p + 4, true);
    if (type === 15) parts.push(new Uint8Array(inflateSync(b.subarray(p + 8, p + 8 + size))));
    else parts.push(b.subarray(p, p + 8 + size));
    p += 8 + (type === 15 ? size : Math.ceil(size / 8) * 8);
  }
  return concat(...parts);
}
/** Mutates the inflated content of a compressed MAT v5 element and compresses it again. */
function mutateInsideZlib(b: Uint8Array, rng: Rng): Uint8Array | undefined {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 128; p + 8 <= b.length; ) {
    const type = v.getUint32(p, true);
    const size = v.getUint32(p + 4, true);
    if (type === 15 && rng.next() < 0.7) {
      const inner = new Uint8Array(inflateSync(b.subarray(p + 8, p + 8 + size)));
      const z = new Uint8Array(deflateSync(mutate(inner, rng, { hot: 256 }), { level: 1 }));
      const tag = new Uint8Array(8);
      new DataView(tag.buffer).setUint32(0, 15, true);
      new DataView(tag.buffer).setUint32(4, z.length, true);
      return concat(b.subarray(0, p), tag, z, b.subarray(p + 8 + size));
    }
    p += 8 + (type === 15 ? size : Math.ceil(size / 8) * 8);
  }
  return undefined;
}

/** The model whose saved files and checkpoints are fuzzed: Linear + BatchNorm (int64 counter) + Linear. */
class Net extends Module {
  fc1 = this.registerModule('fc1', new Linear(4, 6));
  bn = this.registerModule('bn', new BatchNorm1d(6));
  fc2 = this.registerModule('fc2', new Linear(6, 3));
  forward(x: Tensor): Tensor {
    return this.fc2.call(relu(this.bn.call(this.fc1.call(x))));
  }
}

/** A Runner with Adam, StepLR and EarlyStopping (tensor state) over `storage`, trained 2 epochs. */
async function trainedRunner(): Promise<{ runner: Runner; storage: ReturnType<typeof memoryStorage>; snapshot: () => string }> {
  await initBackend('cpu');
  manualSeed(7);
  const model = new Net();
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const storage = memoryStorage();
  const runner = new Runner({ model, optimizer, lossFn: (o, y) => mean(square(sub(o, y))), scheduler: new StepLR(optimizer, 1, { gamma: 0.5 }), storage, log: null });
  const x = tensor(Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)), [8, 4]);
  const y = tensor(Float32Array.from({ length: 24 }, (_, i) => Math.cos(i)), [8, 3]);
  const loader = { length: 2, *[Symbol.iterator]() { for (let i = 0; i < 2; i++) yield [slice(x, [i * 4, 0], [4, 4]), slice(y, [i * 4, 0], [4, 3])]; } };
  await runner.fit(loader, { epochs: 2, devLoader: loader, callbacks: [new EarlyStopping({ patience: 5, restoreBest: true }), new ModelCheckpoint({ dir: 'ck', every: 1, keepLast: 1 })], logSteps: 0 });
  await runner.saveModel('m');
  const snapshot = (): string => {
    const parts: string[] = [];
    for (const [k, t] of Object.entries(runner.model.stateDict())) parts.push(`${k}:${Array.from(t.dataSync()).join(',')}`);
    const opt = runner.optimizer.stateDict();
    for (const [i, s] of Object.entries(opt.state)) for (const [k, v] of Object.entries(s)) parts.push(`opt${i}.${k}:${typeof v === 'number' ? v : (v.dataSync().join(','), v.dispose(), '')}`);
    parts.push(JSON.stringify(runner.scheduler?.stateDict()), JSON.stringify(runner.state.epoch), JSON.stringify(runner.state.step));
    return parts.join('|');
  };
  return { runner, storage, snapshot };
}

const checkNumbers = (o: Record<string, unknown>): string | undefined => {
  for (const k of ['epoch', 'step']) {
    const v = o[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) return `${k}: ${JSON.stringify(v)}`;
  }
  return undefined;
};

/** Updates the size and SHA-256 that the input's JSON records for data file `name` after it changed. */
function relist(input: Input, name: string): void {
  const jsonName = Object.keys(input).find((k) => k.endsWith('.json'));
  if (!jsonName) return;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(new TextDecoder().decode(input[jsonName])) as Record<string, unknown>;
  } catch {
    return;
  }
  if (doc === null || typeof doc !== 'object') return; // a mutation made it `null`, a number…
  const b = input[name]!;
  const rec = { bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') };
  if (doc.files && typeof doc.files === 'object') {
    for (const f of Object.values(doc.files as Record<string, { name?: string }>)) if (f && name.endsWith(`/${f.name}`)) Object.assign(f, rec);
  } else if (doc.weights && typeof doc.weights === 'object') Object.assign(doc.weights, rec);
  input[jsonName] = new TextEncoder().encode(JSON.stringify(doc));
}

/** Every target, by name. */
export function targets(): Target[] {
  const edfHot = (b: Uint8Array): number => Math.min(b.length, 256 * (1 + Number(new TextDecoder().decode(b.subarray(252, 256)).trim() || 0)));
  const list: Target[] = [
    {
      name: 'edf',
      async seeds() {
        return [...real('eegmmidb/S001', /\.edf$/, 4), fixture('data', 'formats', 'small.edf')].map((p) => one(p, read(p)));
      },
      crafted: craftEdf,
      mutate: singleFile(edfHot),
      async run(i) {
        const [f, b] = only(i);
        return readEdf(b, { file: f });
      },
      fileOf: (i) => only(i)[0],
    },
    {
      name: 'gdf',
      async seeds() {
        return [fixture('data', 'formats', 'small.gdf'), fixture('data', 'eeg', 'A09T.gdf')].filter(existsSync).map((p) => one(p, read(p)));
      },
      crafted: craftGdf,
      mutate: singleFile(4096),
      async run(i) {
        const [f, b] = only(i);
        return readGdf(b, { file: f });
      },
      fileOf: (i) => only(i)[0],
    },
    {
      name: 'mat5',
      async seeds() {
        const files = [...real('bciciv2b', /^B0(1|5|9)0[14]/, 4), ...['types_v5.mat', 'types_v5z.mat'].map((n) => fixture('data', 'formats', n)), fixture('data', 'eeg', 'A09T_labels.mat')];
        const seeds = files.filter(existsSync).map((p) => one(p, read(p)));
        seeds.push(one(`${fixture('data', 'formats', 'types_v5z.mat')} (inflated)`, inflateMat5(read(fixture('data', 'formats', 'types_v5z.mat')))));
        return seeds;
      },
      crafted: craftMat5,
      mutate(seed, rng) {
        const [name, b] = only(seed);
        if (rng.next() < 0.5) {
          const m = mutateInsideZlib(b, rng);
          if (m) return one(name, m);
        }
        return one(name, mutate(b, rng, { hot: 1024 }));
      },
      async run(i) {
        const [f, b] = only(i);
        return readMat5(b, { file: f });
      },
      fileOf: (i) => only(i)[0],
    },
    {
      name: 'mat73',
      async seeds() {
        return [fixture('data', 'formats', 'small_v73.mat')].map((p) => one(p, read(p)));
      },
      crafted: () => [one('empty-v73.mat', new Uint8Array(0)), one('magic-only.mat', concat(new Uint8Array(512), new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), new Uint8Array(64).fill(0xff)))],
      mutate: singleFile(2048),
      async run(i) {
        const [f, b] = only(i);
        return readMat73(b, { file: f });
      },
      fileOf: (i) => only(i)[0],
    },
    {
      name: 'wfdb',
      async seeds() {
        return real('eegmmidb/S001', /\.event$/, 6).map((p) => one(p, read(p)));
      },
      crafted: () => [
        one('skip.event', new Uint8Array([0x00, 0xec, 0xff, 0x7f, 0xff, 0xff, 0x01, 0x04])),
        one('aux.event', new Uint8Array([0xff, 0xfc, 0x41, 0x41])),
        one('negative.event', new Uint8Array([0x00, 0xec, 0x00, 0x80, 0x00, 0x00, 0x01, 0x04, 0, 0])),
      ],
      mutate: singleFile(512),
      async run(i) {
        const [f, b] = only(i);
        return readWfdbAnnotations(b, { file: f });
      },
      fileOf: (i) => only(i)[0],
    },
    {
      name: 'safetensors',
      async seeds() {
        await initBackend('cpu');
        return [
          ...['bn-state.safetensors', 'iris-state.safetensors', 'reference-dtypes.safetensors'].map((n) => fixture('nn', 'io', n)),
          fixture('data', 'formats', 'mat_types.safetensors'),
        ].map((p) => one(p, read(p)));
      },
      crafted: craftSafetensors,
      mutate(seed, rng) {
        const [name, b] = only(seed);
        if (b.length > 8 && rng.next() < 0.4) {
          const n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
          const header = mutateJson(b.subarray(8, 8 + n), rng);
          const len = new Uint8Array(8);
          new DataView(len.buffer).setBigUint64(0, BigInt(header.length), true);
          return one(name, concat(len, header, b.subarray(8 + n)));
        }
        return one(name, mutate(b, rng, { hot: 512 }));
      },
      async run(i) {
        const [f, b] = only(i);
        const before = memory().numTensors;
        const noLeak = (): void => {
          if (memory().numTensors !== before) throw new Error(`leaked ${memory().numTensors - before} tensors`);
        };
        let tensors: ReturnType<typeof readSafetensors>['tensors'];
        try {
          ({ tensors } = readSafetensors(b, { file: f }));
        } catch (e) {
          noLeak(); // a leak outranks the reader's own error, as before
          throw e;
        }
        for (const t of Object.values(tensors)) t.dispose();
        noLeak();
        return tensors;
      },
      fileOf: (i) => only(i)[0],
    },
  ];
  // Saved models (Runner.saveModel: weights + JSON) and full checkpoints (Runner.saveCheckpoint).
  let ctx: Awaited<ReturnType<typeof trainedRunner>> | undefined;
  let clean = '';
  let modelSeed: Input | undefined;
  let checkpointSeed: Input | undefined;
  const filesOf = (storage: ReturnType<typeof memoryStorage>, pre: RegExp): Input =>
    Object.fromEntries([...storage.files].filter(([k]) => pre.test(k)).map(([k, v]) => [k, v.slice()]));
  const mutateFiles = (seed: Input, rng: Rng): Input => {
    const out: Input = { ...seed };
    const names = Object.keys(out);
    const n = 1 + (rng.next() < 0.2 ? 1 : 0);
    for (let k = 0; k < n; k++) {
      const name = rng.pick(names);
      const b = out[name];
      if (!b) continue;
      if (rng.next() < 0.1) delete out[name];
      else if (name.endsWith('.json')) out[name] = rng.next() < 0.7 ? mutateJson(b, rng) : mutate(b, rng);
      else {
        out[name] = mutate(b, rng, { hot: 512 });
        // Mostly keep the JSON's record of the file in step, so the parsers behind it are reached.
        if (rng.next() < 0.8) relist(out, name);
      }
    }
    return out;
  };
  const loadInto = async (input: Input): Promise<Runner> => {
    const c = ctx!;
    c.storage.files.clear();
    for (const [k, v] of Object.entries(input)) c.storage.files.set(k, v);
    return c.runner;
  };
  const damage = async (): Promise<string | undefined> => (ctx!.snapshot() === clean ? undefined : 'the runner changed although the load failed');
  list.push(
    {
      name: 'saved-model',
      async seeds() {
        // once: later the storage holds the previous (mutated) input, not the seed
        if (!modelSeed) {
          ctx ??= await trainedRunner();
          clean = ctx.snapshot();
          modelSeed = filesOf(ctx.storage, /^m\./);
        }
        return [modelSeed];
      },
      crafted: () => [
        ...craftJson('m.json').map((j) => ({ 'm.json': j })),
        // metadata naming its weights file (crash-safe rewrites): missing, outside the folder, not a string
        ...['m-1-x.safetensors', '../m.safetensors', 'sub/m.safetensors', 7, null, ''].map((name) => ({ 'm.json': new TextEncoder().encode(JSON.stringify({ format: 'nnkit.model.v1', epoch: 1, step: 2, weights: { name, bytes: 10 } })) })),
      ],
      mutate: mutateFiles,
      async run(i) {
        const full = { ...i };
        if (!('m.safetensors' in full) && !('m.json' in full)) full['m.json'] = new Uint8Array();
        if (!('m.safetensors' in i)) {
          // crafted JSON only: pair it with the real weights
          const seed = (await this.seeds())[0]!;
          full['m.safetensors'] = seed['m.safetensors']!;
        }
        const runner = await loadInto(full);
        const meta = await runner.loadModel('m');
        ctx!.storage.files.clear();
        await restore();
        return meta;
      },
      // both files deleted by the mutation: run() adds an empty m.json, which the error names
      fileOf: (i) => (Object.keys(i).find((k) => k.endsWith('.json')) ?? ('m.safetensors' in i ? 'm.safetensors' : 'm.json')),
      damage,
      nonsense: (r) => checkNumbers(r as Record<string, unknown>),
    },
    {
      name: 'checkpoint',
      async seeds() {
        if (!checkpointSeed) {
          ctx ??= await trainedRunner();
          clean = ctx.snapshot();
          checkpointSeed = filesOf(ctx.storage, /^ck\/epoch-2\//);
        }
        return [checkpointSeed];
      },
      crafted: () => craftJson('ck/epoch-2/state.json').map((j) => ({ 'ck/epoch-2/state.json': j })),
      mutate: mutateFiles,
      async run(i) {
        const full = { ...i };
        if (Object.keys(i).length === 1 && 'ck/epoch-2/state.json' in i) {
          const seed = (await this.seeds())[0]!;
          for (const [k, v] of Object.entries(seed)) if (!(k in full)) full[k] = v;
        }
        const runner = await loadInto(full);
        await runner.loadCheckpoint('ck/epoch-2');
        const st = { ...runner.state };
        await restore();
        return st;
      },
      fileOf: () => 'ck/epoch-2',
      damage,
      nonsense: (r) => checkNumbers(r as Record<string, unknown>),
    },
  );
  list.push(csvTarget(sharedData), imageTarget());
  /** Puts the runner back to the trained state after a successful load (the next input starts clean). */
  const restore = async (): Promise<void> => {
    const c = ctx!;
    const seedModel = filesOf(c.storage, /^$/);
    void seedModel;
    c.storage.files.clear();
    for (const [k, v] of pristine) c.storage.files.set(k, v);
    await c.runner.loadCheckpoint('ck/epoch-2');
    clean = c.snapshot();
  };
  let pristine: [string, Uint8Array][] = [];
  const origSeeds = list.filter((t) => t.name === 'saved-model' || t.name === 'checkpoint');
  for (const t of origSeeds) {
    const s = t.seeds.bind(t);
    t.seeds = async () => {
      const out = await s();
      if (pristine.length === 0) pristine = [...ctx!.storage.files].map(([k, v]) => [k, v.slice()]);
      return out;
    };
  }
  return list;
}

/** Whether an error is the typed kind every reader must throw. */
export const isTyped = typedFormat;
