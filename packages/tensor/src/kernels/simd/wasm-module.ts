import { engine, getBackend, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/** What nnkit's SIMD kernels need of tfjs-backend-wasm's backend object. */
export interface WasmHeapBackend {
  wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown };
  typedArrayFromHeap(t: TensorInfo): ArrayBufferView;
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** A kernel's `backend` argument as the wasm backend the SIMD kernels run on (the caller checked it is one). */
export const wasmHeap = (backend: unknown): WasmHeapBackend => backend as WasmHeapBackend;

/** A tensor's byte offset in the wasm heap (what the SIMD kernels take as a pointer). */
export const heapOffset = (backend: object, t: TensorInfo): number => (backend as WasmHeapBackend).typedArrayFromHeap(t).byteOffset;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The backend's (non-shared) wasm memory, or null (cpu, or a threaded build's shared memory). */
function backendMemory(backend: object): WebAssembly.Memory | null {
  const m = (backend as WasmHeapBackend).wasm;
  const mem = m?.asm?.memory ?? m?.wasmMemory;
  if (!(mem instanceof WebAssembly.Memory)) return null;
  return typeof SharedArrayBuffer !== 'undefined' && mem.buffer instanceof SharedArrayBuffer ? null : mem;
}

/** Kernel configs registered by {@link SimdModule.wrapKernel} (so a second install does not wrap them again). */
const wrappedConfigs = new WeakSet<object>();

/** The wasm kernels {@link SimdModule.wrapKernel} wrapped, by name: tfjs-backend-wasm's own. */
const originals = new Map<string, KernelConfig>();

/**
 * The kernel registered for `name` on `backendName` before nnkit wrapped it (tfjs-backend-wasm's
 * own, e.g. its XNNPACK `BatchMatMul`), or the registered one where nothing was wrapped. For
 * callers that need the original's numerics: XNNPACK computes each output row in the same order
 * whatever the number of rows, where nnkit's SIMD products take over below 64 rows.
 *
 * @example `originalKernel('BatchMatMul', 'wasm')?.kernelFunc(args)`
 */
export function originalKernel(name: string, backendName: string): KernelConfig | undefined {
  return (backendName === 'wasm' ? originals.get(name) : undefined) ?? getKernel(name, backendName);
}

/**
 * One of nnkit's wasm SIMD modules (its binary as base64, from a `*-binary.ts`), instantiated
 * once per tfjs-backend-wasm backend object on that backend's own memory.
 */
export class SimdModule<T> {
  private readonly instances = new WeakMap<object, T>();

  constructor(private readonly base64: string) {}

  /**
   * Instantiates the module on `backend`'s memory (idempotent; asynchronous, as browsers require)
   * and registers `kernels` for wasm where no kernel of that name is registered yet.
   * Resolves false (registering nothing) where WebAssembly SIMD is missing or the memory is shared
   * (threaded build).
   */
  async install(backend: object | null | undefined, kernels: readonly { kernelName: string; kernelFunc: KernelFunc }[] = []): Promise<boolean> {
    if (backend == null) return false;
    if (!this.instances.has(backend)) {
      const memory = backendMemory(backend);
      const bytes = decode(this.base64);
      if (memory === null || !WebAssembly.validate(bytes)) return false;
      const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
      this.instances.set(backend, instance.exports as unknown as T);
    }
    for (const k of kernels) if (getKernel(k.kernelName, 'wasm') === undefined) registerKernel({ ...k, backendName: 'wasm' });
    return true;
  }

  /**
   * Whether the module's kernels can run now: the current backend is tfjs-backend-wasm and the
   * module is installed on it (with SIMD). The one check every SIMD kernel's applies-rule ends with.
   */
  active(): boolean {
    return getBackend() === 'wasm' && this.on(engine().backend) !== null;
  }

  /** The module's exports on `backend`, or null when not installed there. */
  on(backend: object): T | null {
    return this.instances.get(backend) ?? null;
  }

  /**
   * Wraps the registered wasm kernel `name` (idempotent): `run` gets this module's exports on the
   * call's backend and the call's arguments, and returns the output, or null to leave the call
   * to the wrapped kernel (as every call is where the module is not installed).
   */
  wrapKernel(name: string, run: (k: T, args: Parameters<KernelFunc>[0]) => TensorInfo | null): void {
    const original = getKernel(name, 'wasm');
    if (original === undefined || wrappedConfigs.has(original)) return;
    originals.set(name, original);
    const kernelFunc: KernelFunc = (args) => {
      const k = this.on(args.backend);
      return (k === null ? null : run(k, args)) ?? original.kernelFunc(args);
    };
    const config: KernelConfig = { ...original, kernelFunc };
    unregisterKernel(name, 'wasm');
    registerKernel(config);
    wrappedConfigs.add(config);
  }
}
