import { getBackend, getKernel, registerKernel, type KernelFunc, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';

interface WasmLike {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}
interface CpuLike {
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Largest parameter (in elements) a fused optimizer kernel updates; larger ones take the
 * per-op path. The fused kernels save kernel launches (~7 µs each: 2–6 per parameter for SGD,
 * ~13 for Adam) but run a scalar JavaScript loop (SGD ~5 ns, Adam ~20 ns per element, against
 * ~0.2 ns per element and kernel for wasm's element-wise kernels): they win below a few thousand
 * elements and lose badly above (Inception v3's 27 M parameters: SGD 143 ms fused per step).
 * Both paths do the same float32 arithmetic, so a group may mix them.
 */
export const FUSED_MAX_SIZE = 4096;

/**
 * A kernel that updates many parameters at once, in JavaScript on the backend's own float32
 * arrays (views of the wasm heap, or tfjs-backend-cpu's arrays): what the fused optimizer
 * kernels share. Inputs are named `<kind><i>` (`p0`, `g0`, `m0`, …) for `count` parameters;
 * `outKinds(attrs)` lists the outputs, each shaped like the input of its kind (or like `p<i>`
 * when there is no such input), returned kind by kind: `[p0…pn, m0…mn, …]`.
 * `update(attrs, i, input, output)` computes parameter i's outputs from its inputs.
 */
export function fusedKernel<A>(
  count: (a: A) => number,
  outKinds: (a: A) => string[],
  update: (a: A, i: number, input: (kind: string) => Float32Array | null, output: (kind: string) => Float32Array) => void,
): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const a = attrs as unknown as A;
    const n = count(a);
    const kinds = outKinds(a);
    const inputOf = (k: string, i: number): TensorInfo | undefined => inputs[`${k}${i}`] as TensorInfo | undefined;
    const wasm = typeof (backend as Partial<WasmLike>).typedArrayFromHeap === 'function' ? (backend as unknown as WasmLike) : null;
    const outs: TensorInfo[] = [];
    const cpuOut = new Map<TensorInfo, Float32Array>();
    for (const k of kinds) {
      for (let i = 0; i < n; i++) {
        const shape = (inputOf(k, i) ?? inputOf('p', i)!).shape;
        if (wasm) outs.push(wasm.makeOutput(shape, 'float32'));
        else {
          const values = new Float32Array(size(shape));
          const out = (backend as unknown as CpuLike).makeTensorInfo(shape, 'float32', values);
          cpuOut.set(out, values);
          outs.push(out);
        }
      }
    }
    // Views are taken after every output is allocated: allocating can grow (and detach) the wasm heap.
    const view = (t: TensorInfo): Float32Array =>
      size(t.shape) === 0 ? new Float32Array(0) : wasm ? wasm.typedArrayFromHeap(t) : (cpuOut.get(t) ?? (backend as unknown as CpuLike).readSync(t.dataId));
    for (let i = 0; i < n; i++) {
      if (size(inputOf('p', i)!.shape) === 0) continue;
      const input = (k: string): Float32Array | null => {
        const t = inputOf(k, i);
        return t === undefined ? null : view(t);
      };
      update(a, i, input, (k) => view(outs[kinds.indexOf(k) * n + i]!));
    }
    return outs;
  };
}

/**
 * Whether a fused kernel can run on the active backend (tfjs-backend-wasm or -cpu) for these
 * tensors (all float32); registers `kernelFunc` as `name` for that backend on first use.
 */
export function fusedKernelAvailable(name: string, kernelFunc: KernelFunc, tensors: Iterable<Tensor | undefined>): boolean {
  const backendName = getBackend();
  if (backendName !== 'wasm' && backendName !== 'cpu') return false;
  for (const t of tensors) if (t !== undefined && t.dtype !== 'float32') return false;
  if (getKernel(name, backendName) === undefined) registerKernel({ kernelName: name, backendName, kernelFunc });
  return true;
}
