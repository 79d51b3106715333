// The PyTorch checkpoint reader against files written by torch.save (tooling/parity/generators/gen_pth.py)
// and against hand-made archives and pickles for what torch 1.13 cannot write (big-endian, hostile input).
import { initBackend } from '@nnkit/tensor';
import { FormatError } from '@nnkit/tensor';
import { assertClose, loadFixture, readFixture } from '@nnkit/tooling-testing';
import { memory, type Tensor } from '@tensorflow/tfjs-core';
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { Flatten, Linear, ReLU } from '../layers/basic/index.js';
import { Conv2d, MaxPool2d } from '../layers/conv/index.js';
import { StateDictError } from '../errors.js';
import { Module } from '../module.js';
import { checkpointFormat, loadPth, loadSafetensors, loadStateDictFromFile, PthError, PthObject, type PthValue, readPth, readStateDict } from './index.js';

interface Expect {
  shape: number[];
  values: Array<number | string>;
}
const expected = JSON.parse(new TextDecoder().decode(loadFixture(import.meta.url, 'pth-expected.json'))) as {
  dtypes: Record<string, Expect>;
  views: Record<string, Expect>;
  checkpoint: { model: Record<string, Expect>; optimizer_state: Record<string, Expect>; param_groups: unknown[]; epoch: number; best: number; name: string; neg: number; big: string };
};
const fixture = (name: string): Uint8Array => loadFixture(import.meta.url, name);
const disposeAll = (v: Iterable<Tensor>): void => {
  for (const t of new Set(v)) t.dispose();
};

/** Every tensor inside a value read by readPth. */
function tensorsIn(v: PthValue, out: Tensor[] = []): Tensor[] {
  if (v instanceof Map) for (const x of v.values()) tensorsIn(x, out);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, out);
  else if (v !== null && typeof v === 'object' && 'dataSync' in v) out.push(v);
  return out;
}

function expectTensor(t: PthValue | undefined, e: Expect, name: string): void {
  const x = t as Tensor;
  expect(x.shape, name).toEqual(e.shape);
  const got = Array.from(x.dataSync());
  expect(got.length, name).toBe(e.values.length);
  e.values.forEach((v, i) => {
    if (typeof v === 'string') expect(got[i], `${name}[${i}]`).toBe(Number(v.replace('inf', 'Infinity').replace('nan', 'NaN')));
    else if (x.dtype === 'float32') expect(got[i], `${name}[${i}]`).toBeCloseTo(Math.fround(v), 5);
    else expect(got[i], `${name}[${i}]`).toBe(v);
  });
}

function kindOf(f: () => unknown): string {
  try {
    const r = f() as PthValue | Record<string, Tensor>;
    if (r instanceof Map) disposeAll(tensorsIn(r));
    else if (r && typeof r === 'object') disposeAll(Object.values(r as Record<string, Tensor>));
  } catch (e) {
    if (e instanceof PthError) return e.kind;
    throw e;
  }
  return 'ok';
}

/** A torch.save-shaped archive from records (stored, like torch writes them). */
function archive(records: Record<string, Uint8Array | string>, prefix = 'archive'): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [k, v] of Object.entries(records)) files[`${prefix}/${k}`] = [typeof v === 'string' ? new TextEncoder().encode(v) : v, { level: 0 }];
  return zipSync(files);
}

/** Pickle bytes from pieces: numbers are opcodes / raw bytes, strings are SHORT_BINUNICODE. */
function pickle(...parts: Array<number | string | Uint8Array>): Uint8Array {
  const out: number[] = [0x80, 2];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') {
      const b = new TextEncoder().encode(p);
      out.push(0x8c, b.length, ...b);
    } else out.push(...p);
  }
  out.push(0x2e);
  return new Uint8Array(out);
}
const op = (s: string): number => s.charCodeAt(0);
const GLOBAL = (mod: string, name: string): Uint8Array => new TextEncoder().encode(`c${mod}\n${name}\n`);

/** A one-tensor state dict {'w': FloatStorage '0' viewed with offset/size/stride}. */
function oneTensor(storage: Uint8Array, offset: number[], size: number[], stride: number[], type = 'FloatStorage', torch2 = false): Uint8Array {
  const tup = (xs: number[]): Array<number | Uint8Array> => [op('('), ...xs.flatMap((x) => [0x4a, ...new Uint8Array(new Int32Array([x]).buffer)]), op('t')];
  // torch ≥ 2: backward hooks as OrderedDict(), a 7th `metadata` argument, extra records
  const hooks = torch2 ? [GLOBAL('collections', 'OrderedDict'), op(')'), op('R'), 0x4e] : [0x4e];
  const pkl = pickle(op('}'), 'w', GLOBAL('torch._utils', '_rebuild_tensor_v2'), op('('), op('('), 'storage', GLOBAL('torch', type), '0', 'cpu', 0x4b, 1, op('t'), op('Q'), ...tup(offset).slice(1, -1), ...tup(size), ...tup(stride), 0x89, ...hooks, op('t'), op('R'), op('s'));
  const extra = torch2 ? { byteorder: 'little', '.format_version': '1', '.storage_alignment': '64', '.data/serialization_id': '0123456789' } : {};
  return archive({ 'data.pkl': pkl, 'data/0': storage, version: '3\n', ...extra });
}

beforeAll(async () => {
  await initBackend();
});

describe('readPth: files written by torch.save (PyTorch 1.13)', () => {
  it('reads every storage dtype with safetensors narrowing (f64/f16/bf16 → float32, int64/16/8/uint8 → int32)', () => {
    const before = memory().numTensors;
    const d = readPth(fixture('pth-dtypes.pth')) as Map<string, Tensor>;
    expect([...d.keys()]).toEqual(Object.keys(expected.dtypes));
    for (const [k, e] of Object.entries(expected.dtypes)) expectTensor(d.get(k), e, k);
    const dtypes = Object.fromEntries([...d].map(([k, t]) => [k, t.dtype]));
    expect(dtypes).toEqual({ f32: 'float32', f64: 'float32', f16: 'float32', bf16: 'float32', i64: 'int32', i32: 'int32', i16: 'int32', i8: 'int32', u8: 'int32', bool: 'bool', scalar: 'float32', empty: 'float32' });
    expect(Array.from(d.get('f16')!.dataSync())).toEqual([1, -2, 65504, 2 ** -24, Infinity, -0]);
    expect(Array.from(d.get('i64')!.dataSync())).toEqual([0, -1, 2147483647, -2147483648, 7, 42]);
    disposeAll(d.values());
    expect(memory().numTensors).toBe(before);
  });

  it('gathers non-contiguous views: transposes, step slices, storage offsets, zero strides, shared storages, Parameters', () => {
    const d = readPth(fixture('pth-views.pth')) as Map<string, Tensor>;
    for (const [k, e] of Object.entries(expected.views)) expectTensor(d.get(k), e, k);
    expect(d.get('long_view')!.dtype).toBe('int32');
    disposeAll(d.values());
  });

  it('reads a nested training checkpoint (protocol 2): model, optimizer, plain Python values', () => {
    for (const name of ['pth-checkpoint.pth', 'pth-checkpoint-p5.pth']) {
      const c = readPth(fixture(name)) as Map<string, PthValue>;
      const e = expected.checkpoint;
      expect(c.get('epoch'), name).toBe(3);
      expect(c.get('best')).toBe(0.97);
      expect(c.get('name')).toBe('iris ✓');
      expect(c.get('flags')).toEqual([true, false, null]);
      expect(c.get('big')).toBe(BigInt(e.big));
      expect(c.get('neg')).toBe(-123456789012);
      expect(c.get('bytes')).toEqual(new Uint8Array([0, 1, 255]));
      expect(c.get('pair')).toEqual([1, 'a']);
      expect(c.get('ints')).toEqual(new Map<number, string>([[1, 'one'], [-2, 'minus two']]));
      expect(c.get('nested')).toEqual(new Map<string, PthValue>([['b', new Map([['c', [1.5, -2]]])], ['a', 7]]));
      const model = c.get('model') as Map<string, Tensor>;
      for (const [k, x] of Object.entries(e.model)) expectTensor(model.get(k), x, k);
      const opt = c.get('optimizer') as Map<string, PthValue>;
      const state = opt.get('state') as Map<number, Map<string, Tensor>>;
      for (const [k, x] of Object.entries(e.optimizer_state)) expectTensor(state.get(Number(k))!.get('momentum_buffer'), x, `state ${k}`);
      const groups = opt.get('param_groups') as Array<Map<string, PthValue>>;
      expect(Object.fromEntries(groups[0]!)).toEqual(e.param_groups[0]);
      disposeAll(tensorsIn(c));
    }
  });

  it('loadPth finds the state dict inside {model: …}, reads only its tensors, and takes { key } / { stripPrefix }', () => {
    const before = memory().numTensors;
    const sd = loadPth(fixture('pth-checkpoint.pth'));
    expect(Object.keys(sd)).toEqual(Object.keys(expected.checkpoint.model));
    expect(memory().numTensors).toBe(before + 4);
    disposeAll(Object.values(sd));
    const byKey = loadPth(fixture('pth-checkpoint.pth'), { key: ['model'], stripPrefix: 'fc1.' });
    expect(Object.keys(byKey)).toEqual(['weight', 'bias', 'fc2.weight', 'fc2.bias']);
    disposeAll(Object.values(byKey));
    expect(() => loadPth(fixture('pth-checkpoint.pth'), { key: 'optimizer' })).toThrow(/not a state dict: entry "state" is a dict, not a tensor/);
    expect(() => loadPth(fixture('pth-checkpoint.pth'), { key: 'nope', file: 'ck.pth' })).toThrow(/pth: ck\.pth: no key 'nope' in the checkpoint \(keys: "model", "optimizer", "epoch"/);
    expect(kindOf(() => loadPth(fixture('pth-dtypes.pth')))).toBe('ok');
    expect(memory().numTensors).toBe(before);
  });
});

class LeNet extends Module {
  conv1 = this.registerModule('conv1', new Conv2d(1, 6, 5));
  conv2 = this.registerModule('conv2', new Conv2d(6, 16, 5));
  fc1 = this.registerModule('fc1', new Linear(16 * 5 * 5, 120));
  fc2 = this.registerModule('fc2', new Linear(120, 84));
  fc3 = this.registerModule('fc3', new Linear(84, 10));
  pool = this.registerModule('pool', new MaxPool2d(2));
  relu = this.registerModule('relu', new ReLU());
  flatten = this.registerModule('flatten', new Flatten(1));
  forward(x: Tensor): Tensor {
    const h = this.pool.call(this.relu.call(this.conv1.call(x)));
    const f = this.flatten.call(this.pool.call(this.relu.call(this.conv2.call(h))));
    return this.fc3.call(this.relu.call(this.fc2.call(this.relu.call(this.fc1.call(f)))));
  }
}
const nnFixture = (name: string): Uint8Array => loadFixture(new URL('../models-parity.test.ts', import.meta.url).href, name);

describe('LeNet from a .pth state dict', () => {
  it('holds the same tensors as the safetensors files and gives the same logits (and PyTorch’s within 1e-4)', () => {
    const fromPth = loadPth(fixture('pth-lenet.pth'), { file: 'pth-lenet.pth' });
    const fromSt = { ...loadSafetensors(nnFixture('lenet-state-00001.safetensors')), ...loadSafetensors(nnFixture('lenet-state-00002.safetensors')) };
    expect(Object.keys(fromPth)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias']);
    for (const [k, t] of Object.entries(fromSt)) expect(Array.from(fromPth[k]!.dataSync()), k).toEqual(Array.from(t.dataSync()));
    const a = new LeNet().eval();
    const b = new LeNet().eval();
    a.loadStateDict(fromPth);
    b.loadStateDict(fromSt);
    const fx = readFixture(new URL('../models-parity.test.ts', import.meta.url).href, 'lenet-io');
    const ya = a.call(fx.get('in.x'));
    const yb = b.call(fx.get('in.x'));
    expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
    assertClose(ya, fx.get('out.eval'), { atol: 1e-4, rtol: 1e-4, name: 'LeNet from .pth' });
    for (const t of [ya, yb]) t.dispose();
    disposeAll([...Object.values(fromPth), ...Object.values(fromSt)]);
    fx.dispose();
    a.dispose();
    b.dispose();
  });

  it('loadStateDictFromFile sniffs .pth vs safetensors, frees what it read, and names missing / unexpected keys', () => {
    const m = new LeNet();
    const before = memory().numTensors;
    expect(loadStateDictFromFile(m, fixture('pth-lenet.pth'))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(memory().numTensors).toBe(before);
    expect(checkpointFormat(fixture('pth-lenet.pth'))).toBe('pth');
    expect(checkpointFormat(nnFixture('lenet-state-00001.safetensors'))).toBe('safetensors');
    expect(checkpointFormat(fixture('pth-legacy.pth'))).toBe('pth-legacy');
    const r = loadStateDictFromFile(m, nnFixture('lenet-state-00001.safetensors'), { strict: false });
    expect(r.missingKeys).toEqual(['fc1.weight', 'fc1.bias']);
    let err: unknown;
    try {
      loadStateDictFromFile(m, fixture('pth-checkpoint.pth'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    expect((err as StateDictError).missingKeys).toContain('conv1.weight');
    expect((err as StateDictError).unexpectedKeys).toEqual([]);
    expect((err as StateDictError).shapeMismatches[0]).toBe('fc1.weight: expected shape [120,400], got [6,4]');
    expect(memory().numTensors).toBe(before);
    expect(m.loadStateDict(fixture('pth-lenet.pth'), { file: 'lenet.pth' })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(m.loadStateDict(nnFixture('lenet-state-00002.safetensors').buffer as ArrayBuffer, { strict: false }).missingKeys).toHaveLength(8);
    expect(() => m.loadStateDict(fixture('pth-checkpoint.pth'), { file: 'ck.pth', key: 'model' })).toThrow(/missing keys: conv1\.weight/);
    expect(memory().numTensors).toBe(before);
    const sd = readStateDict(fixture('pth-lenet.pth'));
    expect(Object.keys(sd)).toHaveLength(10);
    disposeAll(Object.values(sd));
    expect(() => readStateDict(new Uint8Array(20))).toThrow(PthError);
    m.dispose();
  });
});

describe('refused files', () => {
  it('a pickle calling os.system is refused, naming the global; nothing runs', () => {
    let err: unknown;
    try {
      readPth(fixture('pth-malicious.pth'), { file: 'evil.pth' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PthError);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as PthError).kind).toBe('forbidden_global');
    expect((err as Error).message).toMatch(/^pth: evil\.pth: global 'os\.system' is not allowed/);
  });

  it.each([
    ['builtins.eval (STACK_GLOBAL)', pickle('builtins', 'eval', 0x93, 'print(1)', 0x85, op('R')), 'builtins.eval'],
    ['__builtin__.exec (GLOBAL)', pickle(GLOBAL('__builtin__', 'exec'), 'print(1)', 0x85, op('R')), '__builtin__.exec'],
    ['posix.system in a nested dict', pickle(op('}'), 'model', op('}'), 'x', GLOBAL('posix', 'system'), op('s'), op('s')), 'posix.system'],
    ['subprocess.Popen via INST', pickle(op('('), 'ls', new TextEncoder().encode('isubprocess\nPopen\n')), 'subprocess.Popen'],
    ['torch.load itself', pickle(GLOBAL('torch', 'load')), 'torch.load'],
  ])('refuses %s', (_label, pkl, name) => {
    const bytes = archive({ 'data.pkl': pkl, version: '3\n' });
    expect(kindOf(() => readPth(bytes))).toBe('forbidden_global');
    expect(() => readPth(bytes)).toThrow(`global '${name}' is not allowed`);
  });

  it('torch.save(model) (the whole module) is refused naming the model class', () => {
    expect(() => readPth(fixture('pth-module.pth'))).toThrow(/global 'small\.IrisMLP' is not allowed/);
  });

  it("with unknownGlobals: 'inert', other globals become inert PthObjects (never called)", () => {
    const evil = readPth(fixture('pth-malicious.pth'), { unknownGlobals: 'inert' }) as PthObject;
    expect(evil).toBeInstanceOf(PthObject);
    expect(evil.type).toBe('os.system');
    expect(evil.args).toEqual(['echo pwned']);
    // torch.save(model): the module's class and its Linear children, with their parameters as tensors
    const before = memory().numTensors;
    const m = readPth(fixture('pth-module.pth'), { unknownGlobals: 'inert' }) as PthObject<PthValue>;
    expect(m.type).toBe('small.IrisMLP');
    const modules = (m.state as Map<string, PthValue>).get('_modules') as Map<string, PthObject<PthValue>>;
    expect(modules.get('fc1')!.type).toBe('torch.nn.modules.linear.Linear');
    const w = ((modules.get('fc1')!.state as Map<string, PthValue>).get('_parameters') as Map<string, Tensor>).get('weight')!;
    expect(w.shape).toEqual([6, 4]);
    expect(memory().numTensors).toBe(before + 4);
    disposeAll([...modules.values()].flatMap((c) => [...((c.state as Map<string, PthValue>).get('_parameters') as Map<string, Tensor>).values()]));
    expect(memory().numTensors).toBe(before);
    expect(kindOf(() => loadPth(fixture('pth-module.pth'), { unknownGlobals: 'inert' }))).toBe('no_state_dict');
  });

  it('a legacy (pre-1.6) file says how to re-save it', () => {
    expect(kindOf(() => readPth(fixture('pth-legacy.pth')))).toBe('legacy_format');
    expect(() => loadPth(fixture('pth-legacy.pth'), { file: 'old.pth' })).toThrow(/old\.pth: this is a legacy \(pre-1\.6, non-zip\) torch\.save file.*torch\.save\(torch\.load\(path, map_location='cpu'\), path\).*_use_new_zipfile_serialization=True/);
  });

  it('a TorchScript archive and a non-checkpoint are named as such', () => {
    expect(kindOf(() => readPth(archive({ 'constants.pkl': pickle(0x4e), 'code/__torch__.py': 'x' })))).toBe('torchscript');
    expect(kindOf(() => readPth(new TextEncoder().encode('hello world')))).toBe('not_a_checkpoint');
    expect(kindOf(() => readPth('x' as unknown as Uint8Array))).toBe('not_a_checkpoint');
  });
});

describe('hand-made archives', () => {
  const f32 = (xs: number[]): Uint8Array => new Uint8Array(new Float32Array(xs).buffer);

  it('reads a big-endian archive (byteorder record of torch ≥ 2.1)', () => {
    const files = unzipSync(fixture('pth-dtypes.pth'));
    const be: Record<string, Uint8Array | string> = { byteorder: 'big' };
    const sizes: Record<string, number> = { '0': 4, '1': 8, '2': 2, '3': 2, '4': 8, '5': 4, '6': 2, '7': 1, '8': 1, '9': 1, '10': 4, '11': 4 };
    for (const [k, v] of Object.entries(files)) {
      const rel = k.slice(k.indexOf('/') + 1);
      const m = /^data\/(\d+)$/.exec(rel);
      if (m) {
        const s = sizes[m[1]!]!;
        const w = v.slice();
        for (let i = 0; i < w.length; i += s) w.subarray(i, i + s).reverse();
        be[rel] = w;
      } else be[rel] = v;
    }
    const d = readPth(archive(be)) as Map<string, Tensor>;
    for (const [k, e] of Object.entries(expected.dtypes)) expectTensor(d.get(k), e, k);
    disposeAll(d.values());
  });

  it('reads a torch 2.x-shaped archive (7-argument _rebuild_tensor_v2, byteorder and serialization records)', () => {
    const d = loadPth(oneTensor(f32([1, 2, 3, 4, 5, 6]), [1], [2, 2], [1, 2], 'FloatStorage', true));
    expect(Array.from(d.w!.dataSync())).toEqual([2, 4, 3, 5]);
    disposeAll(Object.values(d));
  });

  it('stripPrefix that makes two keys equal is a typed error, without leaks', () => {
    const one = unzipSync(oneTensor(f32([1, 2]), [0], [2], [1]));
    const pkl = one['archive/data.pkl']!;
    // {'w': t, 'm.w': t}: memoise the tensor before SETITEM, then set it again under 'm.w'
    const two = new Uint8Array([...pkl.subarray(0, -2), op('q'), 0, op('s'), 0x8c, 3, ...new TextEncoder().encode('m.w'), op('h'), 0, op('s'), op('.')]);
    const bytes = archive({ 'data.pkl': two, 'data/0': one['archive/data/0']! });
    const before = memory().numTensors;
    const d = loadPth(bytes, { stripPrefix: 'x.' });
    expect(Object.keys(d)).toEqual(['w', 'm.w']);
    expect(d.w).toBe(d['m.w']); // one tensor object for one Python tensor
    disposeAll(Object.values(d));
    expect(kindOf(() => loadPth(bytes, { stripPrefix: 'm.' }))).toBe('no_state_dict');
    expect(memory().numTensors).toBe(before);
  });

  it('an int64 outside int32 is a typed error naming the tensor', () => {
    const bytes = oneTensor(new Uint8Array(new BigInt64Array([5n, 2n ** 40n]).buffer), [0], [2], [1], 'LongStorage');
    expect(kindOf(() => readPth(bytes))).toBe('int_out_of_range');
    expect(() => readPth(bytes)).toThrow(/tensor \["w"\]: I64 value 1099511627776 at index 1 does not fit in int32/);
  });

  it.each([
    ['a view past the end of its storage', 'invalid_tensor', () => oneTensor(f32([1, 2, 3]), [1], [3], [1])],
    ['a stride past the end', 'invalid_tensor', () => oneTensor(f32([1, 2, 3]), [0], [2, 2], [2, 1])],
    ['huge sizes with zero strides', 'too_large', () => oneTensor(f32([1]), [0], [65536, 65536], [0, 0])],
    ['more elements than maxElements', 'too_large', () => oneTensor(f32([1]), [0], [4096, 4097], [0, 0])],
    ['a storage that is not a multiple of the item size', 'invalid_tensor', () => oneTensor(new Uint8Array(6), [0], [1], [1])],
    ['a complex storage', 'unsupported_dtype', () => oneTensor(f32([1, 2]), [0], [1], [1], 'ComplexFloatStorage')],
    ['an unknown storage type', 'forbidden_global', () => oneTensor(f32([1]), [0], [1], [1], 'NoSuchStorage')],
    ['a missing storage record', 'missing_record', () => archive({ 'data.pkl': unzipSync(oneTensor(f32([1]), [0], [1], [1]))['archive/data.pkl']! })],
    ['no data.pkl', 'missing_record', () => archive({ 'data/0': f32([1]) })],
    ['a bad byteorder', 'invalid_zip', () => archive({ 'data.pkl': pickle(0x4e), byteorder: 'middle' })],
    ['an empty zip', 'missing_record', () => zipSync({})],
  ])('%s → %s', (_label, kind, make) => {
    const bytes = make();
    const before = memory().numTensors;
    expect(kindOf(() => readPth(bytes))).toBe(kind);
    expect(memory().numTensors).toBe(before);
  });

  it('deep nesting is a typed error, cycles are kept', () => {
    const deep = pickle(...new Array<number>(5000).fill(op(']')), ...new Array<number>(4999).fill(op('a')));
    expect(kindOf(() => readPth(archive({ 'data.pkl': deep })))).toBe('too_deep');
    const cyc = readPth(archive({ 'data.pkl': pickle(op(']'), op('q'), 0, op('h'), 0, op('a')) })) as PthValue[];
    expect(cyc[0]).toBe(cyc);
  });

  it.each([
    ['0', '286470300a56610a70310a286c70320a49310a6146322e350a6156780a70330a614e614930310a614c3130303030303030303030303030303030303030304c0a6146696e660a617356620a70340a2849310a635f636f646563730a656e636f64650a70350a28565c7530303030ff0a70360a566c6174696e310a70370a7470380a5270390a747031300a7356630a7031310a635f5f6275696c74696e5f5f0a7365740a7031320a28286c7031330a49330a6149340a61747031340a527031350a732e'],
    ['1', '7d71002858010000006171015d7102284b0147400400000000000058010000007871034e4930310a4c3130303030303030303030303030303030303030304c0a477ff0000000000000655801000000627104284b01635f636f646563730a656e636f64650a710528580300000000c3bf710658060000006c6174696e31710774710852710974710a580100000063710b635f5f6275696c74696e5f5f0a7365740a710c285d710d284b034b046574710e52710f752e'],
  ])('reads plain values pickled with protocol %s (text opcodes, _codecs.encode, __builtin__.set)', (_p, hex) => {
    // pickle.dumps({'a': [1, 2.5, 'x', None, True, 10**20, inf], 'b': (1, b'\x00\xff'), 'c': {3, 4}}, protocol=p)
    const pkl = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
    const v = readPth(archive({ 'data.pkl': pkl })) as Map<string, PthValue>;
    expect(v.get('a')).toEqual([1, 2.5, 'x', null, true, 10n ** 20n, Infinity]);
    expect(v.get('b')).toEqual([1, new Uint8Array([0, 255])]);
    expect(v.get('c')).toEqual(new Set([3, 4]));
  });

  it.each([
    ['truncated BINUNICODE', pickle(op('X'), 0xff, 0xff, 0xff, 0x7f)],
    ['BINUNICODE8 of 2^63', pickle(0x8d, 0, 0, 0, 0, 0, 0, 0, 0x80)],
    ['stack underflow', pickle(op('R'))],
    ['undefined memo', pickle(op('h'), 9)],
    ['unknown opcode', pickle(0xff)],
    ['APPEND to a tuple', pickle(op(')'), 0x4e, op('a'))],
    ['no STOP', new Uint8Array([0x80, 2, 0x4e])],
    ['SETITEM on a list', pickle(op(']'), 0x4e, 0x4e, op('s'))],
    ['REDUCE on a string', pickle('x', op(')'), op('R'))],
  ])('malformed pickle: %s → invalid_pickle', (_label, pkl) => {
    expect(kindOf(() => readPth(archive({ 'data.pkl': pkl })))).toBe('invalid_pickle');
  });

  it('a CRC mismatch is a typed error (and can be skipped)', () => {
    const ok = oneTensor(f32([1, 2]), [0], [2], [1]);
    const bad = ok.slice();
    const at = bad.findIndex((_, i) => bad[i] === 0 && bad[i + 1] === 0 && bad[i + 2] === 0x80 && bad[i + 3] === 0x3f); // 1.0f
    bad[at + 3] = 0x40; // 1.0 → 4.0
    expect(kindOf(() => readPth(bad))).toBe('crc_mismatch');
    const d = readPth(bad, { verifyCrc: false }) as Map<string, Tensor>;
    expect(Array.from(d.get('w')!.dataSync())).toEqual([4, 2]);
    disposeAll(d.values());
  });
});
